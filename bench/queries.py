"""Query counts and server-side times of the benchmarked views, through Django's test client
against the benchmark database (run by bench/run.py in its own process).

    python bench/queries.py URL...   -> prints JSON {url: {"cold": n, "warm": n, "ms": t}}
"""

import json
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.search_speed import after_an_edit  # noqa: E402


def measure(client, url):
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries), (time.perf_counter() - started) * 1000


def main(urls):
    client = Client()
    results = {}
    for url in urls:
        after_an_edit()
        cold, cold_ms = measure(client, url)
        warm, warm_ms = measure(client, url)
        results[url] = {"cold": cold, "warm": warm, "cold_ms": round(cold_ms, 1),
                        "warm_ms": round(warm_ms, 1)}  # fmt: skip
    cache.clear()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
