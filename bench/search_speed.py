"""How fast site search answers a query nobody asked before, by how many releases it matches.

    .venv/bin/python bench/search_speed.py [--database-url URL] [--seed S] [--per-kind 30]
        [--http] [--json]
    .venv/bin/python bench/search_speed.py --sizes 10000,100000,1000000 [--http] [--rebuild]

With --sizes (`make bench-search`), for each number of releases: a database built with
generate_content (unless it holds that many already, or BENCH_SEARCH_DATABASES names it, e.g.
"10000=postgres://...,100000=postgres://..."; otherwise iomsite_bench_search_<releases>), the
same draw and timings, then a table of every size in var/bench/search.txt and .json.

The database must hold synthetic content (`manage.py generate_content`). The queries are drawn
at random (the seed is printed; --seed repeats a draw) from the database's own words: words of
release texts and titles, banded by the number of live releases that match them (absent, 1-10,
11-100, 101-10,000, over 10,000), misspellings (a letter of a rarer word changed, so that no
release holds it), phrases of two adjacent words, exclusions, filters, several words of one
release, French and Spanish words. They are asked in an order drawn with the seed, the kinds
mixed, so that a burst of load on a shared machine slows a few queries of each kind.

First the search's tables and their indexes are read through the operating system's cache
(pg_prewarm), as a server that has run for a while holds them. In process (Django's test
client, page cache off, in a process that loaded iomsite.wsgi as a server's worker does):
before each query the shared cache is cleared and another search is asked, untimed, so the
menu, the filters' names, the countries and contacts are kept, as on a site between two edits,
and nothing of the query itself. With --http, as many other queries of the same kinds (drawn
with the seed plus one), each once, over HTTP against gunicorn with production settings and
the page cache on (bench/servers.py), timed by the client; then each again, from the cache:
what the network and the server add to any page. Then the words of ADMIN_PER_KIND queries of
each kind in the release changelist's search box, in process, signed in as an editor, each
once.
"""

