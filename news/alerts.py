"""Email alerts: when a release goes live, every confirmed subscriber whose filters match it
receives one email, sent by task workers (news/tasks.py), never in a request.

- Planning (`plan_alerts`): after every committed write to releases, whatever made it, the
  published releases that are fresh (publish_at within FRESH_FOR of now: an imported archive
  mails no one) get a ReleaseAlert, one per translation group, and a task queued to run at
  their publish_at: at once, or when the embargo lifts.
- Starting (`start`): once a version of the release is live, one Delivery row per matching
  subscriber is written, in one transaction, by whichever task gets there first.
- Sending (`send_alert`): a worker claims a batch of deliveries for a while (a lease), sends
  them one by one and marks each sent as soon as the mail server has accepted it. Two workers
  never claim the same row; rows whose worker died are claimed again when the lease ends.
  The alert is checked to be live before every batch: unpublishing it stops the sending.

At the mail server the choice is at-least-once: a worker that dies after the server accepted
a message and before the row was marked sent leaves that one message to be sent again by
the next worker (with the same Message-ID, which mail systems use to drop duplicates).
Marking it first would lose it instead. Each row is marked alone, so at most one message
per dead worker is sent twice.
"""

import logging
import math
import smtplib
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pages.emails import composed
from pages.publishing import Status
from pages.site_names import lazy_site_name

from .models import Delivery, Release, ReleaseAlert, Subscriber
from .subscriptions import matches

logger = logging.getLogger(__name__)

# A release first seen published longer ago than this is archive, not news: no alert.
FRESH_FOR = timedelta(days=1)
# One more sending task per this many recipients, for other workers to share the sending.
RECIPIENTS_PER_SENDER = 1000
MAX_SENDERS = 4
# Delays before trying an unreachable mail server again, then giving up.
RETRY_DELAYS = [30, 60, 300, 900, 3600, 3600, 3600]
# A recipient the server refuses for now (4xx) is tried this many times, this far apart.
MAX_ATTEMPTS = 5
REFUSED_RETRY_DELAY = timedelta(minutes=5)


def story_of(release_id, original_id):
    return original_id or release_id


def story_versions(story):
    return Release.objects.filter(Q(pk=story) | Q(translation_of_id=story))


def plan_alerts(now=None):
    """Give each fresh published release an alert and queue its sending for its publish_at.
    Safe to run any number of times, by any number of workers at once."""
    now = now or timezone.now()
    fresh = (
        Release.objects.filter(status=Status.PUBLISHED, publish_at__gte=now - FRESH_FOR)
        .filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now))
        .order_by("publish_at", "pk")
        .values_list("pk", "translation_of_id", "publish_at")
    )
    first_live = {}  # story: (the version that goes live first, when)
    for pk, original_id, publish_at in fresh:
        first_live.setdefault(story_of(pk, original_id), (pk, publish_at))
    alerts = ReleaseAlert.objects.in_bulk(first_live, field_name="story")
    for story, (release_id, publish_at) in first_live.items():
        alert = alerts.get(story)
        if alert is None:
            try:
                with transaction.atomic():
                    alert = ReleaseAlert.objects.create(
                        story=story, release_id=release_id, queued_for=publish_at
                    )
            except IntegrityError:
                continue  # another worker planned it at the same moment
        elif alert.status == ReleaseAlert.Status.SENT or alert.queued_for == publish_at:
            continue
        else:
            changes = {"queued_for": publish_at}
            if alert.status == ReleaseAlert.Status.SCHEDULED:
                changes["release_id"] = release_id
            ReleaseAlert.objects.filter(pk=alert.pk).exclude(
                status=ReleaseAlert.Status.SENT
            ).update(**changes)
        queue_sending(alert.pk, publish_at if publish_at > now else None)


def queue_sending(alert_id, when=None):
    """Queue a run of send_alert, now or at `when`."""
    from .tasks import send_alert_task  # which calls this module

    task = send_alert_task.using(run_after=when) if when else send_alert_task
    task.enqueue(alert_id)


