"""The shared cache on Redis: an unreachable Redis is a miss rather than an error.

Every cached thing on the site can be rebuilt from the database, so when Redis is down the
site keeps serving (slower) instead of answering 500. After a failure the cache is skipped for
a few seconds, so that each request does not wait for Redis to time out again.

A value that every request reads and that changes seldom (the content version) can be
watched: each process keeps a copy, and a write through `set_and_announce` tells every
watching process, over Redis pub/sub, to read it again. A request then reads the copy instead
of making a round trip to Redis (about 0.2 ms here, as much as Django's smallest view costs).
"""

import logging
import os
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
SKIP_AFTER_FAILURE_SECONDS = 5
RESUBSCRIBE_AFTER_SECONDS = 1
MAX_RESUBSCRIBE_SECONDS = 30
QUIET_SECONDS = 0.25  # under the sockets' timeout, which a quiet channel must not reach


class ReusingRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis object (command tables and all) for every cache call;
    one per connection pool does, as they are thread-safe. That halves a cached page's cost."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if id(pool) not in self._clients:
            self._clients[id(pool)] = self._client(connection_pool=pool)
        return self._clients[id(pool)]


class Watcher:
    """This process's copy of one key's value, read again whenever a change is announced.

    The copy is vouched for only while subscribed: from the moment the subscription is
    confirmed, every later change is heard, so the value read then is current. Each
    announcement is followed by a fresh read rather than carrying the value, so that two
    writers announcing at once leave every copy at the value written last. Every quiet quarter
    second is followed by a read too: a writer that does not announce is that late at most.
    """

    def __init__(self, client, key, loads):
        self.client = client
        self.key = key
        self.loads = loads
        self.value = None
        self.subscribed = False
        self.pid = os.getpid()
        threading.Thread(target=self.listen, name=f"watch {key}", daemon=True).start()

    def read(self):
        raw = self.client.get(self.key)
        self.value = None if raw is None else self.loads(raw)

    def listen(self):
        pause = RESUBSCRIBE_AFTER_SECONDS
        while True:
            try:
                with self.client.pubsub() as pubsub:
                    pubsub.subscribe(self.key)
                    # Nothing is vouched for until the subscription is confirmed.
                    while pubsub.get_message(timeout=QUIET_SECONDS) is None:
                        pass
                    self.read()
                    self.subscribed = True
                    pause = RESUBSCRIBE_AFTER_SECONDS
                    while True:
                        pubsub.get_message(timeout=QUIET_SECONDS)
                        self.read()
            except RedisError as error:
                if self.subscribed or pause == RESUBSCRIBE_AFTER_SECONDS:
                    logger.warning("Not watching %s, will try again: %s", self.key, error)
                self.subscribed = False
                time.sleep(pause)
                pause = min(2 * pause, MAX_RESUBSCRIBE_SECONDS)


class ForgivingRedisCache(RedisCache):
    _skip_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._watchers = {}
        self._watchers_lock = threading.Lock()

    def watched(self, key, version=None):
        """This process's copy of `key`'s value, or None when the copy cannot be vouched for
        (the watch is starting, or Redis is unreachable): read the cache then."""
        key = self.make_and_validate_key(key, version=version)
        watcher = self._watchers.get(key)
        if watcher is None or watcher.pid != os.getpid():  # a forked worker watches anew
            with self._watchers_lock:
                watcher = self._watchers.get(key)
                if watcher is None or watcher.pid != os.getpid():
                    watcher = self._watchers[key] = Watcher(
                        self._cache.get_client(key), key, self._cache._serializer.loads
                    )
        return watcher.value if watcher.subscribed else None

    def announce(self, key, value, version=None):
        """Tell every process watching `key` that it now holds `value`; this one knows at once."""
        key = self.make_and_validate_key(key, version=version)
        self._attempt(None, self._cache.get_client(key, write=True).publish, key, b"")
        watcher = self._watchers.get(key)
        if watcher is not None:
            watcher.value = value

    def _attempt(self, fallback, operation, *args, **kwargs):
        if time.monotonic() < self._skip_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._skip_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS
            logger.warning("Cache unavailable, serving without it: %s", error)
            return fallback

    @property
    def is_reachable(self):
        """Asks Redis itself, for the readiness check; never skipped."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except (RedisConnectionError, RedisTimeoutError):
            return False

    def get(self, key, default=None, version=None):
        return self._attempt(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Unreachable, nothing is shared: as if added, so a claim to build a value never waits.
        return self._attempt(True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._attempt(None, super().delete_many, keys, version)

    def clear(self):
        return self._attempt(False, super().clear)