import argparse
import json
import os
import random
import re
import statistics
import string
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.servers import FORWARDED, Gunicorn, production_env  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iomsite_bench"
)
SIZED_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iomsite_bench_search_{releases}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
REPORT_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# Bands of matches: (kind, fewest, most).
BANDS = [
    ("absent", 0, 0),
    ("1-10", 1, 10),
    ("11-100", 11, 100),
    ("101-10,000", 101, 10_000),
    ("over 10,000", 10_001, None),
]
KINDS = [name for name, _, _ in BANDS] + [
    "misspelt", "phrase", "exclusion", "filtered", "several words", "french/spanish",
]  # fmt: skip
COUNTED_UP_TO = 10_001
# The admin's search box is timed for this many queries of each kind: a page of a hundred
# releases costs ten times a page of search results.
ADMIN_PER_KIND = 10
SAMPLED_TEXTS = 3000
WORD = re.compile(r"[^\W\d_]{3,}")
# What a search reads: read into the system's cache before the timing.
SEARCHED_TABLES = ["news_searchdocument", "news_release", "news_titleword"]
# Asked before each query, untimed: no drawn query.
WARM_UP = {"q": "benchmark warm-up"}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Draw:
    """Queries drawn from the database's words, `per_kind` of each kind where the archive has
    them (at 10,000 releases no word matches over 10,000)."""

    def __init__(self, seed, per_kind):
        from django.db import connection

        self.rng = random.Random(seed)
        self.per_kind = per_kind
        self.cursor = connection.cursor()
        self.queries = {kind: [] for kind in KINDS}

    def matches(self, words):
        """Live releases matching `words` as search parses them, counted up to COUNTED_UP_TO."""
        from news.search import MATCHED_WORDS

        self.cursor.execute(
            f"""SELECT count(*) FROM (
                SELECT 1 FROM news_searchdocument WHERE document @@ {MATCHED_WORDS}
                AND publish_at <= now() AND (unpublish_at IS NULL OR unpublish_at > now())
                LIMIT {COUNTED_UP_TO}) found""",
            {"words": words},
        )
        return self.cursor.fetchone()[0]

    def texts(self):
        """(language, words) of the titles and summaries of about SAMPLED_TEXTS releases."""
        self.cursor.execute("SELECT count(*) FROM news_searchdocument")
        percent = min(100, 100 * SAMPLED_TEXTS / max(1, self.cursor.fetchone()[0]))
        self.cursor.execute(
            "SELECT language, title || ' ' || summary FROM news_release "
            "TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) WHERE status = 'published'",
            [percent, self.rng.randrange(2**31)],
        )
        return [(language, WORD.findall(text.lower())) for language, text in self.cursor]

    def title_words(self):
        """Title words, most of them rare: the long tail of the vocabulary."""
        self.cursor.execute("SELECT count(*) FROM news_titleword")
        percent = min(100, 100 * SAMPLED_TEXTS / max(1, self.cursor.fetchone()[0]))
        self.cursor.execute(
            "SELECT word FROM news_titleword TABLESAMPLE SYSTEM (%s) REPEATABLE (%s)",
            [percent, self.rng.randrange(2**31)],
        )
        return [word for (word,) in self.cursor]

    def add(self, kind, params):
        if len(self.queries[kind]) < self.per_kind:
            self.queries[kind].append(params if isinstance(params, dict) else {"q": params})

    def full(self, *kinds):
        return all(len(self.queries[kind]) >= self.per_kind for kind in kinds)

    def draw(self):
        rng = self.rng
        texts = [(language, words) for language, words in self.texts() if len(words) >= 2]
        rng.shuffle(texts)
        # Text words come as often as the archive uses them, title words mostly rare.
        candidates = [word for _, words in texts for word in words] + self.title_words()
        rng.shuffle(candidates)
        counted = {}
        band_names = [name for name, _, _ in BANDS[1:]]
        for word in candidates:
            if self.full(*band_names) or len(counted) > 40 * self.per_kind:
                break
            if word in counted:
                continue
            counted[word] = self.matches(word)
            for name, fewest, most in BANDS[1:]:
                if counted[word] >= fewest and (most is None or counted[word] <= most):
                    self.add(name, word)
        while not self.full("absent"):
            word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 10)))
            if not self.matches(word):
                self.add("absent", word)
        rarer = [word for word, count in counted.items() if 0 < count <= 100 and len(word) >= 5]
        for word in rng.sample(rarer, len(rarer)):
            if self.full("misspelt"):
                break
            misspelt = self.misspelt(word)
            if not self.matches(misspelt):
                self.add("misspelt", misspelt)
        found = [word for word, count in counted.items() if count]
        common = [word for word, count in counted.items() if count > 100] or found
        self.cursor.execute("SELECT slug FROM contacts_country")
        countries = [slug for (slug,) in self.cursor]
        self.cursor.execute("SELECT DISTINCT tag_id FROM taggit_taggeditem LIMIT 100")
        tag_ids = [tag_id for (tag_id,) in self.cursor]
        self.cursor.execute("SELECT slug FROM taggit_tag WHERE id = ANY(%s)", [tag_ids])
        tags = [slug for (slug,) in self.cursor]
        for language, words in texts:
            start = rng.randrange(len(words) - 1)
            self.add("phrase", f'"{words[start]} {words[start + 1]}"')
            self.add(
                "several words", " ".join(rng.sample(words, min(len(words), rng.randint(2, 6))))
            )
            if language != "en":
                self.add("french/spanish", rng.choice(words))
            self.add("exclusion", f"{rng.choice(common)} -{rng.choice(found)}")
            name, value = rng.choice(
                [("country", rng.choice(countries)), ("kind", rng.choice(["news", "story"])),
                 ("tag", rng.choice(tags)), ("language", rng.choice(["en", "fr", "es"])),
                 ("year", str(rng.randint(2017, 2026)))]
            )  # fmt: skip
            self.add("filtered", {"q": rng.choice(found), name: value})
        return [(kind, params) for kind in KINDS for params in self.queries[kind]]

    def misspelt(self, word):
        """The word with one letter replaced, dropped, or swapped with the next."""
        rng, at = self.rng, self.rng.randrange(len(word) - 1)
        edit = rng.choice(("replace", "drop", "swap"))
        if edit == "replace":
            return word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1 :]
        if edit == "drop":
            return word[:at] + word[at + 1 :]
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


