"""/healthz and /readyz for load balancers.

Answered by the first middleware, before host checks, the HTTPS redirect and request logging:
probes come over plain HTTP with the balancer's own Host header, every few seconds.
"""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import get_random_string

READINESS_KEY = "readyz-probe"


def healthz():
    """The process is up and answering. Touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")


def database_reachable():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def cache_reachable():
    if hasattr(cache, "is_reachable"):  # the Redis cache, which otherwise hides its failures
        return cache.is_reachable
    token = get_random_string(12)
    cache.set(READINESS_KEY, token, 10)
    return cache.get(READINESS_KEY) == token


def readyz():
    """The database and the cache answer: this app server can take traffic."""
    failed = [
        name
        for name, check in (("database", database_reachable), ("cache", cache_reachable))
        if not check()
    ]
    if failed:
        return HttpResponse(
            "unavailable: " + ", ".join(failed), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        response = probe()
        add_never_cache_headers(response)
        return response
