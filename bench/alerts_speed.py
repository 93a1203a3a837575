"""How fast a task worker sends email alerts: N confirmed subscribers match a release that is
published in the admin; a worker (`manage.py db_worker`) sends to a local SMTP server.

    .venv/bin/python bench/alerts_speed.py [--subscribers 10000] [--database-url postgres://...]

Without --database-url it uses a throwaway SQLite file; a PostgreSQL database is dropped and
created afresh. Prints how long the admin's save took, the worker's sending rate (emails per
second, first to last), and its peak memory; checks that each subscriber got one email.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.servers import ROOT, recreate_database  # noqa: E402

# Subscribers whose filters leave the release out, beside the N that match it.
NOT_MATCHING = 2000


class Counter:
    """An aiosmtpd handler that counts messages per recipient and notes when they came."""

    def __init__(self):
        self.received = {}
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.last = time.perf_counter()
            self.first = self.first or self.last
            for address in envelope.rcpt_tos:
                self.received[address] = self.received.get(address, 0) + 1
        return "250 Message accepted for delivery"

    @property
    def total(self):
        with self.lock:
            return sum(self.received.values())


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_subscribers(count):
    from django.utils import timezone

    from contacts.models import Country
    from news.models import Subscriber

    china, peru = Country.objects.get(code="CN"), Country.objects.get(code="PE")
    confirmed = timezone.now() - timezone.timedelta(hours=1)
    matching = [
        # A third take everything, a third China, a third press releases about Asia.
        [{}, {"country": [china.pk]}, {"kind": ["press-release"], "region": [china.region_id]}][
            n % 3
        ]
        for n in range(count)
    ]
    rows = [
        Subscriber(email=f"reporter{n}@example.org", filters=filters, confirmed_at=confirmed)
        for n, filters in enumerate(matching)
    ]
    rows += [
        Subscriber(
            email=f"elsewhere{n}@example.org",
            filters={"country": [peru.pk]},
            confirmed_at=confirmed,
        )
        for n in range(NOT_MATCHING)
    ]
    Subscriber.objects.bulk_create(rows, batch_size=2000)
    return china


def publish_in_the_admin(title, china, status):
    """POST the admin's add form as an editor would; returns its duration in seconds."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(username="bench").first()
    user = user or get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    client.force_login(user)
    form = {
        "title": title,
        "slug": title.lower().replace(" ", "-"),
        "kind": "press-release",
        "dateline_country": china.pk,
        "summary": "IOM helps families displaced by the floods.",
        "body": "<p>IOM helps families displaced by the floods.</p>",
        "tags": "Climate",
        "status": status,
        "language": "en",
        "publish_at_0": "",
        "publish_at_1": "",
        "release_contacts-TOTAL_FORMS": "0",
        "release_contacts-INITIAL_FORMS": "0",
        "embargo_links-TOTAL_FORMS": "0",
        "embargo_links-INITIAL_FORMS": "0",
    }
    client.get("/admin/news/release/add/", secure=True)  # warm, as an editor's open form is
    started = time.perf_counter()
    response = client.post("/admin/news/release/add/", form, secure=True)
    seconds = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"the admin refused the release: {response.status_code}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with tempfile.TemporaryDirectory(prefix="iomsite-alerts-bench-") as temporary:
        env = {
            **os.environ,
            # As operators run it: debug off, SMTP to the local server.
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "alerts-benchmark-only"),
            "DATABASE_URL": args.database_url or f"sqlite:///{Path(temporary) / 'bench.sqlite3'}",
            "DJANGO_EMAIL_HOST": smtp.hostname,
            "DJANGO_EMAIL_PORT": str(smtp.port),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "iomsite.settings",
            "DJANGO_VAR_DIR": temporary,  # the collected static files the admin's pages need
        }
        if args.database_url:
            recreate_database(args.database_url)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        china = make_subscribers(args.subscribers)
        worker = subprocess.Popen(
            [*manage, "db_worker", "--no-startup-delay", "--interval", "0.1", "-v", "0"], env=env
        )
        publish_in_the_admin("A first draft", china, "draft")  # warms the admin up
        draft_save = publish_in_the_admin("A draft about China", china, "draft")
        save = publish_in_the_admin("Floods in Yunnan", china, "published")
        published = time.perf_counter()
        while counter.total < args.subscribers // 2 and time.perf_counter() < published + 600:
            time.sleep(0.05)
        busy_save = publish_in_the_admin("A draft while sending", china, "draft")
        while counter.total < args.subscribers and time.perf_counter() < published + 600:
            time.sleep(0.05)
        time.sleep(2)  # anything sent twice or to the wrong people would come now
        worker.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(worker.pid, 0)
    smtp.stop()

    received = counter.received
    sending = (counter.last - counter.first) if counter.first else 0
    print(
        f"{args.subscribers} matching subscribers (and {NOT_MATCHING} not matching): "
        f"the admin's save of the release {save * 1000:.0f} ms; of a draft before "
        f"{draft_save * 1000:.0f} ms, while the worker sends {busy_save * 1000:.0f} ms"
    )
    print(
        f"{len(received)} addresses received {sum(received.values())} emails, "
        f"{sum(1 for count in received.values() if count > 1)} twice; "
        f"first after {counter.first - published:.1f} s, all after {counter.last - published:.1f} s"
    )
    print(
        f"sending: {sum(received.values()) / sending:.0f} emails/s; worker peak memory "
        f"{usage.ru_maxrss / 1024:.0f} MB, CPU {usage.ru_utime + usage.ru_stime:.1f} s"
    )
    expected = {f"reporter{n}@example.org" for n in range(args.subscribers)}
    if set(received) != expected or any(count != 1 for count in received.values()):
        raise SystemExit("not exactly one email per matching subscriber")


if __name__ == "__main__":
    main()
