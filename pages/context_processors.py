from django.utils.functional import SimpleLazyObject

from .content_version import content_version, seconds_until_next_scheduled_change
from .menus import main_menu
from .site_names import site_name, site_short_name


def site(request):
    # The menu is passed as a callable so that views which never show it never build it.
    return {
        "main_menu": main_menu,
        # For {% cache %} keys of fragments that show content: read once per page, if at all.
        "content_version": SimpleLazyObject(content_version),
        # ... and how long they stay true if time can change them (a scheduled page).
        "fragment_seconds": seconds_until_next_scheduled_change,
        "site_name": site_name(),
        "site_short_name": site_short_name(),
    }
