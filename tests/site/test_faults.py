import io
import json
import logging
from unittest import mock

import pytest
import redis
from django.db import OperationalError, connection
from django.urls import reverse

from iomsite.request_logging import JsonFormatter, RequestContextFilter
from tests.factories import make_release

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
LOCAL_REDIS = "redis://127.0.0.1:6379/6"


@pytest.fixture
def database_down():
    down = mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("connection refused")
    )
    down.start()
    yield down
    down.stop()


def redis_cache(settings, location):
    settings.CACHES = {
        "default": {
            "BACKEND": "iomsite.redis_cache.ForgivingRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_database_down_answers_a_friendly_503_and_recovers(client, database_down):
    for url in ["/", reverse("news:list"), "/news/some-release/", "/search/?q=water"]:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert b"Back in a moment" in response.content
    database_down.stop()
    assert client.get("/").status_code == 200
    database_down.start()


def test_database_down_in_the_admin_is_a_503_too(admin_client, database_down):
    assert admin_client.get("/admin/news/release/").status_code == 503


def test_cache_down_the_site_serves_from_the_database(client, settings):
    release = make_release("Water for families")
    redis_cache(settings, CLOSED_PORT_REDIS)
    for url in ["/", reverse("news:list"), release.get_absolute_url(), "/search/?q=water"]:
        assert client.get(url).status_code == 200, url
    assert b"Water for families" in client.get("/").content


def test_healthz_answers_without_the_database_and_for_any_host(client, database_down, settings):
    settings.SECURE_SSL_REDIRECT = True  # probes come over plain HTTP
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-store" in response["Cache-Control"]


def test_readyz_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable: database")


def test_readyz_names_the_cache_when_it_is_down(client, settings):
    redis_cache(settings, CLOSED_PORT_REDIS)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable: cache")


def local_redis_is_up():
    try:
        return redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not local_redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_up_the_cache_works_and_readyz_is_ok(client, settings):
    from django.core.cache import cache

    redis_cache(settings, LOCAL_REDIS)
    cache.set("probe", "value")
    assert cache.get("probe") == "value"
    assert client.get("/readyz").status_code == 200
    cache.clear()


def test_request_ids_are_returned_and_well_formed_ones_kept(client):
    generated = client.get("/")["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    kept = client.get("/", HTTP_X_REQUEST_ID="lb-4f1c2a9e-0001")
    assert kept["X-Request-ID"] == "lb-4f1c2a9e-0001"
    for forged in ["<script>alert(1)</script>", "a" * 500, "short", "id with spaces 123"]:
        response = client.get("/", HTTP_X_REQUEST_ID=forged)
        assert response["X-Request-ID"] != forged
        assert len(response["X-Request-ID"]) == 32


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_errors_are_logged_with_context_and_without_secrets(admin_client, json_log):
    admin_client.raise_request_exception = False
    admin_client.cookies["extra"] = "cookie-secret-value"
    with mock.patch("iomsite.views.search_site", side_effect=RuntimeError("search broke")):
        response = admin_client.get(
            "/search/?q=water&email=visitor@example.org", HTTP_X_REQUEST_ID="trace-0123456789"
        )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-0123456789"
    admin_client.post("/admin/login/", {"username": "someone", "password": "hunter2-secret"})

    output = json_log.getvalue()
    records = [json.loads(line) for line in output.splitlines()]
    error = next(record for record in records if record["level"] == "ERROR")
    assert error["request_id"] == "trace-0123456789"
    assert error["method"] == "GET"
    assert error["path"] == "/search/"
    assert str(error["user_id"]) == admin_client.session["_auth_user_id"]
    assert "RuntimeError: search broke" in error["exception"]
    for secret in [
        "visitor@example.org",
        "cookie-secret-value",
        "hunter2-secret",
        admin_client.cookies["sessionid"].value,
    ]:
        assert secret not in output
