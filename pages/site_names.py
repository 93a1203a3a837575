"""The organization's names (settings.SITE_NAME, SITE_SHORT_NAME) in the active language.

Their defaults are in the catalogues ("OIM", "Organisation internationale pour les
migrations"); a name set in the environment is shown as it is set.
"""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext


def _translated(name):
    return gettext(name) if name else name  # gettext("") is the catalogue's header


def site_name():
    return _translated(settings.SITE_NAME)


def site_short_name():
    return _translated(settings.SITE_SHORT_NAME)


# For what is built in one language and rendered in another (an email, in its reader's).
lazy_site_name = lazy(site_name, str)
