"""Every write to content, by every path, shows on the next request of every public view, with
the page cache on and each transaction committed as in production.

The model walk covers every content model: a model added to a content app without a case in
MODEL_CASES or COVERED_THROUGH makes test_every_content_model_has_a_case fail, unless the model
says `changes_public_content = False` (pages/content_version.py).
"""

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from news.models import Release, TopicName
from pages.content_version import CONTENT_APPS
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import (
    country,
    make_contact,
    make_image,
    make_office,
    make_page,
    make_page_translation,
    make_release,
    release_row,
)

# Writes commit, as in production; the rows migrations made (countries, content types) are
# put back after each test, as for the other tests that empty the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every public view that lists or shows a release, by name.
SURFACES = ("release", "newsroom", "country", "search", "rss", "atom", "sitemap", "api")


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def visitor():
    return Client()


def surfaces(release):
    return {
        "release": release.get_absolute_url(),
        "newsroom": "/news/",
        "country": reverse("contacts:country", args=[release.dateline_country.slug]),
        "search": f"/search/?q={release.title.split()[0]}",
        "rss": "/news/feed/",
        "atom": "/news/feed/atom/",
        "sitemap": "/sitemap-releases.xml",
        "api": "/api/releases/",
    }


def shown(visitor, release):
    """{surface: whether it shows the release}, read twice so the second read is the cached
    page when there is one."""
    address = release.get_absolute_url()
    found = {}
    for name, url in surfaces(release).items():
        for _ in range(2):
            response = visitor.get(url)
        found[name] = response.status_code == 200 and address in response.text
    return found


def everywhere(value):
    return dict.fromkeys(SURFACES, value)


@pytest.fixture
def live_release(visitor):
    release = make_release(title="Cyclonewatch appeal", dateline_country=country("MZ"))
    assert shown(visitor, release) == everywhere(True)
    return release


