import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pages.models import SlugRedirect
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_release

pytestmark = pytest.mark.django_db


def change_via_admin(client, admin_name, item, **changes):
    url = reverse(f"admin:{admin_name}_change", args=[item.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_renaming_a_published_release_keeps_its_old_url_with_a_301(staff_client, client):
    release = make_release(slug="old-name")
    response = change_via_admin(staff_client, "news_release", release, slug="new-name")
    assert response.status_code == 302

    response = client.get("/news/old-name/?utm_source=mail")
    assert response.status_code == 301
    assert response["Location"] == "/news/new-name/?utm_source=mail"
    assert client.get("/news/new-name/").status_code == 200

    # Renamed again: the first address goes straight to the newest one, no chain.
    change_via_admin(staff_client, "news_release", release, slug="newest-name")
    assert client.get("/news/old-name/")["Location"] == "/news/newest-name/"
    assert client.get("/news/new-name/")["Location"] == "/news/newest-name/"


def test_a_duplicate_slug_is_a_form_error(staff_client):
    make_release(slug="taken")
    release = make_release(slug="free")
    response = change_via_admin(staff_client, "news_release", release, slug="taken")
    assert response.status_code == 200
    assert "Another release already has this slug" in str(
        response.context["adminform"].form.errors["slug"]
    )


def test_a_page_address_taken_by_a_sibling_is_a_form_error(staff_client):
    parent = make_page(slug="our-work")
    make_page(slug="partnerships", parent=parent)
    page = make_page(slug="other", parent=parent)
    response = change_via_admin(staff_client, "pages_page", page, slug="partnerships")
    assert response.status_code == 200
    assert "Another page already has the address /our-work/partnerships/" in str(
        response.context["adminform"].form.errors["slug"]
    )


def test_drafts_leave_no_redirect_and_unpublished_targets_do_not_leak(client):
    draft = make_release(slug="draft-old", status=Status.DRAFT)
    draft.slug = "draft-new"
    draft.save()
    assert not SlugRedirect.objects.exists()

    live = make_release(slug="live-old")
    live.slug = "live-new"
    live.save()
    assert client.get("/news/live-old/").status_code == 301
    live.status = Status.DRAFT
    live.save()
    assert client.get("/news/live-old/").status_code == 404


def test_a_page_moved_under_a_new_parent_redirects_its_whole_subtree(staff_client, client):
    old_parent = make_page(slug="about")
    new_parent = make_page(slug="who-we-are")
    moved = make_page(slug="history", parent=old_parent)
    child = make_page(slug="founding", parent=moved)
    make_page(slug="grandchild", parent=child)

    response = change_via_admin(staff_client, "pages_page", moved, parent=str(new_parent.pk))
    assert response.status_code == 302
    for old, new in [
        ("/about/history/", "/who-we-are/history/"),
        ("/about/history/founding/", "/who-we-are/history/founding/"),
        ("/about/history/founding/grandchild/", "/who-we-are/history/founding/grandchild/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
        assert client.get(new).status_code == 200
    assert client.get("/about/").status_code == 200


def test_an_item_taking_an_old_address_wins_over_its_redirect(client):
    release = make_release(slug="first")
    release.slug = "second"
    release.save()
    make_release(slug="first", title="Newcomer")
    response = client.get("/news/first/")
    assert response.status_code == 200
    assert "Newcomer" in response.content.decode()


def test_saving_a_new_or_draft_item_costs_no_redirect_query():
    with CaptureQueriesContext(connection) as saving:
        draft = make_release(status=Status.DRAFT)
        draft.slug = "renamed-draft"
        draft.save()
    assert not any("slugredirect" in query["sql"] for query in saving.captured_queries)


def test_only_a_404_looks_for_a_redirect(client):
    release = make_release(slug="kept")
    release.slug = "renamed"
    release.save()
    with CaptureQueriesContext(connection) as found:
        assert client.get("/news/renamed/").status_code == 200
    assert not any("slugredirect" in query["sql"] for query in found.captured_queries)
    with CaptureQueriesContext(connection) as moved:
        assert client.get("/news/kept/").status_code == 301
    assert any("slugredirect" in query["sql"] for query in moved.captured_queries)
