"""Two gunicorn app servers on the test database and Redis: run under PostgreSQL only."""

import shutil
from urllib.parse import quote

import pytest
from django.db import connection

from bench.two_servers import check_two_servers

# Not the benchmark's database (5): both hold a content version, which would be shared.
REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_is_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except Exception:
        return False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.skipif(not shutil.which("redis-server") and not redis_is_up(), reason="needs Redis")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_through_one_server_is_what_the_other_serves(settings):
    if not redis_is_up():
        pytest.skip("Redis is not running")
    settings.CACHES = {
        "default": {
            # As in production: this process's edits are announced to the servers' copies.
            "BACKEND": "iomsite.redis_cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "iomsite",
        }
    }
    db = connection.settings_dict
    login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    database_url = f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    check_two_servers(database_url, REDIS_URL)
