"""How fast site search answers over a large database: GET /search/ for a varied set of
queries through Django's test client, page cache off, server-side time per request.

    .venv/bin/python bench/search_speed.py [--rounds 5] [--database-url postgres://...]

The database must hold synthetic content (`manage.py generate_content --releases 100000`).
Each round asks every query once, in a shuffled order. Before each, the shared cache is
cleared and another search is asked, untimed: the menu, the filters' names and the countries
and contacts are then kept, as on a site between two edits, and nothing of the query itself.
What is reported is the cost of a query nobody has asked before. Prints p50 and p99 per kind
of query and overall, with the number of database queries per request.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iomsite_searchbench"

# What visitors type, by kind: words found in most releases, words found in few, phrases,
# exclusions, other languages, typos (the similar-title mode), filters, nothing at all.
QUERIES = {
    "common word": ["migrants", "assistance", "health", "partners", "the"],
    "rare word": ["Beijing", "Tuvalu", "earthquake", "trafficking", "Liechtenstein"],
    "two words": ["shelter repairs", "assistance families", "border officials", "cash volunteers"],
    "phrase": ['"mental health support"', '"rainy season"', '"safe return"'],
    "minus word": ["assistance -cash", "migrants -children", "floods -shelter"],
    "french/spanish": ["frontières", "réfugiés", "familias migrantes"],
    "typo": ["shleter", "earthqake", "migrnts", "trafiking"],
    "filtered": [
        {"q": "assistance", "country": "{country}"},
        {"q": "shelter", "kind": "news"},
        {"q": "health", "tag": "health", "language": "fr"},
    ],
    "no results": ["zzyzx quokka", "blockchain", "xylophone orchestra"],
}

# Asked before each query, untimed: no query of QUERIES.
WARM_UP = {"q": "benchmark warm-up"}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def busiest_country():
    from django.db.models import Count

    from contacts.models import Country

    return Country.objects.annotate(count=Count("releases")).order_by("-count").first().slug


def requests(country):
    """[(kind, params)] with the country filled in."""
    planned = []
    for kind, queries in QUERIES.items():
        for query in queries:
            params = {"q": query} if isinstance(query, str) else query
            planned.append(
                (kind, {name: value.format(country=country) for name, value in params.items()})
            )
    return planned


def search_paths(country):
    """Every planned query as an address, e.g. for wrk (bench/search.lua)."""
    return [f"/search/?{urlencode(params)}" for _, params in requests(country)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--seed", type=int, default=1, help="Order of the queries.")
    parser.add_argument("--json", action="store_true", help="Also print the summary as JSON.")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="iomsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "search-benchmark-only"),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="WARNING",
        PAGE_CACHE="0",
    )
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    planned = requests(busiest_country())
    for _, params in planned:  # warm the database's buffers and this process once
        client.get("/search/", params, secure=True)
    rng = random.Random(args.seed)
    times, counts = {}, {}
    for _ in range(args.rounds):
        rng.shuffle(planned)
        for kind, params in planned:
            cache.clear()
            client.get("/search/", WARM_UP, secure=True)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/search/", params, secure=True)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{params} answered {response.status_code}")
            times.setdefault(kind, []).append(elapsed)
            counts.setdefault(kind, set()).add(len(queries))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{len(planned)} queries x {args.rounds} rounds, load average {load}")
    print(f"{'kind':16} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  queries")
    times["all"] = [elapsed for kind in QUERIES for elapsed in times[kind]]
    summary = {}
    for kind, elapsed in times.items():
        summary[kind] = {
            "p50_ms": round(statistics.median(elapsed), 1),
            "p99_ms": round(percentile(elapsed, 0.99), 1),
            "max_ms": round(max(elapsed), 1),
        }
        queries = "/".join(map(str, sorted(counts.get(kind, ()))))
        print(
            f"{kind:16} {summary[kind]['p50_ms']:8.1f} {summary[kind]['p99_ms']:8.1f}"
            f" {summary[kind]['max_ms']:8.1f}  {queries}"
        )
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
