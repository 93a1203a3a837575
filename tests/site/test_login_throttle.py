import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@iom.int", "right-password", is_staff=True
    )


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked(client, username, address="203.0.113.7"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong", address)


def test_failed_sign_in_reads_the_same_for_unknown_and_known_accounts(client, editor):
    known = sign_in(client, "editor", "wrong", "198.51.100.1")
    unknown = sign_in(client, "nobody", "wrong", "198.51.100.2")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # A new address each time: the account alone is what gets locked.
        sign_in(client, "editor", "wrong", f"198.51.100.{attempt + 1}")
    response = sign_in(client, "editor", "right-password", "198.51.100.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_repeated_failures_across_accounts(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong", "192.0.2.50")
    assert sign_in(client, "editor", "right-password", "192.0.2.50").status_code == 429
    # Another address still gets in.
    assert sign_in(client, "editor", "right-password", "192.0.2.51").status_code == 302


def without_nonces(html):
    return re.sub(rb' nonce="[^"]+"', b"", html)


def test_lockout_reads_the_same_for_unknown_and_known_accounts(client, editor):
    fail_until_locked(client, "editor", "198.51.100.10")
    fail_until_locked(client, "nobody", "198.51.100.20")
    known = sign_in(client, "editor", "wrong", "198.51.100.30")
    unknown = sign_in(client, "nobody", "wrong", "198.51.100.40")
    assert known.status_code == unknown.status_code == 429
    # Identical but for the per-response CSP nonces on the admin's own script and style tags.
    assert without_nonces(known.content) == without_nonces(unknown.content)
    assert b"editor" not in known.content
    assert b"Sign-in paused" in known.content


def test_a_successful_sign_in_before_the_limit_clears_the_failures(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", "right-password").status_code == 302
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_the_address_comes_from_the_trusted_proxy_only(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "nobody", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            # The visitor may prepend anything; the balancer appends the real address last.
            HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.77",
        )
    assert AccessAttempt.objects.get(username="nobody").ip_address == "192.0.2.77"


@pytest.mark.parametrize(
    "username", ["a" * 5000, "nul\x00byte", "é" * 300, "<script>alert(1)</script>", ""]
)
def test_hostile_sign_in_attempts_are_refused_not_failed(client, editor, username):
    client.raise_request_exception = False
    response = sign_in(client, username, "p" * 5000)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_forged_forwarded_address_is_ignored(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.raise_request_exception = False
    response = client.post(
        LOGIN,
        {"username": "nobody", "password": "wrong"},
        REMOTE_ADDR="192.0.2.9",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="nobody").ip_address == "192.0.2.9"
