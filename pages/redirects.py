"""Old addresses of published items keep working: a 301 to where the item lives now.

A redirect points at the item, not at a path, so renaming twice never makes a chain, and it
is looked up only when a request would otherwise answer 404.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from iomsite.languages import address_in, without_language_prefix


class SlugRedirect(models.Model):
    old_path = models.CharField(
        _("old address"), max_length=500, unique=True, help_text=_("e.g. /news/old-slug/")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect from an old address")
        verbose_name_plural = _("redirects from old addresses")

    def __str__(self):
        return self.old_path


def live_url_in_db(item):
    """Where the public reaches the item before a save changes it; None if it is not live."""
    if item.pk is None:
        return None
    saved = type(item).objects.live().filter(pk=item.pk).first()
    return canonical_url(saved) if saved else None


def canonical_url(item):
    """The item's address without a language prefix that the staff member's admin language
    would add: redirects are kept for that address and followed in every language."""
    return address_in(item, settings.LANGUAGE_CODE)


def record_moves(moves):
    """Remember old addresses after items moved: `moves` holds (old live URL or None, item).

    An item that later takes an old address back simply answers there: redirects are only
    looked at when nothing answers."""
    moved = {
        old_url: item
        for old_url, item in moves
        if old_url is not None and old_url != canonical_url(item)
    }
    if not moved:
        return
    SlugRedirect.objects.filter(old_path__in=moved).delete()
    SlugRedirect.objects.bulk_create(
        SlugRedirect(
            old_path=old_url,
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
        )
        for old_url, item in moved.items()
    )


def redirect_target(path):
    """The current address of the live item that used to be at `path`, or None; in the
    language of `path` (redirects are kept for addresses without a language prefix)."""
    old_path = without_language_prefix(path)
    redirect = SlugRedirect.objects.filter(old_path=old_path).select_related("content_type")
    redirect = redirect.first()
    if redirect is None:
        return None
    model = redirect.content_type.model_class()
    item = model and model._default_manager.live().filter(pk=redirect.object_id).first()
    if item is None or item.get_absolute_url() == path:
        return None
    return item.get_absolute_url()