def send_alert(alert_id):
    """Send what is left of an alert, if its release is live; any number of workers may run
    this at once. Each run queues at most one run after it (a chain), and the chains end
    when the alert is sent or its release is no longer live:
    - with deliveries to send, it first queues one for when its lease ends, in case it dies
      (which finds the alert sent, usually);
    - with none left but some held by another worker, one for when that worker's lease ends;
    - while the mail server is failing, one for when to try again."""
    alert = ReleaseAlert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status == ReleaseAlert.Status.SENT:
        return
    now = timezone.now()
    if alert.retry_at and alert.retry_at > now:
        queue_sending(alert.pk, alert.retry_at)
        return
    versions = live_versions(alert.story)
    if not versions:
        stopped(alert)
        return
    if alert.status == ReleaseAlert.Status.SCHEDULED:
        start(alert, versions)
    if not claimable(alert, now).exists():
        held = alert.deliveries.filter(status=Delivery.Status.PENDING).aggregate(
            until=Min("claimed_until")
        )["until"]
        if held:
            queue_sending(alert.pk, held + timedelta(milliseconds=10))
        else:
            finish(alert)
        return
    lease = timedelta(seconds=settings.ALERTS_LEASE_SECONDS)
    queue_sending(alert.pk, now + lease)
    outcome = Sender(alert, versions).send_batches()
    if outcome == "stopped":
        stopped(alert)
    elif outcome == "unreachable":
        retry_later(alert)
    elif not alert.deliveries.filter(status=Delivery.Status.PENDING).exists():
        finish(alert)


def live_versions(story):
    """The live versions of a release, with what an email and the filters need."""
    return list(
        story_versions(story)
        .live()
        .select_related("dateline_country")
        .prefetch_related("countries", "tags", "release_contacts__contact__office")
        .order_by("publish_at", "pk")
    )


def stopped(alert):
    """The release is not live. If it was unpublished, no task waits for it any more: the
    next time it is published (while fresh), planning queues one again. If its embargo moved
    later, the task for the new time was queued when it moved."""
    if (
        not story_versions(alert.story)
        .filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())
        .exists()
    ):
        ReleaseAlert.objects.filter(pk=alert.pk).exclude(status=ReleaseAlert.Status.SENT).update(
            queued_for=None
        )


def release_facts(versions):
    """What the filters look at, over every live version: {filter: set of values}."""
    countries = [country for version in versions for country in version.countries.all()]
    return {
        "kind": {version.kind for version in versions},
        "language": {version.language for version in versions},
        "country": {country.pk for country in countries},
        "region": {country.region_id for country in countries},
        "tag": {tag.pk for version in versions for tag in version.tags.all()},
    }


def start(alert, versions):
    """Write one delivery per matching subscriber who confirmed before the release went
    live; only the first task to get here does (the others find the alert sending)."""
    facts = release_facts(versions)
    live_since = versions[0].publish_at
    with transaction.atomic():
        started = ReleaseAlert.objects.filter(
            pk=alert.pk, status=ReleaseAlert.Status.SCHEDULED
        ).update(status=ReleaseAlert.Status.SENDING, started_at=timezone.now())
        if not started:
            return
        subscribers = Subscriber.objects.filter(confirmed_at__lte=live_since).values_list(
            "pk", "filters"
        )
        recipients = [pk for pk, filters in subscribers.iterator(2000) if matches(filters, facts)]
        Delivery.objects.bulk_create(
            (Delivery(alert=alert, subscriber_id=pk) for pk in recipients), batch_size=1000
        )
        ReleaseAlert.objects.filter(pk=alert.pk).update(recipients=len(recipients))
        senders = min(MAX_SENDERS, math.ceil(len(recipients) / RECIPIENTS_PER_SENDER))
        for _ in range(senders - 1):
            transaction.on_commit(lambda: queue_sending(alert.pk))
    alert.status = ReleaseAlert.Status.SENDING