@pytest.fixture
def staff_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def changelist_action(staff_client, model, action, objects):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    data = {"action": action, admin.helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    if action == "delete_selected":
        data["post"] = "yes"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


# Write paths that take a live release off the public site.
def instance_save(release):
    release.status = Status.DRAFT
    release.save()


def instance_delete(release):
    release.delete()


def queryset_delete(release):
    Release.objects.filter(pk=release.pk).delete()


def queryset_update(release):
    Release.objects.filter(pk=release.pk).update(status=Status.DRAFT)


def queryset_unpublish(release):
    Release.objects.filter(pk=release.pk).unpublish()


def raw_sql(release):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE news_release SET status = %s WHERE id = %s", ["draft", release.pk])


def shell(release):
    call_command(
        "shell",
        command=(
            "from news.models import Release; "
            f"Release.objects.filter(pk={release.pk}).update(status='draft')"
        ),
    )


def fixture(release, tmp_path):
    dumped = tmp_path / "release.json"
    call_command("dumpdata", "news.Release", f"--pks={release.pk}", output=str(dumped))
    rows = json.loads(dumped.read_text())
    rows[0]["fields"]["status"] = "draft"
    dumped.write_text(json.dumps(rows))
    call_command("loaddata", str(dumped), verbosity=0)


TAKEN_OFF = [
    instance_save,
    instance_delete,
    queryset_delete,
    queryset_update,
    queryset_unpublish,
    raw_sql,
    shell,
    fixture,
]


@pytest.mark.parametrize("take_off", TAKEN_OFF, ids=lambda path: path.__name__)
def test_a_release_taken_off_by_any_write_is_gone_everywhere(
    take_off, live_release, visitor, tmp_path
):
    if take_off is fixture:
        take_off(live_release, tmp_path)
    else:
        take_off(live_release)
    assert shown(visitor, live_release) == everywhere(False)


@pytest.mark.parametrize("action", ["delete_selected", "unpublish"])
def test_an_admin_bulk_action_takes_a_release_off_everywhere(
    action, live_release, visitor, staff_client
):
    changelist_action(staff_client, Release, action, [live_release])
    assert shown(visitor, live_release) == everywhere(False)


def test_the_admin_publish_action_puts_a_draft_everywhere(visitor, staff_client):
    draft = make_release(title="Floodwatch appeal", status=Status.DRAFT, dateline_country=country())
    assert shown(visitor, draft) == everywhere(False)
    changelist_action(staff_client, Release, "publish", [draft])
    assert shown(visitor, draft) == everywhere(True)


def test_bulk_created_releases_are_everywhere(visitor):
    row = release_row("Droughtwatch appeal", dateline_country=country("KE"))
    assert shown(visitor, row) == everywhere(False)
    [created] = Release.objects.bulk_create([row])
    created.countries.add(country("KE"))
    assert shown(visitor, created) == everywhere(True)


def test_country_links_added_removed_cleared_and_set_move_a_release(live_release, visitor):
    peru = country("PE")
    peru_page = reverse("contacts:country", args=[peru.slug])
    address = live_release.get_absolute_url()

    def listed(url):
        visitor.get(url)
        return address in visitor.get(url).text

    assert not listed(peru_page) and not listed("/news/?country=peru")
    live_release.countries.add(peru)
    assert listed(peru_page) and listed("/news/?country=peru")
    live_release.countries.remove(peru)
    assert not listed(peru_page) and not listed("/news/?country=peru")
    live_release.countries.set([peru])
    assert listed("/news/?country=peru") and not listed("/news/?country=mozambique")
    live_release.countries.clear()
    assert not listed("/news/?country=peru")


def test_topics_added_and_cleared_show_at_once(live_release, visitor):
    address = live_release.get_absolute_url()

    def on_topic_page():
        visitor.get("/news/?topic=health")
        return address in visitor.get("/news/?topic=health").text

    live_release.tags.add("Health")
    assert on_topic_page() and "Health" in visitor.get(address).text
    live_release.tags.clear()
    assert visitor.get("/news/?topic=health").status_code in (200, 404)
    assert "Health" not in visitor.get(address).text


def test_a_topic_named_in_french_shows_at_once(visitor):
    release = make_release(tags=["Resettlement"])
    french_page = translation.override("fr")(release.get_absolute_url)()
    for _ in range(2):
        assert "Réinstallation" not in visitor.get(french_page).text
    TopicName.objects.create(tag=release.tags.get(), name_fr="Réinstallation")
    assert "Réinstallation" in visitor.get(french_page).text


def test_contacts_added_to_a_release_show_at_once(live_release, visitor):
    contact = make_contact(name="Amina Okafor")
    assert "Amina Okafor" not in visitor.get(live_release.get_absolute_url()).text
    live_release.contacts.add(contact, through_defaults={"sort_order": 0})
    assert "Amina Okafor" in visitor.get(live_release.get_absolute_url()).text


def save_in_admin(staff_client, release, **changes):
    url = reverse("admin:news_release_change", args=[release.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_reverting_and_recovering_versions_show_at_once(live_release, visitor, staff_client):
    save_in_admin(staff_client, live_release)
    save_in_admin(staff_client, live_release, status=Status.DRAFT)
    assert shown(visitor, live_release) == everywhere(False)

    live_version = Version.objects.get_for_object(live_release).last()
    url = reverse("admin:news_release_revision", args=[live_release.pk, live_version.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    assert shown(visitor, live_release) == everywhere(True)

    save_in_admin(staff_client, live_release)
    delete_url = reverse("admin:news_release_delete", args=[live_release.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert shown(visitor, live_release) == everywhere(False)
    deleted = Version.objects.get_deleted(Release).first()
    url = reverse("admin:news_release_recover", args=[deleted.pk])
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    assert shown(visitor, live_release) == everywhere(True)


def test_imported_releases_show_at_once(live_release, visitor, tmp_path):
    exported = tmp_path / "releases.json"
    call_command("export_releases", output=str(exported))
    live_release.delete()
    assert shown(visitor, live_release) == everywhere(False)
    call_command("import_releases", str(exported), "--publish", verbosity=0)
    assert shown(visitor, live_release) == everywhere(True)


def test_a_restored_backup_shows_at_once(live_release, visitor, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("export_content", output=str(backup))
    live_release.delete()
    assert shown(visitor, live_release) == everywhere(False)
    call_command("import_content", str(backup), "--replace", verbosity=0)
    assert shown(visitor, live_release) == everywhere(True)


def test_generated_content_shows_at_once_and_its_removal_too(visitor):
    country("CN")  # generate_content spreads releases over the countries the database has
    call_command("generate_content", releases=3, seed=11, pages=0, contacts=1, verbosity=0)
    generated = list(Release.objects.live().filter(slug__startswith="synthetic-"))
    assert generated
    assert all(shown(visitor, release)["newsroom"] for release in generated)
    call_command("generate_content", delete=True, verbosity=0)
    assert not any(shown(visitor, release)["newsroom"] for release in generated)


# The model walk: for each content model in the admin, a record the public sees on a page,
# deleted with the admin's bulk delete. Each case returns (record, address, visible text).
def release_case():
    release = make_release(title="Heatwatch appeal")
    return release, release.get_absolute_url(), "Heatwatch appeal"


def page_case():
    page = make_page(title="Our partners")
    return page, page.get_absolute_url(), "Our partners"


def image_case():
    image = make_image(alt_text="Boats at dawn in Cox’s Bazar")
    release = make_release(image=image)
    return image, release.get_absolute_url(), "Boats at dawn"


def region_case():
    region = country("PE").region
    return region, reverse("contacts:countries"), region.name


def country_case():
    place = country("PE")
    return place, reverse("contacts:countries"), f'href="{place.get_absolute_url()}"'


def office_case():
    office = make_office(name="IOM Maputo", country=country("MZ"))
    return office, reverse("contacts:country", args=["mozambique"]), "IOM Maputo"


def contact_case():
    contact = make_contact(name="Amina Okafor")
    return contact, reverse("contacts:media"), "Amina Okafor"


def tag_case():
    release = make_release(tags=["Resettlement"])
    return release.tags.get(), release.get_absolute_url(), "Resettlement"


def page_translation_case():
    translation = make_page_translation(make_page(title="Our partners"), title="Nos partenaires")
    return translation, translation.get_absolute_url(), "Nos partenaires"


def redirect_case():
    release = make_release(slug="new-address")
    release.slug = "newer-address"
    release.save()  # the old address now redirects: a SlugRedirect row
    redirect = apps.get_model("pages", "SlugRedirect").objects.get()
    return redirect, redirect.old_path, "newer-address"


MODEL_CASES = {
    "news.Release": release_case,
    "pages.Page": page_case,
    "pages.Image": image_case,
    "contacts.Region": region_case,
    "contacts.Country": country_case,
    "contacts.Office": office_case,
    "contacts.PressContact": contact_case,
    "taggit.Tag": tag_case,
    "pages.SlugRedirect": redirect_case,
    "pages.PageTranslation": page_translation_case,
}
# Content models not in the admin, and the tests above that write them.
COVERED_THROUGH = {
    "news.ReleaseContact": test_contacts_added_to_a_release_show_at_once,
    "news.Release_countries": test_country_links_added_removed_cleared_and_set_move_a_release,
    "taggit.TaggedItem": test_topics_added_and_cleared_show_at_once,
    "news.EmbargoLink": test_a_restored_backup_shows_at_once,
    "news.TopicName": test_a_topic_named_in_french_shows_at_once,
    # Written by database triggers with the releases they derive from.
    "news.TitleWord": test_a_release_taken_off_by_any_write_is_gone_everywhere,
    "news.SearchDocument": test_a_release_taken_off_by_any_write_is_gone_everywhere,
}


def test_every_content_model_has_a_case():
    content_models = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CONTENT_APPS
        # Rows that show on no page (email subscribers, say) leave the caches alone.
        and getattr(model, "changes_public_content", True)
    }
    in_admin = {model._meta.label for model in admin.site._registry} & content_models
    assert in_admin == set(MODEL_CASES)
    assert content_models == set(MODEL_CASES) | set(COVERED_THROUGH)


def response_text(visitor, url):
    response = visitor.get(url, follow=True)
    return response.text if response.status_code == 200 else ""


@pytest.mark.parametrize("label", MODEL_CASES)
def test_deleting_any_content_model_in_the_admin_shows_at_once(label, visitor, staff_client):
    record, url, text = MODEL_CASES[label]()
    for _ in range(2):
        assert text in response_text(visitor, url)
    changelist_action(staff_client, type(record), "delete_selected", [record])
    assert text not in response_text(visitor, url)
