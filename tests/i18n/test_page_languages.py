"""hreflang, the switcher and the sitemap for pages, which exist in every language but are
translated into some."""

from xml.etree import ElementTree

import pytest

from pages.publishing import Status
from tests.factories import make_page, make_page_translation

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "http://testserver"


@pytest.fixture
def pages():
    about = make_page("Who we are", slug="who-we-are")
    make_page_translation(about, title="Qui sommes-nous")
    make_page_translation(about, "es", title="Quiénes somos", status=Status.DRAFT)
    work = make_page("Our work", slug="our-work")
    return about, work


def test_hreflang_names_the_languages_a_page_is_live_in(client, pages):
    html = client.get("/es/who-we-are/").text  # the original, said to be untranslated
    assert f'<link rel="alternate" hreflang="en" href="{SITE}/who-we-are/">' in html
    assert f'<link rel="alternate" hreflang="fr" href="{SITE}/fr/who-we-are/">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/who-we-are/">' in html
    assert 'hreflang="es" href' not in html.split("</head>")[0]  # a draft
    assert 'rel="alternate" hreflang' not in client.get("/our-work/").text  # English only


def test_the_switcher_leads_to_the_same_page_in_every_language(client, pages):
    html = client.get("/our-work/").text
    assert 'href="/fr/our-work/" hreflang="fr"' in html
    assert 'href="/es/our-work/" hreflang="es"' in html


def test_the_sitemap_lists_each_page_in_each_language_it_is_live_in(client, pages):
    root = ElementTree.fromstring(client.get("/sitemap-pages.xml").content)
    entries = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    about = {
        "en": f"{SITE}/who-we-are/",
        "fr": f"{SITE}/fr/who-we-are/",
        "x-default": f"{SITE}/who-we-are/",
    }
    assert entries == {
        f"{SITE}/our-work/": {"en": f"{SITE}/our-work/", "x-default": f"{SITE}/our-work/"},
        f"{SITE}/who-we-are/": about,
        f"{SITE}/fr/who-we-are/": about,
    }
