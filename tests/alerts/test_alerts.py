"""Alerts go out when a release goes live, once per subscriber, by every write path; a task
worker sends them (run here in the test's process, as `db_worker --batch` runs)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from taggit.models import Tag

from news.models import Delivery, Release, ReleaseAlert
from pages.publishing import Status
from tests.alerts.smtp import free_port
from tests.factories import (
    country,
    in_hours,
    make_contact,
    make_release,
    make_subscriber,
    now,
    release_row,
)

# Tasks are queued when a transaction commits, and the worker commits its own: every test
# here commits for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def publish(release, **changes):
    for name, value in {"status": Status.PUBLISHED, **changes}.items():
        setattr(release, name, value)
    release.save()


@pytest.fixture
def draft():
    """A draft release about China with a press contact and a topic, written in one
    transaction as the admin writes it."""
    with transaction.atomic():
        release = make_release(
            "Floods in Yunnan",
            status=Status.DRAFT,
            publish_at=None,
            dateline_country=country("CN"),
            summary="IOM helps families displaced by the floods.",
            contacts=[make_contact("Ellen Wong", email="ewong@iom.int")],
            tags=["Climate"],
        )
    return release


def test_a_published_release_is_mailed_once_to_each_matching_subscriber(draft, run_tasks):
    china, france = country("CN"), country("FR")
    climate = Tag.objects.get(name="Climate")
    everything = make_subscriber("all@example.org")
    make_subscriber("china@example.org", filters={"country": [china.pk]})
    make_subscriber("asia@example.org", filters={"region": [china.region_id]})
    make_subscriber("climate@example.org", filters={"tag": [climate.pk], "kind": ["press-release"]})
    make_subscriber("france@example.org", filters={"country": [france.pk]})
    make_subscriber("news@example.org", filters={"kind": ["news"]})
    make_subscriber("french@example.org", filters={"language": ["fr"]})
    make_subscriber("pending@example.org", confirmed=False)

    publish(draft)
    run_tasks()

    assert recipients() == [
        "all@example.org",
        "asia@example.org",
        "china@example.org",
        "climate@example.org",
    ]
    message = next(message for message in mail.outbox if message.to == [everything.email])
    assert message.subject == "Floods in Yunnan"
    text = message.body
    assert "China – " in text
    assert "IOM helps families displaced by the floods." in text
    assert f"http://127.0.0.1:8000{draft.get_absolute_url()}" in text
    assert "Ellen Wong" in text and "ewong@iom.int" in text
    unsubscribe = f"http://127.0.0.1:8000/subscribe/unsubscribe/{everything.token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/subscribe/manage/{everything.token}/" in text
    assert unsubscribe in message.message().as_string()  # whole, not quoted-printable
    html = message.alternatives[0].content
    assert "Floods in Yunnan" in html and unsubscribe in html

    # Saving it again, or unpublishing and publishing it again, sends nothing more.
    draft.summary = "Updated."
    draft.save()
    Release.objects.filter(pk=draft.pk).unpublish()
    Release.objects.filter(pk=draft.pk).publish()
    run_tasks()
    assert len(mail.outbox) == 4
    alert = ReleaseAlert.objects.get()
    assert (alert.status, alert.recipients, alert.sent, alert.failed) == ("sent", 4, 4, 0)
    assert alert.started_at <= alert.finished_at
    assert not Delivery.objects.exists()  # the counts are kept, the rows are not


@pytest.mark.parametrize(
    "write",
    [
        lambda release: Release.objects.filter(pk=release.pk).publish(),
        lambda release: Release.objects.filter(pk=release.pk).update(
            status=Status.PUBLISHED, publish_at=now()
        ),
        lambda release: Release.objects.bulk_create(
            [release_row("Bulk written", status=Status.PUBLISHED, publish_at=now())]
        ),
    ],
    ids=["bulk publish action", "queryset update", "bulk create"],
)
def test_every_write_path_sends_the_alert(draft, run_tasks, write):
    make_subscriber("all@example.org")
    write(draft)
    run_tasks()
    assert recipients() == ["all@example.org"]


def test_an_embargoed_release_is_mailed_when_the_embargo_lifts_not_before(draft, run_tasks):
    make_subscriber("all@example.org")
    publish(draft, publish_at=now() + timedelta(seconds=2))
    run_tasks()
    assert mail.outbox == []
    time.sleep(2.1)
    run_tasks()  # nobody saved anything in between: the task queued for the embargo runs
    assert recipients() == ["all@example.org"]


def test_a_release_unpublished_before_its_embargo_is_never_mailed(draft, run_tasks):
    make_subscriber("all@example.org")
    publish(draft, publish_at=now() + timedelta(seconds=1))
    run_tasks()
    Release.objects.filter(pk=draft.pk).unpublish()
    time.sleep(1.1)
    run_tasks()
    assert mail.outbox == []


def test_an_embargo_moved_later_is_mailed_at_the_new_time_only(draft, run_tasks):
    make_subscriber("all@example.org")
    publish(draft, publish_at=now() + timedelta(seconds=1))
    publish(draft, publish_at=now() + timedelta(seconds=3))
    time.sleep(1.1)
    run_tasks()
    assert mail.outbox == []
    time.sleep(2)
    run_tasks()
    assert recipients() == ["all@example.org"]


def test_old_releases_and_earlier_releases_are_not_mailed(draft, run_tasks):
    make_subscriber("all@example.org")
    # A backfill of the archive: published long ago.
    make_release("From the archive", publish_at=now() - timedelta(days=3))
    # Live before the subscriber confirmed.
    make_subscriber("late@example.org", confirmed_at=now() + timedelta(seconds=1))
    run_tasks()
    assert mail.outbox == []
    publish(draft, publish_at=now() - timedelta(minutes=30))  # after the first confirmed
    run_tasks()
    assert recipients() == ["all@example.org"]


def test_subscribers_receive_the_version_in_their_language_once(run_tasks):
    make_subscriber("english@example.org")
    make_subscriber("french@example.org", language="fr")
    make_subscriber("spanish@example.org", language="es")
    moment = in_hours(-0.1)
    with transaction.atomic():
        original = make_release("Migrants helped", slug="helped", publish_at=moment)
        make_release(
            "Aide aux migrants",
            slug="aide",
            language="fr",
            translation_of=original,
            publish_at=moment,
        )
    run_tasks()
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "english@example.org": "Migrants helped",
        "french@example.org": "Aide aux migrants",
        "spanish@example.org": "Migrants helped",  # no Spanish version
    }
    # Each email's links lead to pages in the subscriber's language.
    bodies = {message.to[0]: message.body for message in mail.outbox}
    site = settings.SITE_URL
    assert f"{site}/fr/news/aide/" in bodies["french@example.org"]
    assert f"{site}/es/news/helped/" in bodies["spanish@example.org"]
    assert f"{site}/es/subscribe/" in bodies["spanish@example.org"]
    assert f"{site}/news/helped/" in bodies["english@example.org"]


def test_a_version_published_after_the_alert_sends_nothing_more(run_tasks):
    make_subscriber("french@example.org", language="fr")
    original = make_release("Migrants helped", publish_at=now())
    run_tasks()
    make_release("Aide aux migrants", language="fr", translation_of=original, publish_at=now())
    run_tasks()
    assert [message.subject for message in mail.outbox] == ["Migrants helped"]


def sending(release, subscribers, **claim):
    """The alert of a release as a worker left it mid-send: deliveries written, perhaps held."""
    alert = ReleaseAlert.objects.create(release=release, story=release.pk, status="sending")
    for subscriber in subscribers:
        Delivery.objects.create(alert=alert, subscriber=subscriber, **claim)
    return alert


def test_deliveries_held_by_a_live_worker_wait_and_a_dead_ones_are_taken_over(draft, run_tasks):
    subscribers = [make_subscriber(f"reporter{n}@example.org") for n in range(3)]
    sending(draft, subscribers, claimed_by="other", claimed_until=now() + timedelta(seconds=2))
    publish(draft)
    run_tasks()
    assert mail.outbox == []  # another worker holds them
    time.sleep(2.1)  # and dies: its lease ends
    run_tasks()
    assert recipients() == sorted(subscriber.email for subscriber in subscribers)
    assert ReleaseAlert.objects.get().sent == 3


def test_unsubscribing_during_sending_stops_that_email(draft, run_tasks):
    leaving = make_subscriber("leaving@example.org")
    staying = make_subscriber("staying@example.org")
    sending(draft, [leaving, staying])
    leaving.delete()
    publish(draft)
    run_tasks()
    assert recipients() == ["staying@example.org"]


def test_refused_addresses_fail_and_a_failing_mail_server_is_tried_again(
    draft, run_tasks, smtp_settings, settings, monkeypatch
):
    settings.ALERTS_LEASE_SECONDS, settings.MAIL_SERVER_TIMEOUT = 2, 0.5
    monkeypatch.setattr("news.alerts.RETRY_DELAYS", [1])
    monkeypatch.setattr("news.alerts.REFUSED_RETRY_DELAY", timedelta(seconds=1))
    monkeypatch.setattr("news.alerts.MAX_ATTEMPTS", 2)
    inbox = smtp_settings
    inbox.refused["gone@example.org"] = "550 5.1.1 No such user"
    inbox.refused["full@example.org"] = "452 4.2.2 Mailbox full, try later"
    for address in ["ok@example.org", "gone@example.org", "full@example.org"]:
        make_subscriber(address)
    options = settings.MAILERS["default"]["OPTIONS"]
    port, options["port"] = options["port"], free_port()  # the mail server is down

    publish(draft)
    run_tasks()
    alert = ReleaseAlert.objects.get()
    assert (alert.status, alert.retries) == ("sending", 1)
    assert Delivery.objects.filter(status="pending").count() == 3  # nothing lost

    options["port"] = port  # back up
    time.sleep(2.1)
    run_tasks()
    assert [message["To"] for message in inbox.messages] == ["ok@example.org"]
    assert Delivery.objects.get(subscriber__email="gone@example.org").status == "failed"
    full = Delivery.objects.get(subscriber__email="full@example.org")
    assert (full.status, full.attempts) == ("pending", 1)  # refused for now: tried again later

    time.sleep(2.1)
    run_tasks()
    alert.refresh_from_db()
    assert (alert.status, alert.sent, alert.failed, alert.retries) == ("sent", 1, 2, 0)
