"""A page's text per language: the live translation where there is one, otherwise the original
marked lang="en" with a line saying so; drafts and scheduled translations never show."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pages.publishing import Status
from tests.admin_forms import admin_form_data
from tests.factories import make_page, make_page_translation, tomorrow

pytestmark = pytest.mark.django_db

NOT_YET = "Cette page n’est pas encore disponible en français"


def french(page):
    with translation.override("fr"):
        return page.get_absolute_url()


def english(page):
    with translation.override("en"):
        return page.get_absolute_url()


@pytest.fixture
def about():
    return make_page("Who we are", slug="who-we-are", summary="The migration agency.")


def test_a_live_translation_is_shown_at_the_french_address(client, about):
    make_page_translation(about, title="Qui sommes-nous", summary="L'agence des migrations.")
    response = client.get(french(about))
    assert response.status_code == 200
    assert "<h1>Qui sommes-nous</h1>" in response.text
    assert "L&#x27;agence des migrations." in response.text
    assert NOT_YET not in response.text
    original = client.get(english(about)).text
    assert "<h1>Who we are</h1>" in original and "Qui sommes-nous" not in original


@pytest.mark.parametrize(
    "state", [{"status": Status.DRAFT}, {"publish_at": tomorrow()}], ids=["draft", "scheduled"]
)
def test_without_a_live_translation_the_original_shows_marked_english(client, about, state):
    make_page_translation(about, title="Brouillon secret", **state)
    response = client.get(french(about))
    assert response.status_code == 200
    assert "Brouillon secret" not in response.text
    assert NOT_YET in response.text
    assert '<article class="page" lang="en">' in response.text
    assert "<h1>Who we are</h1>" in response.text


def test_the_menu_shows_translated_titles_where_live_and_marks_the_others(client, about):
    other = make_page("Our work", slug="our-work")
    make_page_translation(about, title="Qui sommes-nous", menu_title="À propos")
    make_page_translation(other, title="Notre travail", status=Status.DRAFT)
    menu = client.get("/fr/news/").text
    assert 'href="/fr/who-we-are/">À propos</a>' in menu
    assert 'href="/fr/our-work/" lang="en">Our work</a>' in menu
    assert "Notre travail" not in menu
    assert ">À propos<" not in client.get("/news/").text


def test_children_and_home_sections_are_translated(client, about):
    child = make_page("Our history", parent=about, slug="history")
    make_page_translation(child, title="Notre histoire")
    make_page_translation(about, title="Qui sommes-nous", summary="L’agence.")
    assert "Notre histoire" in client.get(french(about)).text
    home = client.get("/fr/").text
    assert "Qui sommes-nous" in home and "L’agence." in home


def test_staff_preview_a_draft_translation_privately(about, superuser):
    make_page_translation(about, title="Brouillon", status=Status.DRAFT)
    staff = Client()
    staff.force_login(superuser)
    response = staff.get(french(about))
    assert "<h1>Brouillon</h1>" in response.text
    assert "private" in response["Cache-Control"]


def test_the_admin_preview_renders_the_unsaved_translation(about, staff_client):
    draft = make_page_translation(about, title="Brouillon", status=Status.DRAFT)
    url = reverse("admin:pages_pagetranslation_preview", args=[draft.pk])
    form = staff_client.get(reverse("admin:pages_pagetranslation_change", args=[draft.pk]))
    response = staff_client.post(url, admin_form_data(form, title="Aperçu non enregistré"))
    assert response.status_code == 200
    assert "<h1>Aperçu non enregistré</h1>" in response.text
    assert '<html lang="fr"' in response.text


def test_live_languages_lists_only_live_versions(about):
    make_page_translation(about, language="fr")
    make_page_translation(about, language="es", status=Status.DRAFT)
    hidden = make_page("Hidden", status=Status.DRAFT)
    assert about.live_languages() == ["en", "fr"]
    assert hidden.live_languages() == []


def test_a_french_page_keeps_the_query_budget_of_the_english_one(client, about):
    make_page_translation(about, title="Qui sommes-nous")

    def warm_queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert warm_queries(french(about)) == warm_queries(english(about)) == 1


def test_one_translation_per_page_and_language(about):
    make_page_translation(about)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_page_translation(about)
    assert about.translations.count() == 1
