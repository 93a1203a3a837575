import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from news.models import EmbargoLink
from tests.admin_forms import admin_form_data
from tests.factories import (
    country,
    in_hours,
    make_contact,
    make_embargo_link,
    make_release,
    make_staff_user,
)

pytestmark = pytest.mark.django_db

EMBARGO_TITLE = "Zanzibar seaweed farmers adapt"


@pytest.fixture
def scheduled():
    return make_release(
        title=EMBARGO_TITLE, publish_at=in_hours(2), countries=[country("TZ")], tags=["Climate"]
    )


def public_addresses(release):
    return [
        reverse("news:list"),
        reverse("home"),
        reverse("contacts:country", args=[country("TZ").slug]),
        reverse("search") + "?q=Zanzibar+seaweed",
    ]


def shows(client, url, release):
    return release.get_absolute_url() in client.get(url).content.decode()


def test_embargoed_release_is_private_until_its_time_then_public_with_no_one_acting(
    client, scheduled
):
    link = make_embargo_link(scheduled)
    for url in public_addresses(scheduled):
        assert not shows(client, url, scheduled), url
    assert not shows(client, "/sitemap-releases.xml", scheduled)
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert EMBARGO_TITLE in response.text
    assert "EMBARGOED until" in response.text

    after_embargo = scheduled.publish_at + timedelta(minutes=1)
    # Only the clock jumps here; cached views end at the embargo time by the cache's own
    # clock, which the next test checks in real time.
    cache.clear()
    with mock.patch("django.utils.timezone.now", return_value=after_embargo):
        for url in public_addresses(scheduled):
            assert shows(client, url, scheduled), url
        assert shows(client, "/sitemap-releases.xml", scheduled)
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        # The private link now leads to the public page.
        response = client.get(link.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"] == scheduled.get_absolute_url()


def test_cached_public_views_show_the_release_when_its_embargo_ends(client, settings):
    settings.PAGE_CACHE = True
    release = make_release(
        title=EMBARGO_TITLE, publish_at=timezone.now() + timedelta(seconds=2),
        countries=[country("TZ")],
    )  # fmt: skip
    for url in public_addresses(release):
        assert not shows(client, url, release), url  # and now cached
    time.sleep(max(0, (release.publish_at - timezone.now()).total_seconds()) + 1.1)
    for url in public_addresses(release):
        assert shows(client, url, release), url


def test_embargo_page_is_never_cached_nor_indexed_and_names_its_time_zone(client, scheduled):
    response = client.get(make_embargo_link(scheduled).get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex' in response.text
    when = timezone.localtime(scheduled.publish_at)
    assert f"EMBARGOED until {when:%-d %B %Y, %H:%M} UTC" in response.text


def test_public_release_page_has_no_embargo_banner(client):
    response = client.get(make_release().get_absolute_url())
    assert "EMBARGOED" not in response.text
    assert 'name="robots"' not in response.text


def test_link_is_unguessable():
    release = make_release(publish_at=in_hours(1))
    tokens = {make_embargo_link(release).token for _ in range(3)}
    assert len(tokens) == 3
    assert all(len(token) >= 43 for token in tokens)  # 32 random bytes, base64


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_revoked_or_expired_link_is_not_found(client, scheduled, change):
    link = make_embargo_link(scheduled, **change)
    assert client.get(link.get_absolute_url()).status_code == 404


def test_link_to_a_release_taken_back_to_draft_is_not_found(client, scheduled):
    link = make_embargo_link(scheduled)
    scheduled.status = "draft"
    scheduled.save()
    assert client.get(link.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("token", ["nope", "a" * 43, "x" * 500])
def test_unknown_token_is_not_found(client, token):
    assert client.get(f"/news/embargo/{token}/").status_code == 404


def test_embargo_page_queries_do_not_grow_with_contacts(
    client, django_assert_max_num_queries, scheduled
):
    for order in range(15):
        scheduled.release_contacts.create(contact=make_contact(), sort_order=order)
    link = make_embargo_link(scheduled)
    client.get(link.get_absolute_url())  # builds the shared fragments: menu, related releases
    with django_assert_max_num_queries(8):
        response = client.get(link.get_absolute_url())
    assert response.text.count('class="contact"') == 15


# Creating and revoking links in the admin


def change_url(release):
    return reverse("admin:news_release_change", args=[release.pk])


def add_link_data(client, release, shared_with="Reuters Geneva", expires=("", "")):
    data = admin_form_data(client.get(change_url(release)))
    data |= {
        "embargo_links-TOTAL_FORMS": "1",
        "embargo_links-0-shared_with": shared_with,
        "embargo_links-0-expires_at_0": expires[0],
        "embargo_links-0-expires_at_1": expires[1],
        "_continue": "Save and continue editing",
    }
    return data


@pytest.fixture
def release_editor(client):
    user = make_staff_user("news.change_release", "news.view_release")
    client.force_login(user)
    return user


def test_editor_creates_link_expiring_a_week_after_the_embargo(client, release_editor, scheduled):
    response = client.post(change_url(scheduled), add_link_data(client, scheduled))
    assert response.status_code == 302, response.context["errors"]
    link = EmbargoLink.objects.get(release=scheduled)
    assert link.shared_with == "Reuters Geneva"
    assert link.created_by == release_editor
    scheduled.refresh_from_db()  # the form round trip drops the microseconds
    assert link.expires_at == scheduled.publish_at + timedelta(days=7)
    # The full address is shown in the form, ready to copy.
    page = client.get(change_url(scheduled)).text
    assert f'value="http://testserver/news/embargo/{link.token}/"' in page


def test_link_cannot_expire_before_the_embargo(client, release_editor, scheduled):
    too_soon = timezone.localtime(scheduled.publish_at - timedelta(hours=1))
    data = add_link_data(client, scheduled, expires=(f"{too_soon:%Y-%m-%d}", f"{too_soon:%H:%M}"))
    response = client.post(change_url(scheduled), data)
    assert response.status_code == 200
    assert "cannot expire before the embargo lifts" in response.text
    assert not EmbargoLink.objects.exists()


def test_no_link_for_a_release_that_is_not_scheduled(client, release_editor):
    draft = make_release(status="draft", publish_at=in_hours(2))
    response = client.post(change_url(draft), add_link_data(client, draft))
    assert response.status_code == 200
    assert "Embargo links are for scheduled releases" in response.text
    assert not EmbargoLink.objects.exists()


def test_revoking_in_the_admin_turns_the_link_off(client, release_editor, scheduled):
    link = make_embargo_link(scheduled)
    data = admin_form_data(client.get(change_url(scheduled)))
    data |= {"embargo_links-0-revoke": "on", "_continue": "Save and continue editing"}
    assert client.post(change_url(scheduled), data).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 404
    assert "Revoked" in client.get(change_url(scheduled)).text


def test_view_only_staff_neither_see_nor_create_links(client, scheduled):
    link = make_embargo_link(scheduled)
    client.force_login(make_staff_user("news.view_release"))
    page = client.get(change_url(scheduled))
    assert page.status_code == 200
    assert link.token not in page.text
    data = {
        "embargo_links-TOTAL_FORMS": "1",
        "embargo_links-INITIAL_FORMS": "0",
        "embargo_links-0-shared_with": "Leak Daily",
    }
    assert client.post(change_url(scheduled), data).status_code == 403
    assert EmbargoLink.objects.count() == 1
