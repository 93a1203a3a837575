"""The review workflow of pages and releases: an editor submits an item for review, a
publisher approves it (publishing it now or at a time) or asks for changes, and every step,
with who and when, is kept as a ReviewEvent.

The rules are here, called by the admin (pages/review_admin.py); each step emails the people
it concerns through the task worker (pages/tasks.py). Neither model is public content.
"""

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .publishing import State, Status


class Review(models.Model):
    """Where an item stands in its review; one row per item, kept once approved."""

    changes_public_content = False

    class Stage(models.TextChoices):
        IN_REVIEW = "in-review", _("In review")
        CHANGES_REQUESTED = "changes-requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publisher asked"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: any publisher."),
    )
    message = models.TextField(_("message"), blank=True)
    # The version the reviewer compares with: as submitted, or as it was when they asked
    # for changes, so that they see what was changed since.
    base_version = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_review_per_item"
            )
        ]
        indexes = [models.Index(fields=["stage", "submitted_at"], name="review_stage_idx")]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return self.get_stage_display()


class ReviewEvent(models.Model):
    """One step of an item's life in the newsroom: submitted, approved, changes requested,
    published, unpublished or scheduled, by whom and when."""

    changes_public_content = False

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes-requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        SCHEDULED = "scheduled", _("Scheduled")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    # Its title then: the log still reads once the item is renamed or deleted.
    object_repr = models.CharField(_("item"), max_length=255)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    message = models.TextField(_("message"), blank=True)
    goes_live_at = models.DateTimeField(_("goes live at"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="event_item_idx")]
        verbose_name = _("publishing log entry")
        verbose_name_plural = _("publishing log")

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"


def may_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def may_edit(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def publishers(model):
    """Active staff who may publish items of `model`: the holders of the permission, or the
    superusers when nobody holds it."""
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(model),
        codename=f"publish_{model._meta.model_name}",
    )
    staff = get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")
    holders = staff.filter(Q(user_permissions=permission) | Q(groups__permissions=permission))
    return holders.distinct() if holders.exists() else staff.filter(is_superuser=True)


def review_of(item):
    return Review.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).first()


def in_review(model):
    """An Exists() for annotating a queryset of `model` with whether each item is in review."""
    return Exists(
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            stage=Review.Stage.IN_REVIEW,
        )
    )


def latest_version(item):
    return Version.objects.get_for_object(item).first()


def events_of(item):
    return ReviewEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("user")


def record(item, action, user, message="", goes_live_at=None):
    event = ReviewEvent.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        object_repr=str(getattr(item, "title", item))[:255],
        action=action,
        user=user,
        message=message,
        goes_live_at=goes_live_at,
    )
    if action in NOTIFIED:
        from .tasks import send_review_email  # which reads these models

        transaction.on_commit(lambda: send_review_email.enqueue(event.pk))
    return event


# The steps that email someone: publishers of a submission, the author of the answer.
NOTIFIED = {
    ReviewEvent.Action.SUBMITTED,
    ReviewEvent.Action.APPROVED,
    ReviewEvent.Action.CHANGES_REQUESTED,
}


@transaction.atomic
def submit(item, user, reviewer=None, message=""):
    if not may_edit(user, type(item)):
        raise PermissionDenied
    review = review_of(item)
    if review is None:
        review = Review(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)
    if review.stage != Review.Stage.CHANGES_REQUESTED:
        # A new submission is compared with itself; a resubmission with what was reviewed.
        review.base_version = latest_version(item)
    review.stage = Review.Stage.IN_REVIEW
    review.submitted_by, review.submitted_at = user, timezone.now()
    review.reviewer, review.message = reviewer, message
    review.save()
    return record(item, ReviewEvent.Action.SUBMITTED, user, message)


def _open_review(item, user):
    """The item's review, if it waits for one and `user` may decide it."""
    if not may_publish(user, type(item)):
        raise PermissionDenied
    review = review_of(item)
    if review is None or review.stage != Review.Stage.IN_REVIEW:
        raise PermissionDenied
    return review


@transaction.atomic
def approve(item, user, goes_live_at=None, message=""):
    """Publish now, or at `goes_live_at` (an embargo), and tell the author."""
    review = _open_review(item, user)
    now = timezone.now()
    when = goes_live_at if goes_live_at and goes_live_at > now else now
    model = type(item)
    model._default_manager.filter(pk=item.pk).update(
        status=Status.PUBLISHED, publish_at=when, updated_at=now, updated_by=user
    )
    item.refresh_from_db()
    with reversion.create_revision():
        reversion.add_to_revision(item)
        reversion.set_user(user)
        reversion.set_comment(str(_("Approved and published.")))
    review.stage = Review.Stage.APPROVED
    review.save(update_fields=["stage"])
    event = record(item, ReviewEvent.Action.APPROVED, user, message, goes_live_at=when)
    record_state(item, user)
    return event


@transaction.atomic
def request_changes(item, user, message):
    review = _open_review(item, user)
    review.stage = Review.Stage.CHANGES_REQUESTED
    review.base_version = latest_version(item)
    review.save(update_fields=["stage", "base_version"])
    return record(item, ReviewEvent.Action.CHANGES_REQUESTED, user, message)


def record_state(item, user, before=None):
    """Log a change of what the public sees of `item` (published, scheduled, unpublished)
    since `before`, its (status, publish_at) then; approving an item closes its review."""
    if before == (item.status, item.publish_at):
        return
    state = item.state
    if state == State.SCHEDULED:
        record(item, ReviewEvent.Action.SCHEDULED, user, goes_live_at=item.publish_at)
    elif state == State.LIVE and (before is None or before[0] != Status.PUBLISHED):
        record(item, ReviewEvent.Action.PUBLISHED, user, goes_live_at=item.publish_at)
    elif item.status == Status.DRAFT and before and before[0] == Status.PUBLISHED:
        record(item, ReviewEvent.Action.UNPUBLISHED, user)
    else:
        return
    if item.status == Status.PUBLISHED:
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            stage=Review.Stage.IN_REVIEW,
        ).update(stage=Review.Stage.APPROVED)


def states_of(queryset):
    """{pk: (status, publish_at)}: what record_states compares with after a bulk change."""
    return {
        pk: (status, at) for pk, status, at in queryset.values_list("pk", "status", "publish_at")
    }


def record_states(queryset, user, before):
    for item in queryset:
        record_state(item, user, before.get(item.pk))
