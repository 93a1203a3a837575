"""Review notices, sent by the task worker (`manage.py db_worker`) as the email alerts are."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.mail import mailers
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from .emails import composed
from .review import Review, ReviewEvent, publishers

logger = logging.getLogger(__name__)

# Delays before trying an unreachable mail server again, then giving up.
RETRY_DELAYS = [30, 120, 600, 1800]


def recipients(event):
    """Who hears of a step: the publishers of a submission (the one asked, if any), the
    author of an answer; never the person who took the step."""
    if event.action == ReviewEvent.Action.SUBMITTED:
        review = Review.objects.select_related("reviewer").get(
            content_type=event.content_type, object_id=event.object_id
        )
        people = (
            [review.reviewer] if review.reviewer else publishers(event.content_type.model_class())
        )
    else:
        review = (
            Review.objects.select_related("submitted_by")
            .filter(content_type=event.content_type, object_id=event.object_id)
            .first()
        )
        people = [review.submitted_by] if review and review.submitted_by else []
    return [person.email for person in people if person.email and person != event.user]


@task
def send_review_email(event_id, attempt=0):
    event = ReviewEvent.objects.select_related("user", "content_type").filter(pk=event_id).first()
    if event is None:
        return
    opts = event.content_type.model_class()._meta
    review_path = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_review", args=[quote(event.object_id)]
    )
    context = {
        "event": event,
        "by": event.user.get_full_name() or event.user.get_username() if event.user else "",
        "kind": opts.verbose_name,
        "review_url": settings.SITE_URL + review_path,
        "site_name": settings.SITE_NAME,
    }
    messages = [
        composed("review", context, address, settings.LANGUAGE_CODE)
        for address in recipients(event)
    ]
    try:
        mailers.default.send_messages(messages)
    except (OSError, smtplib.SMTPException) as error:
        if attempt >= len(RETRY_DELAYS):
            raise
        logger.warning("Review notice not sent, will try again: %s", error)
        later = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt])
        send_review_email.using(run_after=later).enqueue(event_id, attempt + 1)
