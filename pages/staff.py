"""What each staff member sets for themselves: for now, the time zone the dashboard shows
times in (the site's, TIME_ZONE, until they choose another)."""

import zoneinfo
from functools import cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class StaffPreferences(models.Model):
    changes_public_content = False

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="staff_preferences",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        help_text=_("Times on your dashboard are shown in this zone, e.g. Europe/Paris."),
    )

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return str(self.user)


def time_zone_of(user):
    """The zone `user` chose, or the site's."""
    chosen = StaffPreferences.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return zoneinfo.ZoneInfo(chosen or settings.TIME_ZONE)
