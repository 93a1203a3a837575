"""The work of email alerts that runs in task workers (`manage.py db_worker`), never in a
request: planning alerts when releases change, sending them, and confirmation emails.

django-tasks-db retries nothing by itself: a task that cannot reach the mail server queues
itself again for later (see news/alerts.py), and a worker that dies mid-task leaves behind
the follow-up that each sending task queues before it starts.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from pages.emails import composed
from pages.site_names import lazy_site_name

from . import alerts
from .models import Release, Subscriber
from .subscriptions import CONFIRMATION_LIFETIME, confirmation_token, describe

logger = logging.getLogger(__name__)

CONFIRMATION_RETRY_DELAYS = [30, 120, 600, 1800]


@task
def plan_alerts_task():
    alerts.plan_alerts()


@task
def send_alert_task(alert_id):
    alerts.send_alert(alert_id)


@task
def send_confirmation(subscriber_id, pending_key, attempt=0):
    """The double opt-in email, unless a newer request (or the confirmation) replaced it."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id, pending_key=pending_key).first()
    if subscriber is None:
        return
    request = subscriber.pending
    with translation.override(request["language"]):  # the address of the page in their language
        path = reverse("subscriptions:confirm", args=[confirmation_token(subscriber)])
    context = {
        "confirm_url": settings.SITE_URL + path,
        "alerts": describe(request["filters"], request["language"]),
        "days": CONFIRMATION_LIFETIME.days,
        "known": subscriber.confirmed_at is not None,
        "site_name": lazy_site_name(),
    }
    message = composed("confirmation", context, subscriber.email, request["language"])
    try:
        mailers.default.send_messages([message])
    except (OSError, smtplib.SMTPException) as error:
        if attempt >= len(CONFIRMATION_RETRY_DELAYS):
            raise
        logger.warning("Confirmation email not sent, will try again: %s", error)
        delay = timedelta(seconds=CONFIRMATION_RETRY_DELAYS[attempt])
        send_confirmation.using(run_after=timezone.now() + delay).enqueue(
            subscriber_id, pending_key, attempt + 1
        )


def releases_written(tables, **kwargs):
    """content_committed receiver: a committed write to releases, by whatever path (the admin,
    a bulk action, a queryset update, an import), may have published or scheduled one."""
    if Release._meta.db_table in tables:
        plan_alerts_task.enqueue()