def claimable(alert, now=None):
    now = now or timezone.now()
    return alert.deliveries.filter(status=Delivery.Status.PENDING).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(alert, size):
    """Up to `size` deliveries for this worker alone until its lease ends. The UPDATE checks
    again that each row is free, so of two workers racing for a row only one gets it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    ids = list(claimable(alert, now).values_list("pk", flat=True)[:size])
    claimable(alert, now).filter(pk__in=ids).update(
        claimed_by=token,
        claimed_until=now + timedelta(seconds=settings.ALERTS_LEASE_SECONDS),
    )
    batch = Delivery.objects.filter(claimed_by=token).select_related("subscriber")
    return token, list(batch)


def retry_later(alert):
    """The mail server failed: the next run waits a while, longer each time; in the end the
    rest is given up."""
    if alert.retries >= len(RETRY_DELAYS):
        logger.error("Alert %s: the mail server kept failing; the rest is not sent.", alert.pk)
        claimable(alert).update(status=Delivery.Status.FAILED, error="mail server unreachable")
        return
    ReleaseAlert.objects.filter(pk=alert.pk).update(
        retries=alert.retries + 1,
        retry_at=timezone.now() + timedelta(seconds=RETRY_DELAYS[alert.retries]),
    )


def finish(alert):
    """Every delivery is sent or has failed: keep the counts, drop the rows."""
    counts = dict(
        alert.deliveries.values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    with transaction.atomic():
        ReleaseAlert.objects.filter(pk=alert.pk, status=ReleaseAlert.Status.SENDING).update(
            status=ReleaseAlert.Status.SENT,
            finished_at=timezone.now(),
            sent=counts.get(Delivery.Status.SENT, 0),
            failed=counts.get(Delivery.Status.FAILED, 0),
        )
        alert.deliveries.all().delete()


class Sender:
    """Sends an alert's deliveries, batch after batch, over one connection to the mail server."""

    def __init__(self, alert, versions):
        self.alert = alert
        self.versions = versions
        self.contacts = {}  # release id: its press contacts

    def send_batches(self):
        """Claim and send batches until none is left: "done", "stopped" (the release is no
        longer live) or "unreachable" (the mail server failed; the claims are released)."""
        connection = mailers.default
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Alert %s: cannot reach the mail server: %s", self.alert.pk, error)
            return "unreachable"
        try:
            while True:
                if not story_versions(self.alert.story).live().exists():
                    return "stopped"
                token, batch = claim(self.alert, settings.ALERTS_BATCH)
                if not batch:
                    return "done"
                sent = self.send_batch(connection, token, batch)
                # What is left of the batch is free for the next claim, this worker's or not.
                Delivery.objects.filter(claimed_by=token, status=Delivery.Status.PENDING).update(
                    claimed_by="", claimed_until=None
                )
                if not sent:
                    return "unreachable"
                if self.alert.retries:
                    ReleaseAlert.objects.filter(pk=self.alert.pk).update(retries=0, retry_at=None)
                    self.alert.retries = 0
        finally:
            try:
                connection.close()
            except (OSError, smtplib.SMTPException):
                pass

    def send_batch(self, connection, token, batch):
        """Send the batch while the lease lasts; False if the mail server failed."""
        # Nothing is handed to the server after this, so that no message is still being sent
        # when the lease ends and another worker may claim its row: a message is a few
        # exchanges with the server, each of which may take up to MAIL_SERVER_TIMEOUT.
        lease = settings.ALERTS_LEASE_SECONDS
        deadline = time.monotonic() + lease - 3 * settings.MAIL_SERVER_TIMEOUT
        for delivery in batch:
            if time.monotonic() > deadline:
                return True
            mine = Delivery.objects.filter(pk=delivery.pk, claimed_by=token)
            try:
                connection.send_messages([self.message(delivery.subscriber)])
            except smtplib.SMTPRecipientsRefused as refused:
                code, reason = next(iter(refused.recipients.values()))
                self.refused(mine, delivery, code, reason)
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                if error.smtp_code < 500:
                    return False
                self.refused(mine, delivery, error.smtp_code, error.smtp_error)
            except (OSError, smtplib.SMTPException) as error:
                logger.warning("Alert %s: the mail server failed: %s", self.alert.pk, error)
                return False
            else:
                mine.update(status=Delivery.Status.SENT, sent_at=timezone.now())
        return True

    @staticmethod
    def refused(mine, delivery, code, reason):
        """A recipient the server refused: for good (5xx), or for now (4xx: tried again
        later, a few times)."""
        reason = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        error = f"{code} {reason}"[:300]
        if code >= 500 or delivery.attempts + 1 >= MAX_ATTEMPTS:
            mine.update(status=Delivery.Status.FAILED, error=error)
        else:
            mine.update(
                attempts=delivery.attempts + 1,
                error=error,
                claimed_by="",
                claimed_until=timezone.now() + REFUSED_RETRY_DELAY,
            )

    def version_for(self, subscriber):
        """The live version in the subscriber's language, else in a language their filters
        take, else the first to go live."""
        by_language = {version.language: version for version in reversed(self.versions)}
        for language in [subscriber.language, *subscriber.filters.get("language", [])]:
            if language in by_language:
                return by_language[language]
        return self.versions[0]

    def message(self, subscriber):
        release = self.version_for(subscriber)
        if release.pk not in self.contacts:
            self.contacts[release.pk] = [link.contact for link in release.release_contacts.all()]
        with translation.override(subscriber.language):  # its links lead to pages in it too
            unsubscribe = settings.SITE_URL + reverse(
                "subscriptions:unsubscribe", args=[subscriber.token]
            )
            context = {
                "release": release,
                "release_url": settings.SITE_URL + release.get_absolute_url(),
                "contacts": self.contacts[release.pk],
                "manage_url": settings.SITE_URL + subscriber.get_absolute_url(),
                "unsubscribe_url": unsubscribe,
                "site_name": lazy_site_name(),
            }
        domain = list_domain()
        return composed(
            "alert",
            context,
            subscriber.email,
            subscriber.language,
            {
                # One-click unsubscribe (RFC 8058): mail programs POST to the link.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{settings.SITE_SHORT_NAME} news alerts <alerts.{domain}>",
                # The same if it is sent again after a worker died: a duplicate to drop.
                "Message-ID": f"<alert.{self.alert.pk}.{subscriber.pk}@{domain}>",
            },
        )


