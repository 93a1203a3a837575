"""Start and stop gunicorn app servers on loopback for the benchmark and the two-server check;
fresh PostgreSQL databases for the benchmarks."""

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
# The load balancer in front of the app servers ends TLS and says so in this header.
FORWARDED = {"X-Forwarded-Proto": "https"}


def production_env(database_url, redis_url=None, **extra):
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="iomsite.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def recreate_database(database_url):
    """Drop the PostgreSQL database of `database_url` if it exists, and create it empty."""
    import psycopg2  # only the PostgreSQL benchmarks need it

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


class Gunicorn:
    """One app server: `with Gunicorn(app, port, env) as server: ...`."""

    def __init__(self, app, port, env, workers=2):
        self.app, self.port, self.env, self.workers = app, port, env, workers
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        command = [
            str(VENV_BIN / "gunicorn"), self.app, "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                ready = urllib.request.Request(self.url + "/robots.txt", headers=FORWARDED)
                urllib.request.urlopen(ready, timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers; the ceiling app has no robots.txt
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn {self.app} exited") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app} did not start on port {self.port}")

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_mb(self):
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes


def fetch(url, data=None, headers=None, opener=None):
    request = urllib.request.Request(url, data=data, headers={**FORWARDED, **(headers or {})})
    with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read().decode()
