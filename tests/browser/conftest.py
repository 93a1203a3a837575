"""Browser tests: Playwright drives Debian's Chromium (never a browser Playwright downloads)."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command, get_commands

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every wait is bounded: a broken page fails in seconds, not at the CI timeout.
TIMEOUT_MS = 10_000


def chromium_path():
    candidates = [os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    path = chromium_path()
    if path is None:
        pytest.skip("No Chromium binary: `apt-get install chromium` (as .ci/run does) to run these")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # in between are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings, django_db_serialized_rollback):
    """The live site over plain HTTP; the countries loaded by a migration survive each test."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts: each one is a separate visitor with no cookies."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def staff_user(username, role, permissions):
    """A member of the role's group when `setup_roles` exists; else staff with `permissions`
    (app_label.codename), or a superuser when `permissions` is None."""
    if "setup_roles" in get_commands():
        call_command("setup_roles", verbosity=0)
        user = User.objects.create_user(username, password="pass", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user
    if permissions is None:
        return User.objects.create_superuser(username, f"{username}@iom.int", "pass")
    from tests.factories import make_staff_user

    return make_staff_user(*permissions, username=username)


def log_in(page, site, user):
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def choose(page, select_id, search, option_text):
    """Pick a value in one of the admin's autocomplete (select2) fields."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search)
    page.click(f".select2-results__option:has-text('{option_text}')")


def fill_textarea(page, name, value):
    """Write into a textarea even when a rich-text editor hides it."""
    page.eval_on_selector(
        f"textarea[name={name}]",
        "(el, value) => { el.value = value; el.dispatchEvent(new Event('input')); }",
        value,
    )
