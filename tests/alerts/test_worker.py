"""The whole path with real processes: a loopback SMTP server (aiosmtpd) and `manage.py
db_worker` workers in processes of their own, on the test database."""

import re
import signal
from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.test import Client
from django_tasks_db.models import DBTaskResult

from news.models import Release, ReleaseAlert, Subscriber
from pages.publishing import Status
from tests.alerts.smtp import wait_for
from tests.factories import country, make_release, make_subscriber, now

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def settled():
    """Nothing left for a worker to do now or within a lease (the follow-ups included)."""
    soon = now() + timedelta(seconds=5)
    pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"], run_after__lte=soon)
    return not pending.exists()


def test_subscribe_confirm_publish_receive_once_and_unsubscribe(
    client, staff_client, smtp_server, start_worker
):
    inbox = smtp_server.inbox
    start_worker("worker")
    china = country("CN")
    matching = make_release("Floods in Yunnan", status=Status.DRAFT, publish_at=None)
    matching.countries.add(china)
    other = make_release("Drought in Peru", status=Status.DRAFT, publish_at=None)
    other.countries.add(country("PE"))

    client.post(
        "/subscribe/?country=china",
        {"email": "reporter@example.org", "country": ["china"], "email_language": "en"},
    )
    [confirmation] = wait_for(lambda: inbox.to("reporter@example.org"), message="no confirmation")
    link = re.search(r"https?://[^/\s]+(/subscribe/confirm/\S+/)", text_of(confirmation))[1]
    assert client.post(link).status_code == 200
    assert Subscriber.objects.get().confirmed_at is not None

    response = staff_client.post(
        "/admin/news/release/",
        {"action": "publish", helpers.ACTION_CHECKBOX_NAME: [matching.pk, other.pk]},
    )
    assert response.status_code == 302
    assert Release.objects.live().count() == 2

    wait_for(lambda: len(inbox.to("reporter@example.org")) > 1, message="no alert")
    wait_for(lambda: ReleaseAlert.objects.filter(status="sent").count() == 2)
    wait_for(settled)
    confirmation, alert = inbox.to("reporter@example.org")
    assert alert["Subject"] == "Floods in Yunnan"
    assert "Floods in Yunnan" in text_of(alert)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<https?://[^/]+(/subscribe/unsubscribe/[\w-]+/)>", alert["List-Unsubscribe"]
    )[1]

    mail_program = Client(enforce_csrf_checks=True)
    assert mail_program.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscriber.objects.exists()


def test_two_workers_and_one_killed_mid_send_deliver_every_alert_once(smtp_server, start_worker):
    inbox = smtp_server.inbox
    inbox.delay = 0.03  # a slow mail server: the sending lasts several leases
    addresses = {make_subscriber(f"reporter{n}@example.org").email for n in range(150)}
    start_worker("first")
    workers = start_worker("second")
    make_release("Floods in Yunnan", publish_at=now())

    wait_for(lambda: len(inbox.messages) >= 20, message="sending did not start")
    running = DBTaskResult.objects.filter(status="RUNNING")
    sending = running.filter(task_path="news.tasks.send_alert_task").first()
    killed = workers[sending.worker_ids[-1]]
    killed.send_signal(signal.SIGKILL)  # mid-send: what it claimed waits for its lease to end
    killed.wait()
    start_worker("restarted")

    wait_for(lambda: ReleaseAlert.objects.filter(status="sent").exists(), timeout=90)
    received = [message["To"] for message in inbox.messages]
    assert set(received) == addresses
    # At most the one message the killed worker handed over without marking it sent.
    assert len(received) - len(addresses) <= 1
    alert = ReleaseAlert.objects.get()
    assert (alert.recipients, alert.sent, alert.failed) == (150, 150, 0)
