"""A short load run of the public site under production settings: gunicorn on loopback,
a few threads fetching every public page for some seconds; any 5xx fails the run.

Run from the project root with the production environment set (DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DATABASE_URL) and a migrated database with the demo content.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("LOAD_PORT", 0)) or free_port()
SECONDS = float(os.environ.get("LOAD_SECONDS", "10"))
THREADS = int(os.environ.get("LOAD_THREADS", "8"))
BASE = f"http://{HOST}:{PORT}"
# As the load balancer sends them: TLS ended there, so no redirect to HTTPS here.
HEADERS = {"X-Forwarded-Proto": "https", "Host": "localhost"}
FIXED_PATHS = [
    "/",
    "/news/",
    "/news/?page=2",
    "/news/?page=abc",
    "/where-we-work/",
    "/media-contacts/",
    "/search/?q=migration",
    "/search/?q=%00",
    "/robots.txt",
    "/sitemap.xml",
    "/no-such-page/",
    "/news/no-such-release/",
    "/healthz",
    "/readyz",
]


def fetch(path):
    request = urllib.request.Request(BASE + path, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 599, b""  # refused or timed out: counts as a server error


def wait_until_up(server, server_log):
    for _ in range(100):
        if server.poll() is not None:
            server_log.seek(0)
            sys.exit("gunicorn exited before answering:\n" + server_log.read()[-3000:])
        if fetch("/healthz")[0] == 200:
            return
        time.sleep(0.1)
    sys.exit("gunicorn did not answer /healthz within 10 s")


def public_paths():
    """The fixed list plus every address in the sitemap."""
    status, body = fetch("/sitemap.xml")
    found = re.findall(rb"<loc>https?://[^/<]+(/[^<]*)</loc>", body) if status == 200 else []
    return FIXED_PATHS + [path.decode() for path in found]


def hammer(paths, deadline):
    statuses = Counter()
    failures = []
    index = 0
    while time.monotonic() < deadline:
        path = paths[index % len(paths)]
        index += 1
        status, _ = fetch(path)
        statuses[status] += 1
        if status >= 500:
            failures.append((path, status))
    return statuses, failures


def main():
    server_log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "iomsite.wsgi", "--workers", "2",
         "--bind", f"{HOST}:{PORT}", "--log-level", "warning"],
        stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(server, server_log)
        paths = public_paths()
        started = time.monotonic()
        deadline = started + SECONDS
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda _: hammer(paths, deadline), range(THREADS)))
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    statuses = sum((counts for counts, _ in results), Counter())
    failures = [failure for _, found in results for failure in found]
    total = sum(statuses.values())
    print(
        f"{total} requests to {len(paths)} addresses in {elapsed:.1f} s "
        f"({total / elapsed:.0f}/s), statuses {dict(sorted(statuses.items()))}"
    )
    if failures:
        print("server errors:", sorted(set(failures))[:20])
        server_log.seek(0)
        print("server log (last lines):", *server_log.readlines()[-40:], sep="\n")
        sys.exit(1)
    print("load run: zero 5xx")


if __name__ == "__main__":
    main()
