from django.conf import settings

from .menus import main_menu


def site(request):
    # The menu is passed as a callable so that views which never show it never build it.
    return {
        "main_menu": main_menu,
        "site_name": settings.SITE_NAME,
        "site_short_name": settings.SITE_SHORT_NAME,
    }
