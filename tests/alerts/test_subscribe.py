"""Subscribing with double opt-in, changing one's alerts and unsubscribing, through the pages."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from news.models import Consent, Subscriber
from news.subscriptions import CONFIRMATION_LIFETIME, REQUESTS_PER_ADDRESS
from pages.content_version import content_version
from tests.factories import country, make_release, make_subscriber

SUBSCRIBE = "/subscribe/"


def form(email="reporter@example.org", **fields):
    return {"email": email, "email_language": "en", **fields}


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/subscribe/confirm/[^\s]+/)", message.body)[1]


@pytest.fixture
def china():
    return country("CN")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_subscribe_confirm_from_the_email_then_alerts_apply(client, china, run_tasks):
    version = content_version()
    page = client.get(f"{SUBSCRIBE}?country=china&kind=press-release")
    assert page.status_code == 200
    countries = re.findall(r'<input type="checkbox" name="country" value="([\w-]+)"', page.text)
    assert len(countries) > 200 and countries[0] == "china"  # the chosen one first
    assert re.search(r'value="china"[^>]* checked', page.text)
    assert "csrftoken" in page.cookies  # the one public page that sets a cookie
    assert "no-cache" in page["Cache-Control"] or "private" in page["Cache-Control"]

    response = client.post(
        f"{SUBSCRIBE}?country=china",
        form("Reporter@Example.org", country=["china"], kind=["press-release"]),
    )
    assert response.status_code == 302 and response["Location"] == "/subscribe/sent/"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reporter@example.org"
    assert subscriber.confirmed_at is None and subscriber.filters == {}  # nothing applies yet

    run_tasks()
    [message] = mail.outbox
    assert message.to == ["reporter@example.org"]
    assert "Press release about China" in message.body
    link = confirmation_link(message)

    # Opening the link (as a link scanner does) confirms nothing: the button does.
    assert "Confirm" in client.get(link).text
    assert Subscriber.objects.get().confirmed_at is None
    confirmed = client.post(link)
    assert confirmed.status_code == 200 and "confirmed" in confirmed.text
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert subscriber.filters == {"country": [china.pk], "kind": ["press-release"]}
    consents = list(subscriber.consents.values_list("action", "form", "alerts"))
    assert consents == [
        ("requested", "/subscribe/?country=china", "Press release about China; emails in English"),
        ("confirmed", "/subscribe/?country=china", "Press release about China; emails in English"),
    ]

    # The same link again: a clear message, nothing changed.
    again = client.post(link)
    assert again.status_code == 410 and "used already" in again.text
    assert subscriber.consents.count() == 2
    assert content_version() == version  # no page changed: every cache stays


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_asking_again_answers_the_same_and_sends_at_most_one_email(client, run_tasks):
    make_subscriber("known@example.org")
    answers = [
        client.post(SUBSCRIBE, form(email))
        for email in ["new@example.org", "new@example.org", "known@example.org"]
    ]
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/subscribe/sent/")
    }
    run_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "known@example.org",  # told how to change their alerts, by confirming
        "new@example.org",
    ]
    known = next(message for message in mail.outbox if message.to == ["known@example.org"])
    assert known.subject == "Confirm the change of your email alerts"


@pytest.mark.django_db
def test_a_changed_request_replaces_the_older_link(client, monkeypatch):
    monkeypatch.setattr("news.subscriptions.RESEND_AFTER", CONFIRMATION_LIFETIME * 0)
    client.post(SUBSCRIBE, form())
    first = Subscriber.objects.get().pending_key
    client.post(SUBSCRIBE, form(kind=["news"]))
    subscriber = Subscriber.objects.get()
    assert subscriber.pending_key != first
    assert subscriber.pending["filters"] == {"kind": ["news"]}


@pytest.mark.django_db
def test_forged_expired_and_unknown_links_change_nothing(client, monkeypatch):
    client.post(SUBSCRIBE, form())
    subscriber = Subscriber.objects.get()
    payload = {"s": subscriber.pk, "k": subscriber.pending_key}
    salt = "news.subscriptions.confirm"
    forged = signing.dumps(payload, salt=salt, key="not-the-secret-key")
    past = time.time() - CONFIRMATION_LIFETIME.total_seconds() - 60
    monkeypatch.setattr(signing.time, "time", lambda: past)
    expired = signing.dumps(payload, salt=salt)
    monkeypatch.undo()
    for token, status, words in [
        (forged, 404, "not valid"),
        ("garbage", 404, "not valid"),
        ("a" * 5000, 404, "not valid"),
        (expired, 410, "expired"),
        (signing.dumps({"s": subscriber.pk, "k": "old"}, salt=salt), 410, "used already"),
        (signing.dumps({"s": 0, "k": "x"}, salt=salt), 410, "no longer exists"),
    ]:
        url = reverse("subscriptions:confirm", args=[token])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == status and words in response.text
    assert Subscriber.objects.get().confirmed_at is None
    assert Consent.objects.count() == 1  # the request only


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "reporter@example.org\nBcc: everyone@example.org",
        "<script>alert(1)</script>@example.org",
        "reporter@@example.org",
        "a" * 250 + "@example.org",
        "",
        "reporter@example.org\x00",
    ],
)
def test_hostile_addresses_are_form_errors(client, email):
    response = client.post(SUBSCRIBE, form(email))
    assert response.status_code == 200
    assert "Please correct the marked fields" in response.text
    assert "<script>alert" not in response.text
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_unknown_or_huge_filter_lists_are_form_errors(client, china):
    for fields in [
        {"country": ["atlantis"]},
        {"country": ["china", "atlantis"]},
        {"kind": ["gossip"]},
        {"tag": [f"topic-{n}" for n in range(900)]},
        {"email_language": "xx"},
    ]:
        response = client.post(SUBSCRIBE, form(**fields))
        assert response.status_code == 200, fields
        assert "Please correct the marked fields" in response.text
    too_many_fields = client.post(SUBSCRIBE, form(country=["china"] * 5000))
    assert too_many_fields.status_code == 400
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_repeated_choices_are_kept_once(client, china):
    Tag.objects.create(name="Health", slug="health")
    client.post(SUBSCRIBE, form(country=["china"] * 3, tag=["health", "health"]))
    filters = Subscriber.objects.get().pending["filters"]
    assert filters == {"country": [china.pk], "tag": [Tag.objects.get().pk]}


@pytest.mark.django_db
def test_the_honeypot_answers_like_success_and_keeps_nothing(client):
    response = client.post(SUBSCRIBE, form(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/subscribe/sent/"
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_one_network_may_ask_only_so_often(client):
    limit = REQUESTS_PER_ADDRESS
    answers = [client.post(SUBSCRIBE, form(f"reporter{n}@example.org")) for n in range(limit + 2)]
    assert [answer.status_code for answer in answers] == [302] * limit + [429] * 2
    assert "Try again" in answers[-1].text
    assert Subscriber.objects.count() == limit
    other_network = Client(REMOTE_ADDR="192.0.2.7")
    assert other_network.post(SUBSCRIBE, form("other@example.org")).status_code == 302


@pytest.mark.django_db
def test_a_subscriber_changes_their_alerts_from_the_link_in_any_email(client, china):
    subscriber = make_subscriber(filters={"country": [china.pk]})
    url = subscriber.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and subscriber.email in page.text
    assert "no-cache" in page["Cache-Control"] and not page.cookies
    response = client.post(url, {"kind": ["news", "story"], "email_language": "fr"})
    assert response.status_code == 302
    assert "saved" in client.get(response["Location"]).text
    subscriber.refresh_from_db()
    assert (subscriber.filters, subscriber.language) == ({"kind": ["news", "story"]}, "fr")
    [change] = subscriber.consents.all()
    assert (change.action, change.form) == ("changed", url)
    assert client.post(url, {"kind": ["gossip"], "email_language": "en"}).status_code == 200
    assert client.get("/subscribe/manage/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_unsubscribing_takes_one_post_and_deletes_the_subscriber(china):
    subscriber = make_subscriber()
    subscriber.consents.create(action="confirmed", form="/subscribe/", alerts="All releases")
    url = reverse("subscriptions:unsubscribe", args=[subscriber.token])
    # A mail program posts with no cookie and no CSRF token; a link scanner only opens it.
    mail_program = Client(enforce_csrf_checks=True)
    page = mail_program.get(url)
    assert page.status_code == 200 and "<form" in page.text and not page.cookies
    assert Subscriber.objects.exists()
    response = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.text
    assert not Subscriber.objects.exists() and not Consent.objects.exists()
    assert mail_program.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert mail_program.get(url).status_code == 404


@pytest.mark.django_db
def test_public_pages_link_to_alerts_and_stay_cookie_free(client, china):
    release = make_release("Floods", dateline_country=china)
    for url, link in [
        (
            "/news/?country=china&kind=press-release",
            "/subscribe/?kind=press-release&amp;country=china",
        ),
        (release.get_absolute_url(), "/subscribe/?country=china"),
        (china.get_absolute_url(), "/subscribe/?country=china"),
    ]:
        response = client.get(url)
        assert link in response.text, url
        assert not response.cookies
