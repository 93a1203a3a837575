"""The admin's home: the dashboard's panels, their query budget, and the index by task."""

import html
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from news.models import Release
from pages.publishing import Status
from pages.review import Review
from pages.staff import StaffPreferences
from tests.factories import in_hours, make_embargo_link, make_page, make_release

pytestmark = pytest.mark.django_db

ALL_SECTIONS = ["Newsroom", "Website", "Directory", "Journalists", "Administration"]


def member(role, username="ed"):
    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user(username, f"{username}@iom.int", "pass", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def sections(response):
    return [app["name"] for app in response.context["app_list"]]


def models_of(response, section):
    app = next(app for app in response.context["app_list"] if app["name"] == section)
    return [model["object_name"] for model in app["models"]]


def panel(response, name):
    """The text of one dashboard panel."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="panel-{name}">(.*?)</section>', response.text, re.S
    )
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1]))) if match else None


def test_a_superuser_sees_every_section_grouped_by_task(staff_client):
    response = staff_client.get("/admin/")
    assert sections(response) == ALL_SECTIONS
    assert models_of(response, "Newsroom") == ["Release", "Tag", "ReviewEvent"]
    assert models_of(response, "Administration")[:2] == ["User", "Group"]
    administration = response.context["app_list"][-1]["models"]
    assert {"Sign-in attempts", "Two-factor devices"} <= {model["name"] for model in administration}
    # The sidebar of every other page lists the same sections.
    assert sections(staff_client.get("/admin/news/release/")) == ALL_SECTIONS


def test_an_editor_sees_only_the_sections_they_can_use():
    response = client_of(member("Editors")).get("/admin/")
    assert sections(response) == ["Newsroom", "Website", "Directory"]
    assert models_of(response, "Website") == ["Page", "PageTranslation", "Image"]
    assert "Subscribers" not in response.text and "Users" not in response.text


def test_an_app_page_still_lists_its_own_models(staff_client):
    response = staff_client.get("/admin/news/")
    assert [model["object_name"] for model in response.context["app_list"][0]["models"]] == [
        "Release",
        "Subscriber",
    ]


def in_review(release, author):
    return Review.objects.create(
        item=release, stage=Review.Stage.IN_REVIEW, submitted_by=author, submitted_at=in_hours(-1)
    )


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_reads_as_many_rows_with_5_or_105_releases():
    publisher = member("Publishers", "pub")
    client = client_of(publisher)

    def add_releases(number):
        """`number` releases of each kind a panel lists (six kinds), and pages."""
        for n in range(number):
            draft = make_release(
                status=Status.DRAFT, publish_at=None, created_by=publisher, updated_by=publisher
            )
            in_review(draft, publisher)
            make_embargo_link(make_release(publish_at=in_hours(2 + n)))
            make_release(publish_at=in_hours(-1 - n), updated_by=publisher)
            make_release(unpublish_at=in_hours(24 + n))
            original = make_release(publish_at=in_hours(-2), language="en")
            make_release(translation_of=original, language="fr")
            make_page(status=Status.DRAFT, publish_at=None, created_by=publisher)
            make_page(publish_at=in_hours(5 + n))

    add_releases(1)
    assert Release.objects.count() == 6
    dashboard_queries(client)  # once first: content types are cached after it
    small = dashboard_queries(client)
    add_releases(17)
    assert Release.objects.count() == 108
    assert dashboard_queries(client) == small, small
    assert small <= 30, small


def test_panels_list_what_waits_for_each_person_in_their_time_zone():
    editor, publisher = member("Editors", "ed"), member("Publishers", "pub")
    mine = make_release("My draft", status=Status.DRAFT, publish_at=None, created_by=editor)
    make_release("Their draft", status=Status.DRAFT, publish_at=None, created_by=publisher)
    scheduled = make_release("Tonight's appeal", publish_at=in_hours(3))
    make_embargo_link(scheduled, shared_with="Reuters Geneva")
    make_release("Expiring appeal", unpublish_at=in_hours(48))
    StaffPreferences.objects.create(user=editor, time_zone="Asia/Tokyo")

    response = client_of(editor).get("/admin/")
    assert "My draft" in panel(response, "drafts")
    assert "Their draft" not in panel(response, "drafts")
    assert "Tonight's appeal" in panel(response, "scheduled")
    assert "JST" in panel(response, "scheduled")
    assert "for Reuters Geneva" in panel(response, "scheduled")
    assert "Expiring appeal" in panel(response, "expiring")
    assert panel(response, "review") is None  # editors review nothing

    in_review(mine, editor)
    waiting = panel(client_of(publisher).get("/admin/"), "review")
    assert "My draft" in waiting and "from ed" in waiting
    assert "UTC" in panel(client_of(publisher).get("/admin/"), "scheduled")


def test_translations_to_do_lists_originals_missing_a_language_or_out_of_date():
    done = make_release("Fully translated", language="en")
    make_release("Traduit", language="fr", translation_of=done, source_digest=done.text_digest())
    make_release(
        "Traducido", language="es", translation_of=done, status=Status.DRAFT,
        source_digest=done.text_digest(),
    )  # fmt: skip
    partial = make_release("Half translated", language="en")
    make_release(
        "Traduit aussi", language="fr", translation_of=partial, source_digest=partial.text_digest()
    )
    stale = make_release("Changed since", language="en")
    make_release("Ancien", language="fr", translation_of=stale, source_digest="older text")
    make_release("Viejo", language="es", translation_of=stale, source_digest=stale.text_digest())
    about = make_page("Who we are")

    client = Client()
    client.force_login(member("Editors"))
    html = client.get("/admin/").text
    todo = panel(client.get("/admin/"), "translations")
    assert "Fully translated" not in todo
    assert "Half translated English Add a Spanish version" in todo
    assert "Changed since English French: Out of date" in todo
    assert "Who we are English Add a French version Add a Spanish version" in todo
    # The buttons make the draft version, as on the original's own form.
    assert f'action="/admin/news/release/{partial.pk}/translate/es/"' in html
    assert f'action="/admin/pages/page/{about.pk}/translate/fr/"' in html


def test_quick_actions_follow_permissions(staff_client):
    actions = panel_of_actions(staff_client.get("/admin/"))
    assert actions == ["New release", "New page", "Upload images"]
    viewer = User.objects.create_user("viewer", password="pass", is_staff=True)
    assert panel_of_actions(client_of(viewer).get("/admin/")) == []


def panel_of_actions(response):
    return [label for label, _url in response.context["quick_actions"]]


def test_each_person_sets_their_time_zone(staff_client, superuser):
    assert staff_client.get("/admin/preferences/").status_code == 200
    refused = staff_client.post("/admin/preferences/", {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert (
        staff_client.post("/admin/preferences/", {"time_zone": "Europe/Paris"}).status_code == 302
    )
    assert StaffPreferences.objects.get(user=superuser).time_zone == "Europe/Paris"
    assert "Times in Europe/Paris" in staff_client.get("/admin/").text
    assert Client().get("/admin/preferences/").status_code == 302  # to the sign-in page


def test_expired_and_old_items_stay_out_of_the_panels(staff_client):
    make_release("Long gone", publish_at=in_hours(-100), unpublish_at=in_hours(-1))
    response = staff_client.get("/admin/")
    assert "Long gone" not in panel(response, "published")
    assert "Long gone" not in panel(response, "expiring")
