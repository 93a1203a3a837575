from .content_version import cached_until_change
from .models import Page


def main_menu():
    """The main menu from the page tree: one query when it is built, none while cached."""
    return cached_until_change("main-menu", Page.objects.menu)
