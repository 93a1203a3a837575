import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from tests.alerts.smtp import Inbox, free_port


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
