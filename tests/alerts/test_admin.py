"""Staff find, export and delete subscribers, and see on each release how its alert went."""

import csv
import io

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django_tasks_db.models import DBTaskResult

from news.models import Consent, Delivery, Release, ReleaseAlert, Subscriber
from tests.admin_forms import admin_form_data
from tests.factories import country, make_release, make_staff_user, make_subscriber

CHANGELIST = "/admin/news/subscriber/"


@pytest.fixture
def subscribers():
    china = country("CN")
    first = make_subscriber("ana@example.org", filters={"country": [china.pk]})
    first.consents.create(action="confirmed", form="/subscribe/", alerts="All releases about China")
    make_subscriber("=cmd@example.org", language="fr")
    make_subscriber("waiting@example.org", confirmed=False)
    return first


@pytest.mark.django_db
def test_staff_search_and_filter_subscribers(staff_client, subscribers):
    found = staff_client.get(CHANGELIST, {"q": "ana@"})
    assert "ana@example.org" in found.text and "waiting@example.org" not in found.text
    assert "All releases about China" in found.text
    waiting = staff_client.get(CHANGELIST, {"confirmed": "no"})
    assert "waiting@example.org" in waiting.text and "ana@example.org" not in waiting.text
    page = staff_client.get(f"{CHANGELIST}{subscribers.pk}/change/")
    assert "Confirmed from the email" in page.text  # the consent record
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


@pytest.mark.django_db
def test_staff_export_subscribers_as_csv(staff_client, subscribers):
    response = staff_client.post(
        CHANGELIST,
        {
            "action": "export_subscribers_csv",
            helpers.ACTION_CHECKBOX_NAME: list(Subscriber.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["email", "language", "alerts", "confirmed_at", "created_at"]
    assert [row[0] for row in rows[1:]] == [
        "'=cmd@example.org",  # never run as a formula by a spreadsheet
        "ana@example.org",
        "waiting@example.org",
    ]
    assert rows[2][2] == "All releases about China; emails in English"


@pytest.mark.django_db
def test_deleting_a_subscriber_deletes_their_data(staff_client, subscribers):
    alert = ReleaseAlert.objects.create(release=make_release(), story=0, status="sending")
    Delivery.objects.create(alert=alert, subscriber=subscribers)
    response = staff_client.post(f"{CHANGELIST}{subscribers.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="ana@example.org").exists()
    assert not Consent.objects.exists() and not Delivery.objects.exists()
    assert "ana@example.org" not in str(list(response.wsgi_request._messages))


@pytest.mark.django_db
def test_editors_without_the_permission_see_no_subscribers(subscribers, client):
    client.force_login(make_staff_user("news.change_release"))
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_in_the_admin_queues_the_work_and_shows_the_alert(
    staff_client, subscribers, run_tasks
):
    release = make_release(
        "Floods", status="draft", publish_at=None, dateline_country=country("CN")
    )
    url = f"/admin/news/release/{release.pk}/change/"
    form = admin_form_data(
        staff_client.get(url), status="published", publish_at_0="", publish_at_1=""
    )
    assert staff_client.post(url, form).status_code == 302
    assert Release.objects.get().is_live
    assert mail.outbox == []  # nothing is sent in the request: it is queued
    assert DBTaskResult.objects.filter(task_path="news.tasks.plan_alerts_task").exists()
    assert "Being prepared by the task worker" in staff_client.get(url).text
    run_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "=cmd@example.org",
        "ana@example.org",
    ]
    assert "Sent to 2 subscribers" in staff_client.get(url).text
