import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from news.models import Release
from pages import content_version as versioning
from pages.content_version import (
    CONTENT_VERSION_KEY,
    cached_until_change,
    content_version,
    seconds_until_next_scheduled_change,
    shared_key,
)
from pages.publishing import State, Status
from tests.factories import make_release, tomorrow, yesterday

pytestmark = pytest.mark.django_db

WINDOWS = {
    "draft": ({"status": Status.DRAFT, "publish_at": yesterday()}, State.DRAFT),
    "scheduled": ({"publish_at": tomorrow()}, State.SCHEDULED),
    "live": ({"publish_at": yesterday()}, State.LIVE),
    "live until tomorrow": ({"publish_at": yesterday(), "unpublish_at": tomorrow()}, State.LIVE),
    "expired": ({"publish_at": yesterday(), "unpublish_at": timezone.now()}, State.EXPIRED),
}


@pytest.mark.parametrize("name", WINDOWS)
def test_queryset_and_property_agree_on_every_window(name):
    fields, state = WINDOWS[name]
    release = make_release(**fields)
    assert release.state == state
    assert release.is_live == (state == State.LIVE)
    assert Release.objects.live().filter(pk=release.pk).exists() == release.is_live


def test_publishing_without_a_time_goes_live_now():
    release = make_release(publish_at=None)
    assert release.publish_at <= timezone.now()
    assert release.is_live


def test_draft_keeps_an_empty_publish_time():
    assert make_release(status=Status.DRAFT, publish_at=None).publish_at is None


def test_scheduled_release_goes_live_when_its_time_comes_without_anyone_acting():
    release = make_release(publish_at=timezone.now() + timedelta(minutes=5))
    assert not Release.objects.live().filter(pk=release.pk).exists()
    later = timezone.now() + timedelta(minutes=6)
    assert Release.objects.live(now=later).filter(pk=release.pk).exists()


def test_cache_lifetime_ends_at_the_next_scheduled_change():
    make_release(publish_at=timezone.now() + timedelta(seconds=40))
    make_release(publish_at=yesterday(), unpublish_at=timezone.now() + timedelta(seconds=90))
    assert 30 < seconds_until_next_scheduled_change() <= 41


def test_bulk_publish_keeps_an_embargo_and_unpublish_hides():
    embargoed = make_release(status=Status.DRAFT, publish_at=tomorrow())
    draft = make_release(status=Status.DRAFT, publish_at=None)
    Release.objects.filter(pk__in=[embargoed.pk, draft.pk]).publish()
    embargoed.refresh_from_db()
    draft.refresh_from_db()
    assert embargoed.state == State.SCHEDULED
    assert draft.state == State.LIVE
    Release.objects.filter(pk=draft.pk).unpublish()
    assert not Release.objects.live().filter(pk=draft.pk).exists()


def test_a_value_kept_in_this_process_ends_when_another_server_changes_content():
    computed = []

    def compute():
        computed.append(len(computed))
        return computed[-1]

    assert cached_until_change("example", compute) == 0
    assert cached_until_change("example", compute) == 0
    cache.delete(shared_key("example"))  # this process's copy is still there
    assert cached_until_change("example", compute) == 0
    # What another app server does when an editor saves: a new version in the shared cache.
    cache.set(CONTENT_VERSION_KEY, content_version() + 1, timeout=None)
    assert cached_until_change("example", compute) == 1


def test_a_value_kept_in_this_process_ends_at_the_next_scheduled_change():
    release = make_release(publish_at=timezone.now() + timedelta(minutes=5))
    assert cached_until_change("live", lambda: list(Release.objects.live())) == []
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert cached_until_change("live", lambda: list(Release.objects.live())) == [release]


@pytest.fixture
def request_signals():
    """request_started and request_finished without closing the test's database connection,
    as Django's test client sends them."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_what_a_request_computes_as_a_release_goes_live_is_not_kept_past_that_moment(
    request_signals,
):
    start = timezone.now()
    release = make_release(publish_at=start + timedelta(seconds=5))
    with mock.patch("django.utils.timezone.now", return_value=start):
        request_started.send(sender=None)
        live = list(Release.objects.live())  # built as the request begins: not live yet
    # The request is slow: it caches what it found only after the release went live.
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=6)):
        assert cached_until_change("live", lambda: live) == []
        request_finished.send(sender=None)
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=7)):
        assert cached_until_change("live", lambda: list(Release.objects.live())) == [release]


def building_claim(key):
    return f"building:{shared_key(key)}"


def test_a_value_another_server_is_building_is_waited_for_not_built_again():
    cache.add(building_claim("counts"), 1)
    full_key = shared_key("counts")

    def other_server_finishes():
        time.sleep(0.2)
        cache.set(full_key, ("theirs", time.time() + 60))

    threading.Thread(target=other_server_finishes).start()
    assert cached_until_change("counts", lambda: "ours") == "theirs"


def test_a_value_whose_builder_went_away_is_built_after_a_short_wait(monkeypatch):
    monkeypatch.setattr(versioning, "BUILD_WAIT_SECONDS", 0.2)
    cache.add(building_claim("counts"), 1)
    assert cached_until_change("counts", lambda: "ours") == "ours"
    assert cache.get(building_claim("counts")) == 1  # still the other builder's claim
    assert cached_until_change("other", lambda: "built") == "built"
    assert cache.get(building_claim("other")) is None  # its own claim is let go


def test_with_the_cache_down_a_value_is_built_at_once(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "iomsite.redis_cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    request_thread, real_sleep = threading.current_thread(), time.sleep

    def sleep(seconds):
        # time.sleep of every thread: the cache's watcher pauses in its own before it retries.
        assert threading.current_thread() is not request_thread, "waited"
        real_sleep(seconds)

    with mock.patch("pages.content_version.time.sleep", sleep):
        assert cached_until_change("counts", lambda: "ours") == "ours"