def list_domain():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def alert_summary(release):
    """For editors, on the release's admin page: whether its alert went out, to how many
    subscribers, and when."""
    if release.pk is None:
        return _("Sent when the release goes live, to the subscribers whose filters match.")
    alert = ReleaseAlert.objects.filter(
        story=story_of(release.pk, release.translation_of_id)
    ).first()
    if alert is None:
        fresh = release.publish_at and release.publish_at >= timezone.now() - FRESH_FOR
        if release.status == Status.PUBLISHED and fresh:
            return _("Being prepared by the task worker.")
        return _(
            "None sent. Releases are mailed when they go live, if their “publish at” is "
            "less than a day old then."
        )
    if alert.status == ReleaseAlert.Status.SCHEDULED:
        return _("Will be sent when the release goes live.")
    when = date_format(timezone.localtime(alert.started_at), "DATETIME_FORMAT")
    if alert.status == ReleaseAlert.Status.SENDING:
        sent = alert.deliveries.filter(status=Delivery.Status.SENT).count()
        return _("Sending since %(when)s: %(sent)s of %(recipients)s sent.") % {
            "when": when,
            "sent": sent,
            "recipients": alert.recipients,
        }
    text = _("Sent to %(sent)s subscribers, %(when)s to %(end)s.") % {
        "sent": alert.sent,
        "when": when,
        "end": date_format(timezone.localtime(alert.finished_at), "TIME_FORMAT"),
    }
    if alert.failed:
        text += " " + _("%(failed)s could not be delivered.") % {"failed": alert.failed}
    if alert.release_id != release.pk:
        text += " " + _("(one alert for every language version)")
    return text
