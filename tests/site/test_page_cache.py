from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iomsite.cache import PageCacheMiddleware
from news.models import Release
from pages.content_version import CONTENT_VERSION_KEY, content_version
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_release, tomorrow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    response.queries = len(queries)
    # Pages are rendered from cached fragments with few queries or none: what tells a page
    # served from the page cache is that no template was rendered.
    response.from_page_cache = not response.templates
    return response


def test_second_anonymous_request_is_served_from_the_cache(client):
    make_release(title="Flood response scaled up")
    first = get(client, "/news/")
    second = get(client, "/news/")
    assert not first.from_page_cache
    assert second.from_page_cache and second.queries == 0
    assert second.content == first.content
    assert "Flood response scaled up" in second.text
    cache_control = second["Cache-Control"]
    assert (
        "public" in cache_control and "max-age=" in cache_control and "s-maxage=" in cache_control
    )
    assert second["ETag"] == first["ETag"]
    assert second.has_header("Last-Modified")


def test_a_client_holding_the_page_gets_304(client):
    make_release()
    etag = get(client, "/news/")["ETag"]
    not_modified = get(client, "/news/", if_none_match=etag)
    assert not_modified.status_code == 304
    assert not_modified.queries == 0


def test_each_address_and_query_string_is_its_own_page(client):
    make_release(title="A story", kind=Release.Kind.STORY)
    make_release(title="A statement", kind=Release.Kind.STATEMENT)
    assert "A statement" in get(client, "/news/").text
    assert "A statement" not in get(client, "/news/?kind=story").text


def test_saving_a_release_in_the_admin_changes_the_cached_newsroom(staff_client):
    release = make_release(title="Old title")
    visitor = Client()
    assert "Old title" in get(visitor, "/news/").text
    assert get(visitor, "/news/").from_page_cache

    url = f"/admin/news/release/{release.pk}/change/"
    response = staff_client.post(url, admin_form_data(staff_client.get(url), title="New title"))
    assert response.status_code == 302, response.context and response.context["errors"]

    page = get(visitor, "/news/")
    assert ">New title</a>" in page.text and ">Old title</a>" not in page.text
    assert "New title" in get(visitor, release.get_absolute_url()).text


def test_unpublishing_and_deleting_change_cached_pages(client):
    kept = make_release(title="Kept release")
    withdrawn = make_release(title="Withdrawn release")
    deleted = make_release(title="Deleted release")
    assert "Withdrawn release" in get(client, "/news/").text
    Release.objects.filter(pk=withdrawn.pk).unpublish()
    deleted.delete()
    page = get(client, "/news/").text
    assert "Kept release" in page
    assert "Withdrawn release" not in page and "Deleted release" not in page
    assert get(client, kept.get_absolute_url()).status_code == 200


def test_a_scheduled_release_appears_on_time_on_a_cached_page(client):
    now = timezone.now()
    make_release(title="Already out", publish_at=now - timedelta(hours=1))
    make_release(title="Embargoed story", publish_at=now + timedelta(seconds=30))
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert "Embargoed story" not in get(client, "/news/").text
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(seconds=20)):
        still_early = get(client, "/news/")
        assert still_early.from_page_cache and "Embargoed story" not in still_early.text
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(seconds=31)):
        on_time = get(client, "/news/")
    assert "Embargoed story" in on_time.text


def test_browsers_and_cdns_never_keep_a_page_past_the_next_scheduled_change(client):
    make_release()
    make_release(publish_at=timezone.now() + timedelta(seconds=42))
    cache_control = get(client, "/news/")["Cache-Control"]
    assert "max-age=4" in cache_control  # 41 or 42 seconds
    assert "s-maxage=4" in cache_control


def test_staff_never_get_cached_pages_and_never_fill_the_cache(staff_client):
    make_release(title="Public release")
    draft = make_release(title="Draft release", status=Status.DRAFT, publish_at=None)
    visitor = Client()

    staff_page = get(staff_client, "/news/")
    assert "public" not in staff_page.get("Cache-Control", "")
    assert not get(visitor, "/news/").from_page_cache  # the staff visit stored nothing

    assert get(visitor, "/news/").from_page_cache  # now cached for visitors
    assert not get(staff_client, "/news/").from_page_cache  # staff still get a fresh page

    preview = get(staff_client, draft.get_absolute_url())
    assert preview.status_code == 200
    assert "private" in preview["Cache-Control"]
    assert get(visitor, draft.get_absolute_url()).status_code == 404


def test_a_release_page_is_cached_and_its_draft_preview_is_not(staff_client):
    scheduled = make_release(title="Under embargo", publish_at=tomorrow())
    visitor = Client()
    assert get(staff_client, scheduled.get_absolute_url()).status_code == 200
    assert get(visitor, scheduled.get_absolute_url()).status_code == 404
    assert not get(visitor, scheduled.get_absolute_url()).from_page_cache  # a 404 is not stored


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: HttpResponse("hello"),
        pytest.param(lambda: HttpResponse("not found", status=404), id="404"),
    ],
)
def test_only_plain_200_pages_are_stored(make_response):
    calls = []

    def view(request):
        calls.append(request)
        return make_response()

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        middleware(RequestFactory().get("/somewhere/"))
    assert len(calls) == (1 if make_response().status_code == 200 else 2)


def test_responses_that_set_cookies_or_forbid_caching_are_not_stored():
    def with_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("chosen", "1")
        return response

    def private(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "private"
        return response

    for view in (with_cookie, private):
        middleware = PageCacheMiddleware(mock.Mock(side_effect=view))
        for _ in range(2):
            middleware(RequestFactory().get("/somewhere/"))
        assert middleware.get_response.call_count == 2


def test_posts_sessions_and_the_admin_bypass_the_cache():
    factory = RequestFactory()
    bypassing = [
        factory.post("/somewhere/"),
        factory.get("/admin/"),
        factory.get("/somewhere/", HTTP_AUTHORIZATION="Basic eDp5"),
    ]
    with_session = factory.get("/somewhere/")
    with_session.COOKIES["sessionid"] = "abc"
    for request in [*bypassing, with_session]:
        middleware = PageCacheMiddleware(mock.Mock(return_value=HttpResponse("hello")))
        middleware(request)
        middleware(request)
        assert middleware.get_response.call_count == 2


def test_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE = False
    make_release()
    get(client, "/news/")
    response = get(client, "/news/")
    assert not response.from_page_cache
    assert "public" in response["Cache-Control"]


def test_cached_cards_and_menu_follow_edits_with_the_page_cache_off(client, settings):
    settings.PAGE_CACHE = False
    release = make_release(title="First title")
    section = make_page(title="Who we are", menu_title="About us")
    assert ">First title</a>" in get(client, "/news/").text
    release.title = "Second title"
    release.save()
    section.menu_title = "About IOM"
    section.save()
    page = get(client, "/news/").text
    assert ">Second title</a>" in page and ">First title</a>" not in page
    assert "About IOM" in page and "About us" not in page


def test_the_content_version_changes_again_when_an_edit_commits(
    django_capture_on_commit_callbacks,
):
    """Pages rendered from the old rows while the edit was uncommitted are left behind."""
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        make_release()
        during = content_version()
    assert before != during != content_version()


def test_outside_a_request_the_version_is_read_afresh():
    """A command or shell sees another server's edits at once."""
    first = content_version()
    cache.set(CONTENT_VERSION_KEY, first + 1)
    assert content_version() == first + 1
