"""Whole-page caching for anonymous visitors, on the cache every app server shares.

A cached page is good only under the content version it was stored with (bumped by every
save, publish, unpublish or delete, on any server), so an edit changes every page at once;
an entry also ends at the next scheduled publish or expiry, so an embargo lifts on time.

Only anonymous GET/HEAD requests are served from or stored in the cache, and only 200
responses that set no cookie and do not forbid caching (previews and embargo links send
`Cache-Control: private`/`no-store`). Stored pages carry an ETag, so the outer
ConditionalGetMiddleware answers 304 to a client that has them, and Cache-Control headers
that let a CDN keep them briefly.

Each page is also kept as it was sent (with the headers that the outer middlewares added):
in the process that sent it, for its last 300 pages, and with the page in the shared cache.
The next anonymous visitor is answered from that copy before Django's middleware runs
(PageCachingWSGIHandler): a hit then costs a read of the content version, which each process
watches, and for a page this process did not send lately a read of the shared cache. Such a
copy exists only for an address Django itself answered with a cached page (host allowed,
HTTPS redirect passed), so anything Django would refuse or redirect finds no copy and goes
through Django.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control
from django.utils.http import http_date, quote_etag

from iomsite.request_logging import REQUEST_ID_HEADER, log_answer, tag
from pages.content_version import content_version, seconds_until_next_scheduled_change

# Headers that belong to one response, not to the page: the outer middlewares set them.
NOT_STORED = {"set-cookie", "date", "content-length"}


def is_anonymous_public_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
    )


def is_shareable(response):
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and get_max_age(response) != 0
    )


# Pages this process sent lately, headers and all: trusted only while the shared content
# version matches.
sent_pages = LocMemCache("iomsite-sent-pages", {"OPTIONS": {"MAX_ENTRIES": 300}})


def is_current(entry, version, now):
    return entry is not None and entry["version"] == version and entry["expires"] > now.timestamp()


def seconds_left(entry, now):
    """What is left of an entry's life, in whole seconds: what a browser or CDN may keep it."""
    return max(1, int(entry["expires"] - now.timestamp()))


def page_key(request):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:40]
    return f"page:{address}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_public_request(request):
            return self.get_response(request)
        now = timezone.now()
        key = version = None
        if settings.PAGE_CACHE:
            key = page_key(request)
            version = content_version()
            # A page is good only if it was stored under the current version.
            entry = cache.get(key)
            if is_current(entry, version, now):
                return self.rebuild(key, entry, now)

        response = self.get_response(request)
        if not is_shareable(response):
            return response
        seconds = seconds_until_next_scheduled_change(now, settings.PAGE_CACHE_SECONDS)
        self.add_public_headers(response, seconds)
        if key:
            self.store(key, version, response, now, seconds)
        return response

    @staticmethod
    def add_public_headers(response, seconds):
        patch_cache_control(
            response,
            public=True,
            max_age=int(min(seconds, settings.PAGE_CACHE_BROWSER_SECONDS)),
            s_maxage=int(min(seconds, settings.PAGE_CACHE_CDN_SECONDS)),
        )

    @staticmethod
    def store(key, version, response, now, seconds):
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.md5(response.content).hexdigest())
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(now.timestamp())
        entry = {
            "content": response.content,
            "headers": [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in NOT_STORED
            ],
            "version": version,
            "expires": now.timestamp() + seconds,
        }
        cache.set(key, entry, int(seconds) + 1)
        response.page_cache_key = key
        response.page_cache_entry = entry

    @classmethod
    def rebuild(cls, key, entry, now):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(entry["content"]))
        cls.add_public_headers(response, seconds_left(entry, now))
        response.page_cache_key = key
        response.page_cache_entry = entry
        return response


def keep_as_sent(response):
    """Copy a cached page as it leaves Django, for sent_copy to answer the next request: in
    this process, and the first time in the shared cache too, for every other process."""
    key = getattr(response, "page_cache_key", None)
    if key is None or response.status_code != 200:  # e.g. a 304 for a client that had it
        return
    entry = response.page_cache_entry
    seconds = entry["expires"] - time.time()
    if seconds <= 0:
        return
    if "sent_headers" not in entry:
        entry = {
            **entry,
            "sent_headers": [
                # Each answer gets its own request id; cookies and Date are not among these.
                (name, value)
                for name, value in response.items()
                if name.lower() != REQUEST_ID_HEADER.lower()
            ],
        }
        cache.set(key, entry, int(seconds) + 1)
    sent_pages.set(key, entry, int(seconds) + 1)


# Django's own 304 logic, applied to the copies answered before its middleware runs.
conditional_get = ConditionalGetMiddleware(get_response=lambda request: None)
VALIDATORS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


@functools.lru_cache(maxsize=256)
def cache_control_for(sent, seconds):
    """The Cache-Control header `sent` with a page, for a copy with `seconds` left to live."""
    response = HttpResponse()
    response["Cache-Control"] = sent
    PageCacheMiddleware.add_public_headers(response, seconds)
    return response["Cache-Control"]


def sent_copy(request):
    """(status, headers, body) answering `request` from a copy of the page as it was sent, or
    None. A client that holds the page (it sends validators) gets Django's 304 logic."""
    if not is_anonymous_public_request(request):
        return None
    try:
        key = page_key(request)
    except DisallowedHost:
        return None
    now = timezone.now()
    entry = sent_pages.get(key)
    sent_elsewhere = entry is None  # by another process, or here before the last 300 pages
    if sent_elsewhere:
        entry = cache.get(key)
    if entry is None or "sent_headers" not in entry:
        return None
    if not is_current(entry, content_version(), now):
        return None
    if sent_elsewhere:
        sent_pages.set(key, entry, seconds_left(entry, now) + 1)
    if any(header in request.META for header in VALIDATORS):
        as_sent = {**entry, "headers": entry["sent_headers"]}
        response = PageCacheMiddleware.rebuild(key, as_sent, now)
        response = conditional_get.process_response(request, response)
        status = f"{response.status_code} {response.reason_phrase}"
        return status, list(response.items()), response.content
    seconds = seconds_left(entry, now)
    headers = [
        (name, cache_control_for(value, seconds) if name == "Cache-Control" else value)
        for name, value in entry["sent_headers"]
    ]
    return "200 OK", headers, entry["content"]


class PageCachingWSGIHandler(WSGIHandler):
    """Django's WSGI handler, answering anonymous visitors' hits from the copies of the pages
    as sent, before the middleware and without a database connection."""

    def __call__(self, environ, start_response):
        if not settings.PAGE_CACHE:
            return super().__call__(environ, start_response)
        started = time.monotonic()
        request = WSGIRequest(environ)
        copy = sent_copy(request)
        if copy is None:
            return super().__call__(environ, start_response)
        status, headers, body = copy
        tag(request)
        log_answer(request, int(status[:3]), started)
        start_response(status, [*headers, (REQUEST_ID_HEADER, request.id)])
        return [body]

    def get_response(self, request):
        response = super().get_response(request)
        keep_as_sent(response)
        return response
