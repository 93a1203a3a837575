"""The one publishing rule every model, list, feed, sitemap, search and cache key uses.

live = published and publish_at <= now and (no unpublish_at or unpublish_at > now)

Scheduled publishing and expiry are therefore a matter of time passing: no cron job.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class State(models.TextChoices):
    """What the public sees, derived from status and the publishing window."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    EXPIRED = "expired", _("Expired")


class PublishableQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now).filter(
            models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now)
        )

    def publish(self, user=None):
        """Publish now; an existing future publish_at (an embargo) is kept."""
        now = timezone.now()
        self.filter(publish_at__isnull=True).update(publish_at=now)
        return self.update(status=Status.PUBLISHED, updated_at=now, updated_by=user)

    def unpublish(self, user=None):
        return self.update(status=Status.DRAFT, updated_at=timezone.now(), updated_by=user)


class Publishable(models.Model):
    """Status, publishing window and who changed it when: shared by pages and releases."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Drafts are never shown to the public, whatever the dates below say."),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Goes live at this time. Leave empty to publish immediately when the status is "
            "Published. A future time is an embargo: it goes live on its own at that time."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Optional. Taken off the public site at this time, e.g. an expired appeal."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_publish_at()
        super().save(*args, **kwargs)

    def fill_publish_at(self):
        """Published without a time means published now; bulk_create() callers call this."""
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()

    def state_at(self, now):
        if self.status != Status.PUBLISHED:
            return State.DRAFT
        if self.publish_at and self.publish_at > now:
            return State.SCHEDULED
        if self.unpublish_at and self.unpublish_at <= now:
            return State.EXPIRED
        return State.LIVE

    @property
    def state(self):
        return State(self.state_at(timezone.now()))

    @property
    def is_live(self):
        return self.state == State.LIVE
