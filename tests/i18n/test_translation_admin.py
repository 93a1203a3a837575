"""Translations in the admin: one version per language, "Add a French version", out of date
originals, the status page, and the Translators group, through the admin's own forms."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from news.models import Release, ReleaseContact
from pages.models import PageTranslation
from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import (
    country,
    make_contact,
    make_image,
    make_page,
    make_page_translation,
    make_release,
)
from tests.pages.test_roles import login_with_role

pytestmark = pytest.mark.django_db


def change_url(item):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def translate_url(item, language):
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_translate", args=[item.pk, language])


def save(client, item, **changes):
    return client.post(change_url(item), admin_form_data(client.get(change_url(item)), **changes))


@pytest.fixture
def original():
    return make_release(
        "Floods in the Sahel",
        kind="news",
        dateline_country=country("NE"),
        countries=[country("ML")],
        tags=["Climate"],
        contacts=[make_contact("Amina Okafor")],
        image=make_image(),
    )


@pytest.fixture
def translator_client(client, django_user_model):
    return login_with_role(client, django_user_model, "Translators")


def test_add_a_french_version_of_a_release_copies_what_is_shared(staff_client, original):
    form = staff_client.get(change_url(original)).text
    assert translate_url(original, "fr") in form and "Add a French version" in form
    response = staff_client.post(translate_url(original, "fr"))
    version = Release.objects.get(translation_of=original)
    assert response.status_code == 302 and response["Location"] == change_url(version)
    assert (version.language, version.status) == ("fr", Status.DRAFT)
    assert (version.kind, version.dateline_country, version.image) == (
        "news", original.dateline_country, original.image,
    )  # fmt: skip
    assert set(version.countries.all()) == set(original.countries.all())
    assert [tag.name for tag in version.tags.all()] == ["Climate"]
    assert [link.contact.name for link in ReleaseContact.objects.filter(release=version)] == [
        "Amina Okafor"
    ]
    # The translator's form shows the original beside it.
    form = staff_client.get(change_url(version)).text
    assert 'class="original-text" lang="en"' in form and "Floods in the Sahel" in form
    # Asked again, it opens the same version.
    assert staff_client.post(translate_url(original, "fr"))["Location"] == change_url(version)
    assert Release.objects.filter(translation_of=original).count() == 1


def test_the_admin_refuses_a_second_version_in_one_language(staff_client, original):
    make_release("Inondations", language="fr", translation_of=original)
    other = make_release("Inondations bis", language="es", translation_of=original)
    response = save(staff_client, other, language="fr")
    assert response.status_code == 200
    assert "That release already has a version in this language" in response.text
    other.refresh_from_db()
    assert other.language == "es"


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"language": "en"}, "A version must be in another language than its original."),
        ("version", "Choose the original release, not one of its versions."),
    ],
)
def test_the_admin_refuses_a_version_of_a_version_or_in_the_original_language(
    staff_client, original, changes, error
):
    version = make_release("Inondations", language="fr", translation_of=original)
    candidate = make_release("Inundaciones", language="es")
    if changes == "version":
        changes = {"translation_of": str(version.pk)}
    else:
        changes = {"translation_of": str(original.pk), **changes}
    response = save(staff_client, candidate, **changes)
    assert response.status_code == 200
    assert error in response.text
    candidate.refresh_from_db()
    assert candidate.translation_of is None


def test_an_original_cannot_take_the_language_of_one_of_its_versions(staff_client, original):
    make_release("Inondations", language="fr", translation_of=original)
    response = save(staff_client, original, language="fr")
    assert "One of this release&#x27;s versions is in this language already." in response.text
    original.refresh_from_db()
    assert original.language == "en"


def test_editing_the_original_puts_its_version_out_of_date_until_marked(staff_client, original):
    staff_client.post(translate_url(original, "fr"))
    version = Release.objects.get(translation_of=original)
    status_url = reverse("admin:news_release_translations")
    assert "translation-state-draft" in staff_client.get(status_url).text
    assert save(staff_client, original, body="<p>Updated figures.</p>").status_code == 302
    assert "translation-state-out-of-date" in staff_client.get(status_url).text
    assert "Changed since this version was made" in staff_client.get(change_url(version)).text
    assert save(staff_client, version, up_to_date="on").status_code == 302
    assert "translation-state-out-of-date" not in staff_client.get(status_url).text


def test_add_a_french_version_of_a_page(staff_client):
    page = make_page("Who we are", body="<p>The migration agency.</p>")
    response = staff_client.post(translate_url(page, "fr"))
    translation = PageTranslation.objects.get(page=page)
    assert response["Location"] == change_url(translation)
    assert (translation.language, translation.status) == ("fr", Status.DRAFT)
    form = staff_client.get(change_url(translation)).text
    assert "The migration agency." in form
    page.body = "<p>Changed.</p>"
    page.save()
    status = staff_client.get(reverse("admin:pages_page_translations")).text
    assert "translation-state-out-of-date" in status


def test_the_changelists_link_to_their_status_page_and_saves_are_versions(staff_client):
    for model in ("news_release", "pages_page"):
        changelist = staff_client.get(reverse(f"admin:{model}_changelist")).text
        assert reverse(f"admin:{model}_translations") in changelist
    translation = make_page_translation(make_page("Who we are"), title="Qui sommes-nous")
    assert save(staff_client, translation, title="Qui nous sommes").status_code == 302
    [version] = Version.objects.get_for_object(translation)
    assert version.field_dict["title"] == "Qui nous sommes"


def status_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_status_pages_run_the_same_queries_for_5_and_25_originals(staff_client):
    def add_originals(number):
        for _ in range(number):
            release = make_release()
            digest = release.text_digest()
            make_release(language="fr", translation_of=release, source_digest=digest)
            page = make_page()
            make_page_translation(page, language="es", status=Status.DRAFT)

    urls = [reverse("admin:news_release_translations"), reverse("admin:pages_page_translations")]
    add_originals(5)
    few = [status_queries(staff_client, url) for url in urls]
    add_originals(20)
    assert [status_queries(staff_client, url) for url in urls] == few
    response = staff_client.get(urls[0])
    assert response.text.count("translation-state-live") == 25
    assert response.text.count("Add a Spanish version") == 25


def test_translators_change_versions_but_never_originals_nor_publish(translator_client, original):
    version = make_release("Inondations", language="fr", translation_of=original, status="draft")
    assert save(translator_client, version, title="Inondations au Sahel").status_code == 302
    version.refresh_from_db()
    assert version.title == "Inondations au Sahel"

    # Forged: publishing, turning the version into an original, editing the original.
    response = translator_client.post(
        change_url(version),
        {**admin_form_data(translator_client.get(change_url(version))), "status": "published"},
    )
    assert response.status_code == 200 and "need the publisher role" in response.text
    data = admin_form_data(translator_client.get(change_url(version)), translation_of="")
    translator_client.post(change_url(version), data)
    version.refresh_from_db()
    assert (version.status, version.translation_of) == (Status.DRAFT, original)
    data = admin_form_data(translator_client.get(change_url(version)), title="Hijacked")
    assert translator_client.post(change_url(original), data).status_code == 403
    assert translator_client.post(reverse("admin:news_release_add"), data).status_code == 403
    original.refresh_from_db()
    assert original.title == "Floods in the Sahel"


def test_no_version_of_a_version_nor_in_the_original_language(staff_client, original):
    version = make_release("Inondations", language="fr", translation_of=original)
    assert staff_client.post(translate_url(original, "en")).status_code == 404
    assert staff_client.post(translate_url(original, "de")).status_code == 404
    assert staff_client.post(translate_url(version, "es")).status_code == 404
    assert staff_client.get(translate_url(original, "es")).status_code == 405
    assert Release.objects.count() == 2


def test_editors_without_translation_rights_add_no_version(client, django_user_model, original):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_release"))
    client.force_login(user)
    assert client.post(translate_url(original, "fr")).status_code == 403
    assert not Release.objects.filter(translation_of=original).exists()


def test_translators_add_versions_of_releases_and_pages(translator_client, original):
    page = make_page("Who we are")
    assert translator_client.post(translate_url(original, "es")).status_code == 302
    assert translator_client.post(translate_url(page, "fr")).status_code == 302
    page_translation = PageTranslation.objects.get(page=page)
    assert save(translator_client, page_translation, title="Qui sommes-nous").status_code == 302
    forged = admin_form_data(translator_client.get(change_url(page_translation)))
    response = translator_client.post(
        change_url(page_translation), {**forged, "status": "published"}
    )
    assert "need the publisher role" in response.text
    page_translation.refresh_from_db()
    assert page_translation.status == Status.DRAFT
    assert translator_client.post(change_url(page), {"title": "Hijacked"}).status_code == 403
    publish = {"action": "publish", "_selected_action": [page_translation.pk]}
    translator_client.post(reverse("admin:pages_pagetranslation_changelist"), publish)
    page_translation.refresh_from_db()
    assert page_translation.status == Status.DRAFT
