"""`make bench`: build a PostgreSQL database of synthetic content, serve it with production
settings under gunicorn, load it with wrk from a second process on loopback, and report.

Environment: BENCH_RELEASES (100000), BENCH_SECONDS (10 per view), BENCH_CONNECTIONS (16),
BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PORT, BENCH_SKIP_BUILD=1 to reuse the database.
Writes var/bench/report.json and var/bench/report.txt.
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import urllib.error
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.search_speed import report as search_report  # noqa: E402
from bench.servers import (  # noqa: E402
    FORWARDED,
    PYTHON,
    ROOT,
    Gunicorn,
    fetch,
    manage,
    production_env,
    recreate_database,
)

RELEASES = int(os.environ.get("BENCH_RELEASES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iomsite_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REPORT_DIR = ROOT / "var" / "bench"
# (name, PAGE_CACHE, cache layers taken out: bench/without.py). The last ones measure what each
# layer buys (BENCH_LAYERS=0 skips them): each is compared with the same run with the layer.
MODES = [("uncached", "0", ""), ("cached", "1", "")]
LAYER_MODES = [
    ("cached, no front copy", "1", "front"),
    ("cached, no front copy nor watched version", "1", "front,watch"),
    ("uncached, no in-process values", "0", "in-process"),
    ("uncached, no fragments", "0", "fragments"),
    ("uncached, no values", "0", "values"),
]
# The search is loaded with varied queries, one after the other (bench/search_speed.py's),
# not one query that the page cache answers after the first time.
SEARCH_SCRIPT = ROOT / "bench" / "search.lua"
SEARCH_PATHS = REPORT_DIR / "search-paths.txt"
UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def log(message):
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def rebuild_database(env, database_url=DATABASE_URL, releases=RELEASES):
    recreate_database(database_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo", "-v", "0")
    log(f"generate_content --releases {releases}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    manage(env, "generate_content", "--releases", str(releases), "--seed", "1")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the command itself: on a shared machine, wall time includes waiting.
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would, for index-only scans
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    connection.close()
    return {
        "releases": releases,
        "seconds": round(seconds, 1),
        "releases_per_second": round(releases / seconds),
        "cpu_seconds": round(cpu, 1),
        "releases_per_cpu_second": round(releases / cpu),
        "peak_rss_mb": round(after.ru_maxrss / 1024),
        "database_mb": round(size / 2**20),
    }


def pick_addresses():
    with psycopg2.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.slug FROM news_release r WHERE r.status = 'published' "
            "AND r.publish_at < now() - interval '30 days' AND r.unpublish_at IS NULL "
            "ORDER BY r.publish_at DESC LIMIT 1"
        )
        release = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.slug FROM contacts_country c JOIN news_release_countries rc "
            "ON rc.country_id = c.id GROUP BY c.slug ORDER BY count(*) DESC, c.slug LIMIT 1"
        )
        country = cursor.fetchone()[0]
    return {
        "home": "/",
        "newsroom page 1": "/news/",
        "newsroom page 2000": "/news/?page=2000",
        "newsroom filtered": f"/news/?country={country}&kind=press-release",
        "release": f"/news/{release}/",
        "country": f"/where-we-work/{country}/",
        "search": "/search/?q=shelter+repairs",  # its query count; wrk varies the query
        # The same views in French: their ratios should equal the English ones.
        "home (fr)": "/fr/",
        "newsroom page 1 (fr)": "/fr/news/",
        "newsroom filtered (fr)": f"/fr/news/?country={country}&kind=press-release",
        "release (fr)": f"/fr/news/{release}/",
    }


def write_search_paths(queries):
    """The drawn queries as addresses, one a line, for wrk (bench/search.lua)."""
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    SEARCH_PATHS.write_text("".join(f"/search/?{urlencode(params)}\n" for _, params in queries))


def wrk(url, script_args=()):
    command = [
        # One load thread: it leaves the servers as much of the machine as it can.
        "wrk", "--latency", "-t", "1", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s",
        *[part for name, value in FORWARDED.items() for part in ("-H", f"{name}: {value}")],
        url, *script_args,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latencies = {
        percent: round(float(value) * UNITS[unit], 2)
        for percent, value, unit in re.findall(
            r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M
        )
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)  # wrk gives up on a request after 2 s
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latencies.get("50"),
        "p99_ms": latencies.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def load(server, addresses, label):
    results = {}
    for name, path in addresses.items():
        search = ["-s", str(SEARCH_SCRIPT), "--", str(SEARCH_PATHS)] if name == "search" else []
        # Warm as the other views are: each search asked once before the measured run (its
        # cost the first time it is asked is bench/search_speed.py's). A timed warm-up would
        # leave some of the drawn searches to be asked first during the measurement.
        if search:
            for search_path in SEARCH_PATHS.read_text().split():
                try:
                    fetch(server.url + search_path)
                except urllib.error.HTTPError:
                    pass  # counted by wrk as a non-2xx answer
        wrk_warmup(server.url + path, search)
        results[name] = wrk(server.url + path, search)
        result = results[name]
        log(f"{label:8} {name:20} {result['rps']:8.1f} req/s  p99 {result['p99_ms']} ms")
    return results


def wrk_warmup(url, script_args=()):
    subprocess.run(
        ["wrk", "-t", "1", "-c", "2", "-d", "2s", "-H", "X-Forwarded-Proto: https", url,
         *script_args],
        capture_output=True,
        check=True,
    )  # fmt: skip


def query_counts(env, addresses):
    output = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "queries.py"), *addresses.values()],
        cwd=ROOT, env={**env, "PAGE_CACHE": "0"}, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    by_url = json.loads(output.strip().splitlines()[-1])
    return {name: by_url[path] for name, path in addresses.items()}


def dashboard_speed(env):
    """bench/dashboard_speed.py's result: the admin dashboard of a publisher, in process."""
    output = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "dashboard_speed.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def search_speed(database_url=DATABASE_URL):
    """bench/search_speed.py's result: queries drawn from the database's words, each timed the
    first time it is asked, in process (the rest of the site warm as between two edits) and
    over HTTP. BENCH_SEARCH_SEED repeats a draw."""
    seed = os.environ.get("BENCH_SEARCH_SEED")
    output = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "search_speed.py"), "--json", "--http",
         "--database-url", database_url, *(["--seed", seed] if seed else [])],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def table(report):
    around = report["ceiling_around"]
    lines = [
        f"iomsite benchmark, {report['when']}: {report['releases_live']} live releases, "
        f"{CONNECTIONS} connections, {SECONDS} s per view, load average {report['load_average']}",
        "",
        f"{'view':20} {'queries':>9} {'ms':>13} | {'uncached rps':>12} {'%ceil':>6} {'p50':>7} "
        f"{'p99':>7} | {'cached rps':>10} {'%ceil':>6} {'p50':>7} {'p99':>7}",
    ]
    for name in report["uncached"]:
        queries = report["queries"][name]
        row = (
            f"{name:20} {queries['warm']:>4}/{queries['cold']:<4} "
            f"{queries['warm_ms']:>6.1f}/{queries['cold_ms']:<6.1f} |"
        )
        for mode in ("uncached", "cached"):
            result = report[mode][name]
            row += (
                f" {result['rps']:>{12 if mode == 'uncached' else 10}.1f}"
                f" {100 * result['rps'] / around[mode]:>5.1f}%"
                f" {result['p50_ms']:>7} {result['p99_ms']:>7} |"
            )
        lines.append(row.rstrip(" |"))
    lines += [
        "",
        "ceiling (constant-response Django view), before/between/after the runs: "
        + " / ".join(
            f"{result['rps']:.0f} req/s (p99 {result['p99_ms']} ms)"
            for result in report["ceilings"]
        ),
        f"%ceil compares each run with the mean ceiling around it: uncached "
        f"{around['uncached']:.0f}, cached {around['cached']:.0f} req/s",
        f"worker RSS (MB): uncached {report['worker_rss_mb']['uncached']}, "
        f"cached {report['worker_rss_mb']['cached']}",
        "queries and ms: warm/cold, one request in process (cold = right after an edit: an empty "
        "cache, so menu, counts, cards and the next change are rebuilt); uncached = no page "
        "cache, the shared fragments warm as they are between two edits",
        f"search: wrk asks {len(SEARCH_PATHS.read_text().splitlines())} varied queries in turn "
        f"(bench/search.lua), each one's results kept after it is first asked, as the "
        f"newsroom's counts are; its queries column is for {report['addresses']['search']}",
    ]
    for mode in report.get("layers", []):
        lines += ["", f"{mode}: {'rps':>8} {'%ceil':>6} {'p99':>7}  (with the layer: rps, %ceil)"]
        full = "cached" if mode.startswith("cached") else "uncached"
        for name, result in report[mode].items():
            with_layer = report[full][name]
            lines.append(
                f"  {name:20} {result['rps']:>8.1f} "
                f"{100 * result['rps'] / around[mode]:>5.1f}% {result['p99_ms']:>7}  "
                f"({with_layer['rps']:.1f}, {100 * with_layer['rps'] / around[full]:.1f}%)"
            )
    dashboard = report["dashboard"]
    lines += [
        "",
        f"admin dashboard (bench/dashboard_speed.py, a publisher, in process, "
        f"{dashboard['runs']} requests): p50 {dashboard['p50_ms']} ms, slowest "
        f"{dashboard['p99_ms']} ms, {dashboard['queries']} queries taking "
        f"{dashboard['database_ms']} ms (target: under 200 ms)",
        "",
        "search asked for the first time (bench/search_speed.py):",
        search_report(report["search_first_asked"]),
    ]
    if report.get("generate"):
        generate = report["generate"]
        lines.append(
            f"generate_content: {generate['releases']} releases in {generate['seconds']} s "
            f"({generate['releases_per_second']}/s; {generate['cpu_seconds']} CPU s, "
            f"{generate['releases_per_cpu_second']}/CPU s), peak RSS {generate['peak_rss_mb']} MB"
        )
    return "\n".join(lines) + "\n"


