"""Whole-page caching for anonymous visitors, on the cache every app server shares.

A cached page is good only under the content version it was stored with (bumped by every
save, publish, unpublish or delete, on any server), so an edit changes every page at once;
an entry also ends at the next scheduled publish or expiry, so an embargo lifts on time.

Only anonymous GET/HEAD requests are served from or stored in the cache, and only 200
responses that set no cookie and do not forbid caching (previews and embargo links send
`Cache-Control: private`/`no-store`). Stored pages carry an ETag, so the outer
ConditionalGetMiddleware answers 304 to a client that has them, and Cache-Control headers
that let a CDN keep them briefly.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control
from django.utils.http import http_date, quote_etag

from pages.publishing import content_version, seconds_until_next_scheduled_change

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


# Recently served pages, in this process: a copy of the shared cache's, trusted only while
# the shared content version matches.
process_pages = LocMemCache("iomsite-process-pages", {"OPTIONS": {"MAX_ENTRIES": 300}})


def is_current(entry, version, now):
    return entry is not None and entry["version"] == version and entry["expires"] > now.timestamp()


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
            # A page is good only if it was stored under the current version. This process's
            # copy saves fetching the whole page from the shared cache on every request.
            entry = process_pages.get(key)
            if not is_current(entry, version, now):
                entry = cache.get(key)
                if is_current(entry, version, now):
                    process_pages.set(key, entry, int(entry["expires"] - now.timestamp()) + 1)
            if is_current(entry, version, now):
                return self.rebuild(entry, now)

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
        process_pages.set(key, entry, int(seconds) + 1)

    def rebuild(self, entry, now):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        # What is left of the entry's life is what a browser or CDN may keep it for.
        self.add_public_headers(response, max(1, entry["expires"] - now.timestamp()))
        return response
