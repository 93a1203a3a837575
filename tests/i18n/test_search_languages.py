"""Site search on a French page finds French page translations and French country names."""

import pytest

from tests.factories import country, make_page, make_page_translation

pytestmark = pytest.mark.django_db


def section(html, heading_id):
    """The results section under a heading, e.g. "r-pages", or "" if there is none."""
    start = html.find(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def test_french_search_finds_a_page_by_its_french_text_and_shows_it_in_french(client):
    about = make_page("Who we are", slug="who-we-are", summary="The migration agency.")
    make_page_translation(about, title="Qui sommes-nous", summary="L'agence des migrations.")
    other = make_page("Our work", slug="our-work", summary="Assistance to migrants.")
    pages = section(client.get("/fr/search/?q=sommes").text, "r-pages")
    assert '<a href="/fr/who-we-are/">Qui sommes-nous</a>' in pages
    assert "/our-work/" not in pages
    # An untranslated page found by its English text is marked as English.
    pages = section(client.get("/fr/search/?q=assistance").text, "r-pages")
    assert f'<li lang="en"><a href="/fr/{other.path}">Our work</a>' in pages
    # In English, the French text finds nothing.
    assert section(client.get("/search/?q=sommes").text, "r-pages") == ""


def test_french_search_finds_a_country_by_its_french_name(client):
    country("CN"), country("ZA")
    countries = section(client.get("/fr/search/?q=chine").text, "r-countries")
    assert '<a href="/fr/where-we-work/china/">Chine</a>' in countries
    # The French name is found by its words, not only as a typo of the English one.
    countries = section(client.get("/fr/search/?q=afrique du sud").text, "r-countries")
    assert '<a href="/fr/where-we-work/south-africa/">Afrique du Sud</a>' in countries