class DatabaseTime:
    """Queries run and the time spent in them, as an execute_wrapper."""

    def __init__(self):
        self.queries, self.ms = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.ms += (time.perf_counter() - started) * 1000


def in_process(planned):
    """{kind: [ms]}, {kind: [ms in the database]} and {kind: set of query counts}, each query
    asked once, the first time."""
    from django.db import connection
    from django.test import Client

    client = Client()
    for _ in range(3):  # this process and the database's buffers, warm as a running site
        client.get("/search/", WARM_UP, secure=True)
    times, database, counts = {}, {}, {}
    for kind, params in planned:
        after_an_edit()
        client.get("/search/", WARM_UP, secure=True)
        spent = DatabaseTime()
        with connection.execute_wrapper(spent):
            started = time.perf_counter()
            response = client.get("/search/", params, secure=True)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{params} answered {response.status_code}")
        times.setdefault(kind, []).append(elapsed)
        database.setdefault(kind, []).append(spent.ms)
        counts.setdefault(kind, set()).add(spent.queries)
    return times, database, counts


def after_an_edit():
    """The shared cache emptied and a new content version, as an edit leaves a site. Emptying
    the cache alone left this process's copy of the old version in use until its watcher read
    the cache again, up to a quarter of a second later: the warm-up then kept the menu, names,
    countries and contacts under the old version, and one timed search in seven rebuilt them
    under the new one (70 ms more at 100,000 releases)."""
    from django.core.cache import cache

    from pages.content_version import content_changed

    cache.clear()
    content_changed()


