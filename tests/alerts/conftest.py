import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection

from tests.alerts.smtp import Inbox, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def smtp_server():
    """A real SMTP server on the loopback; `.inbox` holds what it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.inbox = inbox
    yield controller
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """This process sends through the loopback SMTP server."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": smtp_server.hostname, "port": smtp_server.port, "timeout": 5},
        }
    }
    return smtp_server.inbox


@pytest.fixture
def run_tasks():
    """Run the queued tasks that are due, as a worker would, then return."""

    def run():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )

    return run


def database_url():
    """The test database, for a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(smtp_server):
    """`manage.py db_worker` processes, on the test database, sending to `smtp_server`."""
    workers = {}

    def start(name):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.alerts.worker_settings",
            "DATABASE_URL": database_url(),
            "DJANGO_EMAIL_HOST": smtp_server.hostname,
            "DJANGO_EMAIL_PORT": str(smtp_server.port),
        }
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
        command += ["--no-startup-delay", "--no-reload", "-v", "0", "--worker-id", name]
        workers[name] = subprocess.Popen(command, cwd=ROOT, env=env)
        return workers

    yield start
    for worker in workers.values():
        worker.terminate()
    for worker in workers.values():
        worker.wait(timeout=20)
