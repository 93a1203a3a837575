"""The site with some of its cache layers taken out, for `make bench` to measure what each one
buys (docs/architecture.md quotes the figures). BENCH_WITHOUT names them, comma-separated:

- front: no copy of sent pages answered before Django's middleware (iomsite/wsgi.py)
- watch: no watched copy of the content version: a Redis GET on every request
- in-process: values shared through Redis are not also kept in each process
- fragments: no rendered fragments (cards, menu, filters) kept in each process
- values: nothing built "until content changes": every request computes counts, ids, trees

    BENCH_WITHOUT=front,watch gunicorn bench.without:application
"""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomsite.settings")
django.setup(set_prefix=False)

LAYERS = {"front", "watch", "in-process", "fragments", "values"}
without = {name for name in os.environ.get("BENCH_WITHOUT", "").split(",") if name}
if unknown := without - LAYERS:
    raise SystemExit(f"BENCH_WITHOUT: unknown layers {sorted(unknown)}; choose from {LAYERS}")

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from iomsite import redis_cache  # noqa: E402
from iomsite.cache import PageCachingWSGIHandler  # noqa: E402
from pages import content_version  # noqa: E402

if "watch" in without:
    redis_cache.ForgivingRedisCache.watched = lambda self, key, version=None: None
if "in-process" in without:
    content_version._remember = lambda key, entry: None
if "fragments" in without:
    settings.CACHES["template_fragments"] = {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }
if "values" in without:
    content_version.cached_until_change = lambda key, compute, **options: compute()
    for module in ("pages.menus", "pages.views", "pages.pagination", "news.views",
                   "news.facets", "news.filters", "contacts.views", "iomsite.views",
                   "iomsite.search"):  # fmt: skip
        __import__(
            module, fromlist=["cached_until_change"]
        ).cached_until_change = content_version.cached_until_change

application = WSGIHandler() if "front" in without else PageCachingWSGIHandler()
