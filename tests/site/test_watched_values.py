"""Values each process keeps a copy of, told of every change over Redis pub/sub
(iomsite.redis_cache): the content version that every request reads."""

import time

import pytest
import redis

from iomsite.redis_cache import ForgivingRedisCache

# Its own database: the tests flush it.
REDIS_URL = "redis://127.0.0.1:6379/10"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"
KEY = "content-version"


def redis_is_up():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


def app_server(location=REDIS_URL):
    """The shared cache as one app server's process sees it."""
    return ForgivingRedisCache(
        location, {"KEY_PREFIX": "iomsite", "OPTIONS": {"socket_timeout": 0.5}}
    )


def eventually(read, expected, seconds=3):
    """What `read()` gives once it gives `expected`, or when time is up."""
    deadline = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


@pytest.fixture
def shared():
    if not redis_is_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    return app_server()


def test_a_change_announced_by_another_server_reaches_this_process(shared):
    shared.set(KEY, 1.0, timeout=None)
    this_process = app_server()
    assert eventually(lambda: this_process.watched(KEY), 1.0) == 1.0

    other_server = app_server()
    other_server.set(KEY, 2.0, timeout=None)
    other_server.announce(KEY, 2.0)
    assert eventually(lambda: this_process.watched(KEY), 2.0) == 2.0


def test_the_announcing_process_knows_at_once(shared):
    shared.set(KEY, 1.0, timeout=None)
    assert eventually(lambda: shared.watched(KEY), 1.0) == 1.0
    shared.set(KEY, 2.0, timeout=None)
    shared.announce(KEY, 2.0)
    assert shared.watched(KEY) == 2.0


def test_announcements_out_of_order_leave_the_value_written_last(shared):
    this_process = app_server()
    shared.set(KEY, 1.0, timeout=None)
    assert eventually(lambda: this_process.watched(KEY), 1.0) == 1.0
    first_writer, second_writer = app_server(), app_server()
    first_writer.set(KEY, 2.0, timeout=None)
    second_writer.set(KEY, 3.0, timeout=None)
    second_writer.announce(KEY, 3.0)
    first_writer.announce(KEY, 2.0)  # late: the copy is read afresh, not taken from it
    assert eventually(lambda: this_process.watched(KEY), 3.0) == 3.0
    time.sleep(0.2)
    assert this_process.watched(KEY) == 3.0


def test_a_missing_value_is_not_vouched_for(shared):
    this_process = app_server()
    time.sleep(0.3)
    assert this_process.watched(KEY) is None


def test_with_redis_unreachable_no_copy_is_vouched_for():
    unreachable = app_server(CLOSED_PORT_REDIS)
    assert unreachable.watched(KEY) is None
    time.sleep(0.2)
    assert unreachable.watched(KEY) is None
    unreachable.announce(KEY, 2.0)  # no error: the edit is saved, Redis will be back


def test_a_change_nobody_announced_is_read_within_a_moment(shared):
    shared.set(KEY, 1.0, timeout=None)
    this_process = app_server()
    assert eventually(lambda: this_process.watched(KEY), 1.0) == 1.0
    shared.set(KEY, 2.0, timeout=None)  # e.g. a server still running an older release
    assert eventually(lambda: this_process.watched(KEY), 2.0, seconds=1) == 2.0