def main():
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    env = production_env(DATABASE_URL)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "generate": None}
    load_before = os.getloadavg()[0]
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        report["generate"] = rebuild_database(env)
        log(f"generated: {report['generate']}")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    addresses = pick_addresses()
    report["addresses"] = addresses
    report["queries"] = query_counts(env, addresses)
    report["dashboard"] = dashboard_speed(env)
    log(f"admin dashboard: {report['dashboard']}")
    report["search_first_asked"] = search_speed()
    write_search_paths(report["search_first_asked"]["queries"])
    with psycopg2.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM news_release WHERE status = 'published'")
        report["releases_live"] = cursor.fetchone()[0]

    # The machine is shared: the ceiling is measured before, between and after the runs, and
    # each run is compared with the mean of the ceilings measured just before and after it.
    modes = MODES + (LAYER_MODES if os.environ.get("BENCH_LAYERS", "1") == "1" else [])
    report["worker_rss_mb"] = {}
    report["ceiling_around"] = {}
    ceilings = []
    with Gunicorn("bench.ceiling:application", PORT + 1, production_env(DATABASE_URL)) as ceiling:
        wrk_warmup(ceiling.url + "/")
        ceilings.append(wrk(ceiling.url + "/"))
        for mode, page_cache, without in modes:
            server_env = production_env(
                DATABASE_URL, REDIS_URL, PAGE_CACHE=page_cache, BENCH_WITHOUT=without
            )
            subprocess.run(
                ["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True
            )
            app = "bench.without:application" if without else "iomsite.wsgi:application"
            with Gunicorn(app, PORT, server_env) as server:
                report[mode] = load(server, addresses, mode)
                report["worker_rss_mb"][mode] = server.worker_rss_mb()
            ceilings.append(wrk(ceiling.url + "/"))
            report["ceiling_around"][mode] = (ceilings[-2]["rps"] + ceilings[-1]["rps"]) / 2
            log(f"ceiling {ceilings[-1]['rps']:.1f} req/s")
        report["worker_rss_mb"]["ceiling"] = ceiling.worker_rss_mb()
    report["ceilings"] = ceilings
    report["ceiling"] = max(ceilings, key=lambda result: result["rps"])
    report["layers"] = [mode for mode, _, without in modes if without]
    # The machine is shared: a high load average means other work competed with the servers.
    report["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]

    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    text = table(report)
    (REPORT_DIR / "report.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
