"""The shared cache on Redis: an unreachable Redis is a miss rather than an error.

Every cached thing on the site can be rebuilt from the database, so when Redis is down the
site keeps serving (slower) instead of answering 500. After a failure the cache is skipped for
a few seconds, so that each request does not wait for Redis to time out again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
SKIP_AFTER_FAILURE_SECONDS = 5


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


class ForgivingRedisCache(RedisCache):
    _skip_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

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
