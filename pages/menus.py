from .models import Page
from .publishing import cached_while_unchanged


def main_menu():
    """The main menu from the page tree: one query when it is built, none while cached."""
    return cached_while_unchanged("main-menu", Page.objects.menu, Page.objects.all())
