"""The small override the test suite runs with: fast hashing, private cache and media."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "0")

from iomsite.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="iomsite-test-media-")
SECURE_SSL_REDIRECT = False
# Pages render without running collectstatic first; tests/site/test_static_files.py checks the
# production value, hashed and compressed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# On SQLite the test database is a file rather than memory, so that a task worker in another
# process (tests/alerts/test_worker.py) reads and writes it too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="iomsite-test-db-"), "test.sqlite3")
    }
# Query budgets measure the views; tests/site/test_page_cache.py turns the page cache on.
PAGE_CACHE = False
