import pytest
from django.test import Client
from django.urls import reverse

from news.models import Release
from tests.admin_forms import admin_form_data
from tests.factories import in_hours, make_contact, make_release, make_staff_user

pytestmark = pytest.mark.django_db


def change_url(release):
    return reverse("admin:news_release_change", args=[release.pk])


def preview_url(release=None):
    if release is None:
        return reverse("admin:news_release_preview_add")
    return reverse("admin:news_release_preview", args=[release.pk])


@pytest.fixture
def draft():
    return make_release(title="Draft about floods", status="draft", publish_at=None)


def test_preview_shows_unsaved_changes_as_the_public_page_and_saves_nothing(staff_client, draft):
    before = Release.objects.values().get(pk=draft.pk)
    contact = make_contact(name="Safa Msehli")
    data = admin_form_data(staff_client.get(change_url(draft)))
    data |= {
        "title": "Floods displace thousands",
        "body": '<p>Read <a href="https://example.org">the appeal</a>.</p><script>x()</script>'
        "<blockquote>We need help.</blockquote>",
        "tags": "Climate, Floods",
        "release_contacts-0-contact": contact.pk,
        "release_contacts-0-sort_order": "0",
    }
    response = staff_client.post(preview_url(draft), data)
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "news/release_detail.html"
    page = response.text
    assert "Preview – not published" in page
    assert "<h1>Floods displace thousands</h1>" in page
    assert "<blockquote>We need help.</blockquote>" in page
    assert "<script>x()" not in page  # sanitized as on save
    assert "Safa Msehli" in page
    assert "Floods</span>" in page
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert Release.objects.values().get(pk=draft.pk) == before
    assert not draft.release_contacts.exists()


def test_preview_of_a_new_release_creates_nothing(staff_client):
    data = admin_form_data(staff_client.get(reverse("admin:news_release_add")))
    data |= {
        "title": "Brand new",
        "slug": "brand-new",
        "body": "<p>Text.</p>",
        "status": "published",
        "publish_at_0": f"{in_hours(5):%Y-%m-%d}",
        "publish_at_1": f"{in_hours(5):%H:%M:%S}",
    }
    response = staff_client.post(preview_url(), data)
    assert response.status_code == 200
    assert "<h1>Brand new</h1>" in response.text
    assert "Goes live" in response.text
    assert not Release.objects.exists()


def test_preview_lists_form_errors_instead_of_the_page(staff_client, draft):
    data = admin_form_data(staff_client.get(change_url(draft))) | {"title": ""}
    response = staff_client.post(preview_url(draft), data)
    assert response.status_code == 200
    assert "The preview cannot be shown" in response.text
    assert "This field is required" in response.text


def test_change_form_has_a_preview_button_opening_a_new_tab(staff_client, draft):
    page = staff_client.get(change_url(draft)).text
    assert f'formaction="{preview_url(draft)}" formtarget="_blank"' in page
    add_page = staff_client.get(reverse("admin:news_release_add")).text
    assert f'formaction="{preview_url()}"' in add_page


def test_anonymous_is_sent_to_log_in(client, draft):
    response = client.post(preview_url(draft), {"title": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_view_only_staff_may_not_preview(client, draft):
    client.force_login(make_staff_user("news.view_release"))
    assert client.post(preview_url(draft), {"title": "x"}).status_code == 403
    assert client.post(preview_url(), {"title": "x"}).status_code == 403
    assert "formaction" not in client.get(change_url(draft)).text


def test_adding_is_not_editing(client, draft):
    client.force_login(make_staff_user("news.add_release"))
    assert client.post(preview_url(draft), {"title": "x"}).status_code == 403
    assert client.post(preview_url(), {"title": ""}).status_code == 200


def test_preview_needs_a_post_with_a_csrf_token(draft, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("boss", "b@iom.int", "pass"))
    assert client.get(preview_url(draft)).status_code == 405
    assert client.post(preview_url(draft), {"title": "x"}).status_code == 403


def test_unknown_release_is_not_found(staff_client):
    assert staff_client.post("/admin/news/release/999999/preview/", {}).status_code == 404


def test_preview_sharing_tags_show_the_unsaved_title_after_the_page_was_seen(staff_client, draft):
    assert "Draft about floods" in staff_client.get(draft.get_absolute_url()).text
    data = admin_form_data(staff_client.get(change_url(draft))) | {"title": "Floods: an update"}
    page = staff_client.post(preview_url(draft), data).text
    assert '<meta property="og:title" content="Floods: an update">' in page
    assert '"headline": "Floods: an update"' in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_preview_of_a_saved_release_outside_a_test_transaction(staff_client, draft):
    # As a server answers it: the stale-edit check locks the row, which PostgreSQL refuses
    # outside a transaction (SQLite ignores the lock).
    data = admin_form_data(staff_client.get(change_url(draft))) | {"title": "Floods: an update"}
    response = staff_client.post(preview_url(draft), data)
    assert response.status_code == 200
    assert "<h1>Floods: an update</h1>" in response.text
