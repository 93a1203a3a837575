"""Past one machine: two app servers side by side, one PostgreSQL, one Redis.

An editor publishes, unpublishes and deletes in bulk through server A's admin, and a third
process edits and unpublishes through the ORM; server B, whose pages are cached, serves each
change on the next request.

    python bench/two_servers.py [DATABASE_URL] [REDIS_URL]

Defaults: postgres://postgres@127.0.0.1:5432/iomsite_scale_multi (created if missing) and
redis://127.0.0.1:6379/5. Exits non-zero when B serves something stale. tests/site/
test_two_servers.py runs the same check on the test database under PostgreSQL.
"""

import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.servers import FORWARDED, Gunicorn, manage, production_env  # noqa: E402

PORTS = (8771, 8772)


class Browser:
    """Just enough of a browser for the admin: cookies (secure ones too, since the load
    balancer speaks HTTPS to people), CSRF token, Origin."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, path, form=None):
        headers = {**FORWARDED, "Origin": self.base_url.replace("http://", "https://")}
        headers["Referer"] = headers["Origin"] + path
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return response.status, response.read().decode()

    def csrf_token(self, path):
        status, page = self.request(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def log_in(self, username, password):
        token = self.csrf_token("/admin/login/")
        status, _ = self.request(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if status != 302:
            raise AssertionError(f"could not log in to {self.base_url} ({status})")

    def admin_action(self, action, release):
        token = self.csrf_token("/admin/news/release/")
        form = {"csrfmiddlewaretoken": token, "action": action, "_selected_action": release.pk}
        if action == "delete_selected":
            form["post"] = "yes"  # the confirmation page's answer
        status, _ = self.request("/admin/news/release/", form)
        if status != 302:
            raise AssertionError(f"{action} through {self.base_url} answered {status}")
        # The change is announced to the other server's copy of the content version, which
        # its watcher thread takes in within milliseconds: not always before this process's
        # very next request when the machine is busy. A person's next click comes later.
        time.sleep(ANNOUNCEMENT_SECONDS)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Longer than it takes an announced change to reach another server's copy under load.
ANNOUNCEMENT_SECONDS = 0.1


def newsroom(server):
    """The newsroom's HTML and when it was rendered (a cached copy keeps its Last-Modified)."""
    request = urllib.request.Request(server.url + "/news/", headers=FORWARDED)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode(), response.headers.get("Last-Modified")


# Where a release is listed besides the newsroom: the edited draft's title has "third".
LISTS = (
    "/search/?q=third",
    "/news/feed/",
    "/news/feed/atom/",
    "/sitemap-releases.xml",
    "/api/releases/",
)


def body_of(server, path):
    """The body of `path`, asked twice so that the second answer is the cached page."""
    for _ in range(2):
        request = urllib.request.Request(server.url + path, headers=FORWARDED)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read().decode()
    return body


def status_of(server, path):
    """The status of `path`, asked twice so that the second answer is the cached page."""
    for _ in range(2):
        try:
            with urllib.request.urlopen(
                urllib.request.Request(server.url + path, headers=FORWARDED), timeout=30
            ) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    return status


def expect(condition, message):
    print(("ok    " if condition else "FAIL  ") + message, flush=True)
    if not condition:
        raise AssertionError(message)


def check_two_servers(database_url, redis_url):
    """Run the check against a migrated database that this process's ORM also uses, and a
    cache that this process shares with the servers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from news.models import Release
    from pages.publishing import Status

    password = secrets.token_urlsafe(16)
    User = get_user_model()
    User.objects.filter(username="two-servers-editor").delete()
    editor = User.objects.create_superuser("two-servers-editor", "editor@example.org")
    # Hashed as the servers' settings expect, whatever hasher this process is set up with.
    editor.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    editor.save(update_fields=["password"])
    Release.objects.filter(slug__startswith="two-servers-").delete()
    original = Release.objects.create(
        title="Two servers: original title", slug="two-servers-original", body="<p>Body.</p>",
        status=Status.PUBLISHED,
    )  # fmt: skip
    draft = Release.objects.create(
        title="Two servers: draft", slug="two-servers-draft", body="<p>Body.</p>"
    )

    env = production_env(database_url, redis_url, PAGE_CACHE="1")
    manage(env, "collectstatic", "--noinput", "-v", "0")  # production pages link hashed files
    with Gunicorn("iomsite.wsgi:application", PORTS[0], env, workers=1) as server_a:
        with Gunicorn("iomsite.wsgi:application", PORTS[1], env, workers=1) as server_b:
            page, rendered_at = newsroom(server_b)
            expect(original.title in page and draft.title not in page, "B shows what is live")
            time.sleep(1.1)  # Last-Modified counts whole seconds
            expect(newsroom(server_b)[1] == rendered_at, "B serves its newsroom from the cache")

            editor = Browser(server_a.url)
            editor.log_in("two-servers-editor", password)
            editor.admin_action("publish", draft)
            expect(draft.title in newsroom(server_b)[0], "published through A: B shows it")

            editor.admin_action("unpublish", original)
            page = newsroom(server_b)[0]
            expect(original.title not in page, "unpublished through A: B drops it")

            draft.refresh_from_db()
            draft.title = "Two servers: edited by a third process"
            draft.save()
            time.sleep(ANNOUNCEMENT_SECONDS)  # as after an admin action
            expect(draft.title in newsroom(server_b)[0], "edited elsewhere: B shows the edit")
            expect(draft.title in newsroom(server_a)[0], "and so does A")

            address = f"/news/{draft.slug}/"
            expect(status_of(server_b, address) == 200, "B serves the release page")
            expect(
                all(address in body_of(server_b, path) for path in LISTS),
                "and lists it in search, feeds, sitemap and API",
            )
            editor.admin_action("delete_selected", draft)
            expect(status_of(server_b, address) == 404, "deleted in bulk through A: B answers 404")
            expect(draft.title not in newsroom(server_b)[0], "and drops it from the newsroom")
            expect(
                not any(address in body_of(server_b, path) for path in LISTS),
                "and from search, feeds, sitemap and API",
            )

            shell = Release.objects.create(
                title="Two servers: taken down from a shell", slug="two-servers-shell",
                body="<p>Body.</p>", status=Status.PUBLISHED,
            )  # fmt: skip
            time.sleep(ANNOUNCEMENT_SECONDS)
            expect(status_of(server_b, f"/news/{shell.slug}/") == 200, "B serves another one")
            Release.objects.filter(pk=shell.pk).update(status=Status.DRAFT)
            time.sleep(ANNOUNCEMENT_SECONDS)
            expect(
                status_of(server_b, f"/news/{shell.slug}/") == 404,
                "a queryset update elsewhere: B answers 404",
            )
    User.objects.filter(username="two-servers-editor").delete()
    Release.objects.filter(slug__startswith="two-servers-").delete()


def main():
    database_url = (sys.argv[1:2] or ["postgres://postgres@127.0.0.1:5432/iomsite_scale_multi"])[0]
    redis_url = (sys.argv[2:3] or ["redis://127.0.0.1:6379/5"])[0]
    os.environ.update(production_env(database_url, redis_url))
    import django
    import psycopg2
    from django.core.management import call_command

    parts = urllib.parse.urlsplit(database_url)
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path[1:]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{parts.path[1:]}"')
    admin.close()
    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    check_two_servers(database_url, redis_url)
    print("Two app servers share PostgreSQL and Redis: every change showed on the other at once.")


if __name__ == "__main__":
    main()
