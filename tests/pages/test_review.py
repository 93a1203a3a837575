"""The review workflow of releases and pages, through the admin's own forms and pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.admin import helpers
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from news.models import Release
from pages.models import Page
from pages.publishing import State, Status
from pages.review import Review, ReviewEvent
from pages.staff import StaffPreferences
from tests.admin_forms import admin_form_data
from tests.alerts.smtp import free_port
from tests.factories import make_page, make_release

# Committed, as in production: the notices are queued on commit and sent by a task worker.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Action = ReviewEvent.Action


def member(role, username):
    # A transactional test before this one may have emptied the permissions that migrations
    # made: made again, as `migrate` would.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user(
        username, f"{username}@iom.int", "pass", is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return member("Editors", "ed")


@pytest.fixture
def publisher():
    return member("Publishers", "pub")


def run_tasks():
    """Run the queued tasks, as a worker would."""
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def change_url(item):
    return f"/admin/{item._meta.app_label}/{item._meta.model_name}/{item.pk}/change/"


def review_url(item):
    return change_url(item).replace("/change/", "/review/")


def actions(item):
    return list(
        ReviewEvent.objects.filter(object_id=item.pk)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def draft_by(user, **fields):
    return make_release(
        title="Shelter kits for Cox's Bazar",
        status=Status.DRAFT,
        publish_at=None,
        created_by=user,
        updated_by=user,
        **fields,
    )


def submit(client, item, **data):
    """Save the change form with Submit for review, then confirm on the review page."""
    form = admin_form_data(client.get(change_url(item)), _submit_for_review="1")
    response = client.post(change_url(item), form)
    assert response.status_code == 302 and response["Location"] == review_url(item)
    response = client.post(review_url(item), {"submit": "1", **data})
    assert response.status_code == 302, response.text[:3000]


def test_an_editor_submits_a_publisher_is_emailed_sees_the_changes_and_schedules_it(
    editor,
    publisher,
):
    release = draft_by(editor)
    author = client_of(editor)
    buttons = author.get(change_url(release)).text
    assert 'name="_submit_for_review"' in buttons and 'name="_publish"' not in buttons

    submit(
        author,
        release,
        reviewer=publisher.pk,
        message="Figures checked with UNHCR.",
    )
    assert Review.objects.get().stage == Review.Stage.IN_REVIEW
    assert "In review" in author.get("/admin/news/release/").text
    run_tasks()
    [notice] = mail.outbox
    assert notice.to == ["pub@iom.int"]
    assert notice.subject == "For your review: Shelter kits for Cox's Bazar"
    assert "Figures checked with UNHCR." in notice.body
    assert review_url(release) in notice.body

    # Edited after submitting: the reviewer sees what changed since.
    form = admin_form_data(author.get(change_url(release)), title="Shelter kits reach Cox's Bazar")
    assert author.post(change_url(release), form).status_code == 302
    reviewer = client_of(publisher)
    page = reviewer.get(review_url(release)).text
    assert "<del>for</del>" in page and "<ins>reach</ins>" in page
    assert 'name="decide"' in page

    goes_live = timezone.localtime() + timedelta(days=1)
    response = reviewer.post(
        review_url(release),
        {"decide": "1", "decision": "schedule", "goes_live_at": f"{goes_live:%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.state == State.SCHEDULED
    assert release.publish_at == goes_live.replace(second=0, microsecond=0)
    assert release.updated_by == publisher
    assert actions(release) == [Action.SUBMITTED, Action.APPROVED, Action.SCHEDULED]
    assert Review.objects.get().stage == Review.Stage.APPROVED
    mail.outbox.clear()
    run_tasks()
    [answer] = mail.outbox
    assert answer.to == ["ed@iom.int"] and answer.subject.startswith("Approved: ")

    history = author.get(change_url(release).replace("/change/", "/history/")).text
    assert "Submitted for review" in history and "Scheduled" in history


def test_changes_are_requested_with_a_comment_and_the_resubmission_shows_what_changed(
    editor,
    publisher,
):
    release = draft_by(editor)
    author, reviewer = client_of(editor), client_of(publisher)
    submit(author, release)  # to any publisher
    run_tasks()
    assert [message.to for message in mail.outbox] == [["pub@iom.int"]]
    mail.outbox.clear()

    refused = reviewer.post(review_url(release), {"decide": "1", "decision": "changes"})
    assert refused.status_code == 200 and "Say what should change." in refused.text
    reviewer.post(
        review_url(release), {"decide": "1", "decision": "changes", "message": "Name the donor."}
    )
    assert Review.objects.get().stage == Review.Stage.CHANGES_REQUESTED
    run_tasks()
    [answer] = mail.outbox
    assert answer.to == ["ed@iom.int"] and "Name the donor." in answer.body
    assert "Changes requested" in author.get("/admin/").text

    form = admin_form_data(author.get(change_url(release)), summary="Funded by ECHO.")
    assert author.post(change_url(release), form).status_code == 302
    submit(author, release)
    page = reviewer.get(review_url(release)).text
    assert "<ins>ECHO.</ins>" in page
    assert actions(release) == [Action.SUBMITTED, Action.CHANGES_REQUESTED, Action.SUBMITTED]


def test_forged_approve_and_publish_posts_of_an_editor_change_nothing(
    editor,
):
    release = draft_by(editor)
    author = client_of(editor)
    submit(author, release)
    before = Release.objects.values().get()

    approve = author.post(review_url(release), {"decide": "1", "decision": "publish"})
    assert approve.status_code == 403
    publish_button = admin_form_data(author.get(change_url(release)), _publish="Publish")
    author.post(change_url(release), publish_button)
    forged_status = admin_form_data(author.get(change_url(release)), status="published")
    author.post(change_url(release), forged_status)

    after = Release.objects.values().get()
    assert (after["status"], after["publish_at"]) == (Status.DRAFT, None)
    assert before["status"] == after["status"]
    assert actions(release) == [Action.SUBMITTED]
    assert Review.objects.get().stage == Review.Stage.IN_REVIEW


def test_publishing_from_the_form_and_the_list_is_logged_and_filtered(publisher):
    page = make_page(title="Who we are", status=Status.DRAFT, publish_at=None)
    staff = client_of(publisher)
    form = admin_form_data(staff.get(change_url(page)), _publish="Publish")
    assert staff.post(change_url(page), form).status_code == 302
    assert Page.objects.get().is_live
    staff.post(
        "/admin/pages/page/",
        {"action": "unpublish", helpers.ACTION_CHECKBOX_NAME: [page.pk]},
    )
    assert actions(page) == [Action.PUBLISHED, Action.UNPUBLISHED]

    log = staff.get("/admin/pages/reviewevent/?action=unpublished").text
    assert "Who we are" in log and "Unpublished" in log
    assert staff.get("/admin/pages/reviewevent/?action=submitted").context["cl"].result_count == 0


def test_a_page_goes_through_review_too(editor, publisher):
    page = make_page(title="Our work", status=Status.DRAFT, publish_at=None)
    submit(client_of(editor), page)
    assert "In review" in client_of(publisher).get("/admin/pages/page/").text
    response = client_of(publisher).post(review_url(page), {"decide": "1", "decision": "publish"})
    assert response.status_code == 302
    assert Page.objects.get().is_live
    assert actions(page) == [Action.SUBMITTED, Action.APPROVED, Action.PUBLISHED]


def test_a_publisher_schedules_in_their_own_time_zone(editor, publisher):
    StaffPreferences.objects.create(user=publisher, time_zone="Asia/Tokyo")
    release = draft_by(editor)
    submit(client_of(editor), release)
    client_of(publisher).post(
        review_url(release),
        {"decide": "1", "decision": "schedule", "goes_live_at": "2030-01-01T09:00"},
    )
    release.refresh_from_db()
    assert release.publish_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def test_a_notice_the_mail_server_refused_is_tried_again_later(editor, publisher, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},  # no server
        }
    }
    submit(client_of(editor), draft_by(editor))
    run_tasks()
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.task_path == "pages.tasks.send_review_email"
    assert retry.args_kwargs["args"][1] == 1  # the second attempt
    assert retry.run_after > timezone.now()
