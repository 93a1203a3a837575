"""Settings of the task workers that tests/alerts/test_worker.py starts: the test settings,
with leases short enough for a test to see a dead worker's alerts taken over."""

from tests.settings import *  # noqa: F403

ALERTS_LEASE_SECONDS = 4
MAIL_SERVER_TIMEOUT = 1
MAILERS["default"]["OPTIONS"]["timeout"] = MAIL_SERVER_TIMEOUT  # noqa: F405
