"""A staff member who may only view content can read it in the admin and change nothing,
however the request is forged."""

import pytest
from django.contrib.auth.models import Permission

from contacts.models import PressContact
from news.models import Release
from pages.models import Page
from pages.publishing import Status
from tests.factories import make_contact, make_page, make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    return {
        "news/release": make_release("Original title", status=Status.DRAFT),
        "pages/page": make_page("Original title", status=Status.DRAFT),
        "contacts/presscontact": make_contact("Original name"),
    }


def staff_client(client, django_user_model, codenames):
    user = django_user_model.objects.create_user("viewer", "viewer@iom.int", "x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client, django_user_model):
    return staff_client(
        client, django_user_model, ["view_release", "view_page", "view_presscontact"]
    )


@pytest.fixture
def stranger(client, django_user_model):
    """Staff, but with no permission on content at all."""
    return staff_client(client, django_user_model, [])


def snapshot(records):
    return {
        Release: list(Release.objects.values()),
        Page: list(Page.objects.values()),
        PressContact: list(PressContact.objects.values()),
    }


def test_view_permission_shows_lists_forms_and_history_read_only(viewer, records):
    for path, record in records.items():
        base = f"/admin/{path}/"
        assert viewer.get(base).status_code == 200
        change_form = viewer.get(f"{base}{record.pk}/change/")
        assert change_form.status_code == 200
        assert b'name="_save"' not in change_form.content
        assert viewer.get(f"{base}{record.pk}/history/").status_code == 200


def test_view_permission_refuses_add_change_and_delete(viewer, records):
    before = snapshot(records)
    for path, record in records.items():
        base = f"/admin/{path}/"
        assert viewer.get(f"{base}add/").status_code == 403
        assert viewer.post(f"{base}add/", {"title": "New", "name": "New"}).status_code == 403
        forged = {"title": "Hacked", "name": "Hacked", "slug": "hacked", "status": "published"}
        assert viewer.post(f"{base}{record.pk}/change/", forged).status_code == 403
        assert viewer.get(f"{base}{record.pk}/delete/").status_code == 403
        assert viewer.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot(records) == before


@pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected"])
def test_forged_bulk_actions_change_nothing(viewer, records, action):
    before = snapshot(records)
    for path, record in records.items():
        response = viewer.post(
            f"/admin/{path}/",
            {"action": action, "_selected_action": [record.pk], "index": 0, "post": "yes"},
        )
        assert response.status_code in (200, 302, 403)
    assert snapshot(records) == before
    assert Release.objects.get().status == Status.DRAFT


def test_bulk_actions_are_not_offered_without_change_permission(viewer, records):
    response = viewer.get("/admin/news/release/")
    assert b'value="publish"' not in response.content
    assert b'value="delete_selected"' not in response.content


def test_forged_list_edits_change_nothing(viewer, records):
    page = records["pages/page"]
    before = snapshot(records)
    viewer.post(
        "/admin/pages/page/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": page.pk,
            "form-0-sort_order": 99,
            "_save": "Save",
        },
    )
    assert snapshot(records) == before


def test_no_permission_refuses_every_view(stranger, records):
    for path, record in records.items():
        base = f"/admin/{path}/"
        for url in (base, f"{base}{record.pk}/change/", f"{base}{record.pk}/history/"):
            assert stranger.get(url).status_code == 403, url
        assert (
            stranger.post(base, {"action": "publish", "_selected_action": [record.pk]}).status_code
            == 403
        )


def test_view_permission_is_no_preview_of_drafts(viewer, records):
    """Only those who may edit an item see it on the site before it is live."""
    assert viewer.get(records["news/release"].get_absolute_url()).status_code == 404
    assert viewer.get(records["pages/page"].get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, records):
    for path, record in records.items():
        response = client.post(f"/admin/{path}/{record.pk}/change/", {"title": "Hacked"})
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
