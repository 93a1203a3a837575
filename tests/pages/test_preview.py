import pytest
from django.urls import reverse

from pages.models import Page
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_staff_user

pytestmark = pytest.mark.django_db


def preview_url(page=None):
    if page is None:
        return reverse("admin:pages_page_preview_add")
    return reverse("admin:pages_page_preview", args=[page.pk])


def test_preview_renders_unsaved_changes_with_the_page_template(staff_client):
    section = make_page("Our work", slug="our-work")
    page = make_page("What we do", parent=section, slug="what-we-do", status="draft")
    make_page("Child", parent=page, slug="child")
    before = Page.objects.values().get(pk=page.pk)
    data = admin_form_data(staff_client.get(reverse("admin:pages_page_change", args=[page.pk])))
    data |= {"title": "What we really do", "body": '<p onclick="x()">New text</p>'}
    response = staff_client.post(preview_url(page), data)
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "pages/page_detail.html"
    assert "Preview – not published" in response.text
    assert "<h1>What we really do</h1>" in response.text
    assert "<p>New text</p>" in response.text
    assert "Our work" in response.text  # breadcrumbs and section menu, as in public
    assert "no-store" in response["Cache-Control"]
    assert Page.objects.values().get(pk=page.pk) == before


def test_preview_of_a_new_page_saves_nothing(staff_client):
    data = admin_form_data(staff_client.get(reverse("admin:pages_page_add")))
    data |= {"title": "Fresh", "slug": "fresh", "body": "<p>Hello</p>"}
    response = staff_client.post(preview_url(), data)
    assert response.status_code == 200
    assert "<h1>Fresh</h1>" in response.text
    assert not Page.objects.exists()


def test_preview_needs_the_editing_permission(client):
    page = make_page()
    assert client.post(preview_url(page), {}).status_code == 302
    client.force_login(make_staff_user("pages.view_page"))
    assert client.post(preview_url(page), {}).status_code == 403