def admin_search(planned, per_kind):
    """{kind: [ms]}: the release changelist's search box, as an editor signed in uses it, for
    the words of the first `per_kind` queries of each kind, each asked once. The benchmark's
    editor is a superuser made for it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    editor, _ = get_user_model().objects.get_or_create(
        username="search-benchmark", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(editor)
    client.get("/admin/news/release/", {"q": WARM_UP["q"]}, secure=True)
    times, asked = {}, {}
    for kind, params in planned:
        if asked.setdefault(kind, 0) == per_kind:
            continue
        asked[kind] += 1
        started = time.perf_counter()
        response = client.get("/admin/news/release/", {"q": params["q"]}, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"admin search {params['q']!r} answered {response.status_code}")
        times.setdefault(kind, []).append(elapsed)
    return times


def over_http(planned, database_url):
    """{kind: [ms]} over HTTP, each query asked once, then {kind: [ms]} asked again."""
    import subprocess

    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    env = production_env(database_url, REDIS_URL, PAGE_CACHE="1")
    first, again = {}, {}
    with Gunicorn("iomsite.wsgi:application", PORT, env) as server:
        # Both workers: their menus, names, countries and contacts, and their connections.
        # Two at a time: one after another, one worker may take them all, and the other's
        # first request then meets a timed query (40 ms more than its own time).
        with ThreadPoolExecutor(server.workers) as pool:
            list(pool.map(lambda _: get(server.url, WARM_UP), range(3 * server.workers)))
        for kind, params in planned:
            first.setdefault(kind, []).append(get(server.url, params))
        for kind, params in planned:
            again.setdefault(kind, []).append(get(server.url, params))
    return first, again


def shuffled(planned, seed):
    """The queries in a random order (the same for a seed), the kinds mixed: a burst of load
    on this shared machine then slows a few queries of each kind, not one kind."""
    planned = list(planned)
    random.Random(seed).shuffle(planned)
    return planned


def get(url, params):
    request = urllib.request.Request(f"{url}/search/?{urlencode(params)}", headers=FORWARDED)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def summary(times):
    """{kind: {"n", "p50_ms", "p99_ms", "max_ms"}}, "all" last."""
    times = {kind: elapsed for kind, elapsed in times.items() if elapsed}
    times["all"] = [ms for elapsed in times.values() for ms in elapsed]
    return {
        kind: {
            "n": len(elapsed),
            "p50_ms": round(statistics.median(elapsed), 1),
            "p99_ms": round(percentile(elapsed, 0.99), 1),
            "max_ms": round(max(elapsed), 1),
        }
        for kind, elapsed in times.items()
    }


def measure(database_url, seed, per_kind, http):
    """Draw the queries and time them: {"seed", "queries", "in_process", "http", ...}."""
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="iomsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "search-benchmark-only"),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="WARNING",
        PAGE_CACHE="0",
    )
    os.environ.pop("REDIS_URL", None)
    import iomsite.wsgi  # noqa: F401 - loaded as a server's worker loads it (gc.freeze())

    warmed_mb = read_into_system_cache(SEARCHED_TABLES)
    planned = Draw(seed, per_kind).draw()
    # Over HTTP, other queries of the same kinds: none of them asked in process before.
    asked_over_http = Draw(seed + 1, per_kind).draw() if http else []
    times, database, counts = in_process(shuffled(planned, seed))
    result = {
        "seed": seed,
        # A search asked the first time reads pages the server may hold or not (operations.md).
        "shared_buffers": server_setting("shared_buffers"),
        "read_into_system_cache_mb": warmed_mb,
        "queries": [[kind, params] for kind, params in planned],
        "in_process": summary(times),
        "database": summary(database),
        "query_counts": {kind: sorted(values) for kind, values in counts.items()},
        "admin": summary(admin_search(shuffled(planned, seed), ADMIN_PER_KIND)),
    }
    if http:
        first, again = over_http(shuffled(asked_over_http, seed), database_url)
        result["http"] = summary(first)
        result["http_cached"] = summary(again)["all"]
    return result


def read_into_system_cache(tables):
    """MB of `tables` and their indexes read through the operating system's cache before the
    timing, as a server that has run for a while holds them (docs/operations.md), or None when
    pg_prewarm cannot be used. Otherwise whatever ran before on the machine decides how much
    of a first search comes from the disk: after a run at 1,000,000 releases (20 GB), the
    100,000's pages were out of it, and its p99 went from 43 to 73 ms."""
    from django.db import DatabaseError, connection

    relations = """
        SELECT oid FROM pg_class WHERE oid = ANY(%(tables)s::regclass[])
        UNION SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[])"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                f"SELECT sum(pg_prewarm(oid, 'read')) FROM ({relations}) relation",
                {"tables": tables},
            )
            blocks = cursor.fetchone()[0]
    except DatabaseError as error:
        print(f"not read into the system's cache first (pg_prewarm): {error}", file=sys.stderr)
        return None
    return round(blocks * 8192 / 2**20)


def server_setting(name):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def report(result):
    lines = [
        f"seed {result['seed']}: {len(result['queries'])} queries, each asked once "
        f"(load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}; "
        f"PostgreSQL shared_buffers {result['shared_buffers']}; "
        f"{result.get('read_into_system_cache_mb') or 'nothing'} MB read into the system's "
        "cache first)",
        "ms: in process, the whole request and its database queries; over HTTP, the request",
        f"{'kind':16} {'n':>3} {'p50':>7} {'p99':>7} | {'database':>8} {'p99':>7}  queries"
        + (f" | {'HTTP p50':>8} {'p99':>7}" if "http" in result else ""),
    ]
    for kind, times in result["in_process"].items():
        counts = "/".join(map(str, result["query_counts"].get(kind, [])))
        database = result["database"][kind]
        line = f"{kind:16} {times['n']:>3} {times['p50_ms']:7.1f} {times['p99_ms']:7.1f}"
        line += f" | {database['p50_ms']:8.1f} {database['p99_ms']:7.1f}  {counts:7}"
        if "http" in result:
            http = result["http"][kind]
            line += f" | {http['p50_ms']:8.1f} {http['p99_ms']:7.1f}"
        lines.append(line)
    admin = result["admin"]["all"]
    lines.append(
        f"the admin's search box ({admin['n']} of the queries): p50 {admin['p50_ms']} ms, "
        f"p99 {admin['p99_ms']} ms"
    )
    if "http" in result:
        cached = result["http_cached"]
        lines.append(
            f"over HTTP asked again (the page cache: what HTTP adds to any page): p50 "
            f"{cached['p50_ms']} ms, p99 {cached['p99_ms']} ms"
        )
    return "\n".join(lines)


def sized_databases():
    """{releases: database URL} named by BENCH_SEARCH_DATABASES."""
    named = os.environ.get("BENCH_SEARCH_DATABASES", "")
    pairs = (item.split("=", 1) for item in named.split(",") if item)
    return {int(releases): url for releases, url in pairs}


def releases_in(database_url):
    """Synthetic releases in the database, None when it does not exist; its size in MB."""
    import psycopg2

    try:
        connection = psycopg2.connect(database_url)
    except psycopg2.OperationalError:
        return None, 0
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM news_release WHERE slug LIKE 'synthetic-%%'")
        releases = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    connection.close()
    return releases, round(size / 2**20)


def by_size(sizes, args):
    """Each size measured in its own process, built first where needed; the table of all."""
    import subprocess

    from bench.run import rebuild_database
    from bench.servers import PYTHON, manage

    named = sized_databases()
    results = {}
    for releases in sizes:
        url = named.get(releases, SIZED_DATABASE_URL.format(releases=releases))
        manage(production_env(url), "collectstatic", "--noinput", "-v", "0")
        saved = REPORT_DIR / f"search-{releases}.json"
        build = json.loads(saved.read_text()).get("build") if saved.exists() else None
        if args.rebuild or releases_in(url)[0] != releases:
            build = rebuild_database(production_env(url), url, releases)
        manage(production_env(url), "migrate", "--noinput", "-v", "0")  # one built before a change
        command = [
            PYTHON, __file__, "--database-url", url, "--seed", str(args.seed),
            "--per-kind", str(args.per_kind), "--json", *(["--http"] * args.http),
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        print(output.rsplit("\n", 2)[0], flush=True)
        result = json.loads(output.strip().splitlines()[-1])
        result.update(releases=releases, build=build, database_mb=releases_in(url)[1])
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(result) + "\n")
        results[releases] = result
    text = sizes_table(results)
    (REPORT_DIR / "search.json").write_text(json.dumps(results, indent=1) + "\n")
    (REPORT_DIR / "search.txt").write_text(text)
    print(text)


def sizes_table(results):
    """p50/p99 per kind (rows) at each size (columns): the request in process, its database
    queries, the request over HTTP."""
    sizes = list(results)
    groups = [
        ("in process", "in_process"), ("database", "database"), ("over HTTP", "http"),
        ("admin search", "admin"),
    ]  # fmt: skip
    groups = [(title, key) for title, key in groups if all(key in r for r in results.values())]
    width = 14 * len(sizes)
    lines = [
        f"search asked for the first time, seed {next(iter(results.values()))['seed']}: "
        "p50/p99 ms, by kind of query and number of releases",
        " " * 16 + "".join(f" |{title:>{width}}" for title, _ in groups),
        f"{'kind':16}" + f" |{''.join(f'{size:>14,}' for size in sizes)}" * len(groups),
    ]
    for kind in [*KINDS, "all"]:
        line = f"{kind:16}"
        for _, key in groups:
            line += " |" + "".join(f"{cell_text(results[s][key].get(kind)):>14}" for s in sizes)
        lines.append(line)
    lines.append(
        "database: "
        + ", ".join(
            f"{size:,} releases {results[size]['database_mb']:,} MB"
            + (
                f" (built in {results[size]['build']['seconds']:,.0f} s, "
                f"{results[size]['build']['releases_per_second']}/s)"
                if results[size].get("build")
                else ""
            )
            for size in sizes
        )
        + f"; PostgreSQL shared_buffers {next(iter(results.values()))['shared_buffers']}"
    )
    return "\n".join(lines) + "\n"


def cell_text(cell):
    return f"{cell['p50_ms']:.1f}/{cell['p99_ms']:.0f}" if cell else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--sizes", help="Numbers of releases, e.g. 10000,100000.")
    parser.add_argument("--rebuild", action="store_true", help="With --sizes: build anew.")
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(10**6))
    parser.add_argument("--per-kind", type=int, default=30)
    parser.add_argument("--http", action="store_true", help="Also over HTTP, with gunicorn.")
    parser.add_argument("--json", action="store_true", help="Also print the result as JSON.")
    args = parser.parse_args()
    print(f"seed {args.seed}", flush=True)
    if args.sizes:
        by_size([int(size) for size in args.sizes.split(",")], args)
        return
    result = measure(args.database_url, args.seed, args.per_kind, args.http)
    print(report(result))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
