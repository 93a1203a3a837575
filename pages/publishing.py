"""The one publishing rule every model, list, feed, sitemap, search and cache key uses.

live = published and publish_at <= now and (no unpublish_at or unpublish_at > now)

Scheduled publishing and expiry are therefore a matter of time passing: no cron job.
"""

import time

from asgiref.local import Local
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

CONTENT_VERSION_KEY = "content-version"


# A request reads the version once and renders everything under it; outside requests
# (commands, shells) it is read afresh every time.
_request = Local()


def _start_request(**kwargs):
    _request.version = None
    _request.active = True
    _request.started_at = timezone.now()


def _end_request(**kwargs):
    _request.version = None
    _request.active = False


request_started.connect(_start_request, dispatch_uid="content-version-start")
request_finished.connect(_end_request, dispatch_uid="content-version-end")


def request_time():
    """When the current request began (outside requests: now). What a request shows is true
    as of then, since its querysets take the time when they are built: how long it may be
    cached is counted from then, so a release going live during the request is not missed."""
    if getattr(_request, "active", False):
        return _request.started_at
    return timezone.now()


def content_version():
    """A number that changes whenever public content changes, for cache keys."""
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    version = _shared_version()
    if version is None:
        version = timezone.now().timestamp()
        if cache.add(CONTENT_VERSION_KEY, version, timeout=None):
            _announce(version)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def content_changed():
    """Invalidate cached fragments that show content, on every app server sharing the cache.

    Once now and once more when the transaction commits: a page rendered from the data as it
    was before the commit must not be cached under the new version.
    """
    _new_content_version()
    transaction.on_commit(_new_content_version)


def _new_content_version():
    version = timezone.now().timestamp()
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    _announce(version)
    if getattr(_request, "active", False):
        _request.version = version


def _shared_version():
    """The version in the shared cache: on Redis, this process's copy of it, which every
    change is announced to (iomsite/redis_cache.py), rather than a round trip per request."""
    watched = getattr(cache, "watched", None)
    version = watched(CONTENT_VERSION_KEY) if watched else None
    return cache.get(CONTENT_VERSION_KEY) if version is None else version


def _announce(version):
    announce = getattr(cache, "announce", None)
    if announce:
        announce(CONTENT_VERSION_KEY, version)


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
        count = self.update(status=Status.PUBLISHED, updated_at=now, updated_by=user)
        content_changed()
        return count

    def unpublish(self, user=None):
        count = self.update(status=Status.DRAFT, updated_at=timezone.now(), updated_by=user)
        content_changed()
        return count


class ChangesContent(models.Model):
    """Saving or deleting a record changes what the public site shows: drop cached views."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


class Publishable(ChangesContent):
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


def next_change_at(queryset, now=None):
    """When the next item of the queryset goes live or expires on its own, or None.

    Two index-friendly LIMIT 1 queries rather than one aggregate over every published row.
    """
    now = now or timezone.now()
    published = queryset.filter(status=Status.PUBLISHED).order_by()
    moments = [
        published.filter(**{f"{field}__gt": now})
        .order_by(field)
        .values_list(field, flat=True)
        .first()
        for field in ("publish_at", "unpublish_at")
    ]
    return min((moment for moment in moments if moment is not None), default=None)


def seconds_until_next_change(queryset, now=None, longest=300):
    """How long a cached view of the queryset stays true: until the next scheduled change."""
    now = now or timezone.now()
    moment = next_change_at(queryset, now)
    if moment is None:
        return longest
    return max(1, min(longest, int((moment - now).total_seconds()) + 1))


def next_scheduled_change(now=None):
    """The next moment anything publishable goes live or expires (None if nothing is planned),
    worked out once per content version and again only when that moment has passed."""
    now = now or timezone.now()
    key = f"next-scheduled-change:{content_version()}"
    found, moment = _cached(key, now.timestamp())
    if found:
        return moment
    publishable = [model for model in apps.get_models() if issubclass(model, Publishable)]
    moments = [next_change_at(model._default_manager.all(), now) for model in publishable]
    moment = min((moment for moment in moments if moment is not None), default=None)
    expires = moment.timestamp() if moment else float("inf")
    _store(key, moment, expires, timeout=24 * 3600)
    return moment


def seconds_until_next_scheduled_change(now=None, longest=300):
    """How long anything cached that shows published content stays true, in whole seconds
    (cache backends want them), never past the next scheduled change."""
    now = now or request_time()
    moment = next_scheduled_change(now)
    if moment is None:
        return longest
    return max(1, min(longest, int((moment - now).total_seconds())))


def cached_until_change(key, compute, longest=3600, in_process=True):
    """compute(), shared through the cache until content changes or time changes it (the
    next scheduled publish or expiry), e.g. a list's count or the ids on one of its pages.
    Also kept in this process unless in_process is False (values too many or too large)."""
    now = request_time()
    key = f"until-change:{content_version()}:{key}"
    found, value = _cached(key, now.timestamp(), in_process)
    if found:
        return value
    building = f"building:{key}"
    # After an edit every app server misses at once: one builds (the newsroom's counts take a
    # second at 100,000 releases), the others wait a little for its result.
    claimed = cache.add(building, 1, timeout=BUILD_LOCK_SECONDS)
    if not claimed:
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            found, value = _cached(key, now.timestamp(), in_process)
            if found:
                return value
    try:
        value = compute()
        seconds = seconds_until_next_scheduled_change(now, longest=longest)
        _store(key, value, now.timestamp() + seconds, seconds, in_process)
    finally:
        if claimed:
            cache.delete(building)
    return value


# How long a request waits for another process building the same value, and how long that
# claim lasts if its process dies.
BUILD_WAIT_SECONDS = 2
BUILD_LOCK_SECONDS = 10

# What _cached() found in the shared cache, kept in this process too: a hit then costs no
# round trip and no unpickling. Every key holds the content version, which each request reads
# from the shared cache, so an edit on any server makes these entries unreachable at once.
# The values are shared by requests and must not be changed by their readers.
_in_process = {}
IN_PROCESS_ENTRIES = 2000


def _cached(key, now, in_process=True):
    """(True, value) while the entry stored under key has not expired, else (False, None)."""
    entry = _in_process.get(key) if in_process else None
    if entry is None or entry[1] <= now:
        entry = cache.get(key)
        if entry is None or entry[1] <= now:
            return False, None
        if in_process:
            _remember(key, entry)
    return True, entry[0]


def _store(key, value, expires, timeout, in_process=True):
    entry = (value, expires)
    cache.set(key, entry, timeout)
    if in_process:
        _remember(key, entry)


def _remember(key, entry):
    if len(_in_process) >= IN_PROCESS_ENTRIES:
        _in_process.pop(next(iter(_in_process)))  # the oldest: dicts keep insertion order
    _in_process[key] = entry


def may_preview(request, model):
    """Staff who may edit `model` see its items in any state (the admin's "view on site" is
    their preview)."""
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def visible_to(request, queryset):
    """Live items for the public; everything for staff who may edit them."""
    return queryset if may_preview(request, queryset.model) else queryset.live()


def mark_private(response):
    """Never cached by a browser, proxy or CDN, never indexed: previews and embargoed releases."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def mark_preview(response, item):
    """A page that is not live yet must never be cached or indexed by anyone."""
    if not item.is_live:
        mark_private(response)
    return response
