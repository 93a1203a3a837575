"""The copies of cached pages that each process answers before Django's middleware runs
(iomsite.cache.PageCachingWSGIHandler), through the WSGI application gunicorn serves."""

from datetime import timedelta
from functools import cache as cache_on_first_call
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iomsite import wsgi
from iomsite.cache import PageCachingWSGIHandler, sent_pages
from pages.content_version import CONTENT_VERSION_KEY, content_version
from pages.publishing import Status
from tests.factories import make_embargo_link, make_release

pytestmark = pytest.mark.django_db

# Headers that Django's outer middlewares add: a copy must carry them too.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def wsgi_get(page_cache_on):
    """GET through the handler gunicorn serves (iomsite.wsgi), made at the first request, after
    the test has changed settings: middlewares read some settings once, when they load."""
    assert isinstance(wsgi.application, PageCachingWSGIHandler)
    handler = cache_on_first_call(PageCachingWSGIHandler)
    return lambda *args, **kwargs: get_from(handler(), *args, **kwargs)


class Answer:
    def __init__(self, status, headers, body, through_django, queries):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = body
        self.through_django = through_django
        self.queries = queries


def get_from(application, path, secure=True, **headers):
    """GET `path` from a WSGI application, noting whether Django handled the request."""
    environ = RequestFactory().get(path, secure=secure, headers=headers).environ
    started = []
    sent = []

    def note_start(**kwargs):
        started.append(kwargs)

    request_started.connect(note_start)
    # As Django's test client does: the test's own connection must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = application(environ, lambda status, headers: sent.append((status, headers)))
            body = b"".join(response)
            if hasattr(response, "close"):  # as a WSGI server does
                response.close()
    finally:
        request_started.disconnect(note_start)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, response_headers = sent[0]
    return Answer(status, response_headers, body, bool(started), len(queries))


def test_a_page_django_sent_is_answered_again_without_django(wsgi_get):
    make_release(title="Flood response scaled up")
    first = wsgi_get("/news/")
    second = wsgi_get("/news/")
    assert first.through_django and not second.through_django
    assert second.status_code == 200 and second.queries == 0
    assert second.content == first.content
    assert b"Flood response scaled up" in second.content
    for name in (*SECURITY_HEADERS, "Strict-Transport-Security", "ETag", "Content-Type"):
        assert second.headers[name] == first.headers[name], name
    assert "public" in second.headers["Cache-Control"]
    assert second.headers["Content-Length"] == str(len(second.content))
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_a_page_another_process_sent_is_answered_without_django(wsgi_get):
    make_release(title="Flood response scaled up")
    first = wsgi_get("/news/")
    sent_pages.clear()  # this process never sent it: another one did
    second = wsgi_get("/news/")
    assert first.through_django and not second.through_django
    assert second.status_code == 200 and second.queries == 0
    assert second.content == first.content
    for name in (*SECURITY_HEADERS, "Strict-Transport-Security", "ETag", "Content-Type"):
        assert second.headers[name] == first.headers[name], name
    cache.clear()  # and now neither this process nor the shared cache holds it
    assert wsgi_get("/news/").through_django


def test_a_page_stored_but_never_sent_through_the_handler_goes_through_django(client, wsgi_get):
    make_release()
    client.get("/news/", secure=True)  # stored by the middleware, its outer headers unknown
    assert wsgi_get("/news/").through_django
    sent_pages.clear()
    assert not wsgi_get("/news/").through_django


def test_an_edit_retires_the_copies_other_processes_sent(wsgi_get):
    make_release(title="First story")
    wsgi_get("/news/")
    sent_pages.clear()
    cache.set(CONTENT_VERSION_KEY, content_version() + 1)  # as another app server's edit does
    assert wsgi_get("/news/").through_django


def test_the_load_balancers_request_id_comes_back_from_a_copy(wsgi_get):
    make_release()
    wsgi_get("/news/")
    answer = wsgi_get("/news/", x_request_id="lb-1234567890")
    assert not answer.through_django
    assert answer.headers["X-Request-ID"] == "lb-1234567890"


def test_a_client_holding_the_copy_gets_304(wsgi_get):
    make_release()
    etag = wsgi_get("/news/").headers["ETag"]
    not_modified = wsgi_get("/news/", if_none_match=etag)
    assert not_modified.status_code == 304 and not not_modified.through_django
    assert not_modified.content == b""


def test_an_edit_on_any_server_retires_the_copies(wsgi_get):
    make_release(title="First story")
    wsgi_get("/news/")
    make_release(title="Second story")
    answer = wsgi_get("/news/")
    assert answer.through_django and b"Second story" in answer.content

    wsgi_get("/news/")
    cache.set(CONTENT_VERSION_KEY, content_version() + 1)  # as another app server's edit does
    assert wsgi_get("/news/").through_django


def test_a_copy_ends_at_the_next_scheduled_change(wsgi_get):
    now = timezone.now()
    make_release(title="Already out", publish_at=now - timedelta(hours=1))
    make_release(title="Embargoed story", publish_at=now + timedelta(seconds=30))
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert b"Embargoed story" not in wsgi_get("/news/").content
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(seconds=20)):
        assert not wsgi_get("/news/").through_django
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(seconds=31)):
        on_time = wsgi_get("/news/")
    assert on_time.through_django and b"Embargoed story" in on_time.content


def test_signed_in_staff_and_other_hosts_never_get_a_copy(wsgi_get):
    make_release()
    wsgi_get("/news/")
    assert wsgi_get("/news/", cookie="sessionid=abc").through_django
    assert wsgi_get("/news/", authorization="Basic eDp5").through_django
    refused = wsgi_get("/news/", host="attacker.example")
    assert refused.through_django and refused.status_code == 400


def test_plain_http_is_still_redirected_when_the_https_page_has_a_copy(settings, wsgi_get):
    settings.SECURE_SSL_REDIRECT = True
    make_release()
    assert wsgi_get("/news/").status_code == 200
    assert not wsgi_get("/news/").through_django
    redirected = wsgi_get("/news/", secure=False)
    assert redirected.status_code == 301
    assert redirected.headers["Location"] == "https://testserver/news/"


def test_only_cached_pages_get_copies(wsgi_get):
    assert wsgi_get("/news/no-such-release/").status_code == 404
    assert wsgi_get("/news/no-such-release/").through_django
    wsgi_get("/healthz")
    assert wsgi_get("/healthz").through_django  # probes say never-cache


def test_embargo_links_and_drafts_never_get_a_copy(wsgi_get):
    embargoed = make_release(publish_at=timezone.now() + timedelta(days=1))
    link = make_embargo_link(embargoed)
    for _ in range(2):
        private = wsgi_get(f"/news/embargo/{link.token}/")
        assert private.status_code == 200 and private.through_django
    draft = make_release(status=Status.DRAFT)
    for _ in range(2):
        assert wsgi_get(draft.get_absolute_url()).status_code == 404
    assert wsgi_get(draft.get_absolute_url()).through_django
