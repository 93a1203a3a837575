from django.core.cache import cache

from .models import Page
from .publishing import content_version, seconds_until_next_scheduled_change


def main_menu():
    """The main menu from the page tree: one query when it is built, none while cached."""
    key = f"main-menu:{content_version()}"
    menu = cache.get(key)
    if menu is None:
        menu = Page.objects.menu()
        cache.set(key, menu, seconds_until_next_scheduled_change())
    return menu
