"""Outage drill under production settings: gunicorn reaches PostgreSQL through a small TCP
relay that this script cuts and restores, and Redis at a port where nothing listens.

Checks: with the cache down the site serves; with the database cut public pages answer 503
(with Retry-After) and /readyz names the database while /healthz stays up; once the database
is back the site recovers by itself, without a restart.

Run from the project root with DJANGO_DEBUG=0, DJANGO_SECRET_KEY and DATABASE_URL set to a
migrated PostgreSQL database with the demo content.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


APP_PORT = free_port()
RELAY_PORT = free_port()
CLOSED_PORT = 1  # nothing listens there: Redis is down from the start
HEADERS = {"X-Forwarded-Proto": "https", "Host": "localhost"}


class Relay:
    """Forwards 127.0.0.1:RELAY_PORT to the database; stop() cuts every connection."""

    def __init__(self, target):
        self.target = target
        self.sockets = []
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", RELAY_PORT), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        for sock in [self.listener, *self.sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def fetch(path):
    request = urllib.request.Request(f"http://127.0.0.1:{APP_PORT}{path}", headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def expect(path, status, contains=b""):
    got, headers, body = fetch(path)
    ok = got == status and contains in body
    print(f"  {'ok ' if ok else 'BAD'} {path}: {got} (expected {status})")
    return ok, headers


def main():
    database = urlsplit(os.environ["DATABASE_URL"])
    relay = Relay((database.hostname, database.port or 5432))
    relay.start()
    netloc = database.netloc.rsplit("@", 1)
    auth = netloc[0] + "@" if len(netloc) == 2 else ""
    env = dict(
        os.environ,
        DATABASE_URL=urlunsplit(database._replace(netloc=f"{auth}127.0.0.1:{RELAY_PORT}")),
        REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/0",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "iomsite.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{APP_PORT}", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # The worker logs of an outage are long and expected: this script prints what it checks.
    results = []
    try:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit("gunicorn exited before answering")
            try:
                if fetch("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        print("cache down, database up:")
        results.append(expect("/", 200)[0])
        results.append(expect("/news/", 200)[0])
        results.append(expect("/readyz", 503, b"cache")[0])

        relay.stop()
        print("database cut:")
        for path in ("/", "/news/", "/where-we-work/"):
            ok, headers = expect(path, 503, b"Back in a moment")
            results.append(ok and headers.get("Retry-After") == "30")
        results.append(expect("/readyz", 503, b"database")[0])
        results.append(expect("/healthz", 200, b"ok")[0])

        relay.start()
        print("database back:")
        deadline = time.monotonic() + 20
        while fetch("/")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        results.append(expect("/", 200)[0])
        results.append(expect("/news/", 200)[0])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        relay.stop()
    if not all(results):
        sys.exit("outage drill failed")
    print("outage drill: all checks passed")


if __name__ == "__main__":
    main()
