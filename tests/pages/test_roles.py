from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news.models import Release
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_release, tomorrow

pytestmark = pytest.mark.django_db


def run_setup_roles(*args):
    out = StringIO()
    call_command("setup_roles", *args, stdout=out)
    return out.getvalue()


def login_with_role(client, django_user_model, role):
    run_setup_roles("--verbosity", "0")
    user = django_user_model.objects.create_user(role.lower(), password="pass", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, django_user_model):
    return login_with_role(client, django_user_model, "Editors")


@pytest.fixture
def publisher_client(client, django_user_model):
    return login_with_role(client, django_user_model, "Publishers")


def test_setup_roles_creates_both_groups_and_is_idempotent():
    assert "Dry run" in run_setup_roles("--dry-run")
    assert not Group.objects.exists()

    output = run_setup_roles()
    assert "Editors: created" in output and "Publishers: created" in output
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_release", "change_page", "view_image", "change_tag"} <= editors
    assert not {"publish_release", "publish_page", "delete_image"} & editors
    assert editors | {"publish_release", "publish_page", "delete_image"} <= publishers

    Group.objects.get(name="Editors").permissions.clear()
    assert "Editors: 34 permissions added" in run_setup_roles("--verbosity", "2")
    assert run_setup_roles() == (
        "Editors: up to date.\nPublishers: up to date.\nTranslators: up to date.\n"
    )
    assert run_setup_roles("--verbosity", "0") == ""


def test_editor_sees_publishing_fields_read_only_and_can_save_a_draft(editor_client):
    response = editor_client.get(reverse("admin:news_release_add"))
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "publish_at" in form.fields
    release = make_release(status=Status.DRAFT, publish_at=None)
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(editor_client.get(url))
    data["title"] = "Edited by an editor"
    assert editor_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.title == "Edited by an editor"
    assert release.status == Status.DRAFT


def test_editor_forging_a_publish_gets_an_error_and_nothing_changes(editor_client):
    release = make_release(status=Status.DRAFT, publish_at=None, title="Draft")
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(title="Sneaked in", status="published")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "publisher role" in str(response.context["adminform"].form.non_field_errors())
    release.refresh_from_db()
    assert (release.title, release.status) == ("Draft", Status.DRAFT)


def test_editor_cannot_reschedule_a_published_item(editor_client):
    page = make_page(title="Live")
    url = reverse("admin:pages_page_change", args=[page.pk])
    data = admin_form_data(editor_client.get(url))
    assert "publish_at_0" not in data
    data.update({"publish_at_0": tomorrow().strftime("%Y-%m-%d"), "publish_at_1": "10:00"})
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "publish_at" in str(response.context["adminform"].form.non_field_errors())
    old_publish_at = page.publish_at
    page.refresh_from_db()
    assert page.publish_at == old_publish_at


def test_editor_cannot_run_the_publish_actions_nor_delete_published_items(editor_client):
    draft = make_release(status=Status.DRAFT, publish_at=None)
    live = make_release()
    changelist = reverse("admin:news_release_changelist")
    action_field = editor_client.get(changelist).context["action_form"].fields["action"]
    assert not {"publish", "unpublish"} & {name for name, _label in action_field.choices}
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [live.pk]})
    draft.refresh_from_db()
    live.refresh_from_db()
    assert (draft.status, live.status) == (Status.DRAFT, Status.PUBLISHED)

    assert (
        editor_client.get(reverse("admin:news_release_delete", args=[live.pk])).status_code == 403
    )
    editor_client.post(reverse("admin:news_release_delete", args=[draft.pk]), {"post": "yes"})
    assert list(Release.objects.all()) == [live]


def test_publisher_can_publish_from_the_form_and_the_actions(publisher_client):
    release = make_release(status=Status.DRAFT, publish_at=None)
    url = reverse("admin:news_release_change", args=[release.pk])
    data = admin_form_data(publisher_client.get(url))
    data["status"] = "published"
    assert publisher_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.is_live

    changelist = reverse("admin:news_release_changelist")
    publisher_client.post(changelist, {"action": "unpublish", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.status == Status.DRAFT


def test_editor_cannot_unpublish_by_reverting_to_a_draft_version(editor_client, admin_user):
    publisher = Client()
    publisher.force_login(admin_user)
    release = make_release(status=Status.DRAFT, publish_at=None, title="Draft")
    url = reverse("admin:news_release_change", args=[release.pk])
    draft_version_data = admin_form_data(publisher.get(url))
    publisher.post(url, draft_version_data)
    draft_version = Version.objects.get_for_object(release).get()
    published = admin_form_data(publisher.get(url))
    publisher.post(url, {**published, "status": "published"})
    release.refresh_from_db()
    assert release.is_live

    revert = reverse("admin:news_release_revision", args=[release.pk, draft_version.pk])
    response = editor_client.post(revert, draft_version_data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{release.pk}/history/")
    release.refresh_from_db()
    assert release.is_live


def test_editor_writes_a_new_release_as_a_draft(editor_client):
    url = reverse("admin:news_release_add")
    data = admin_form_data(editor_client.get(url))
    data.update(title="Floods in the Sahel", slug="floods-sahel", body="<p>Text.</p>")
    assert editor_client.post(url, data).status_code == 302
    release = Release.objects.get(slug="floods-sahel")
    assert (release.status, release.created_by.username) == (Status.DRAFT, "editors")

    data.update(slug="forged-live", status="published")
    response = editor_client.post(url, data)
    assert "publisher role" in str(response.context["adminform"].form.non_field_errors())
    assert not Release.objects.filter(slug="forged-live").exists()
