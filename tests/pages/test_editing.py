"""The change form made for writing (pages/editing.py): what the server puts in the form for
pages/static/pages/editing.js, and thumbnails in the image chooser's answers."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_image, make_page, make_release

pytestmark = pytest.mark.django_db


def form_field(response, name):
    return BeautifulSoup(response.content, "html.parser").select_one(f"[name={name}]")


def test_title_and_summary_are_counted_against_search_and_social_lengths(staff_client):
    response = staff_client.get("/admin/news/release/add/")
    title, summary = form_field(response, "title"), form_field(response, "summary")
    assert (title["data-count-limit"], summary["data-count-limit"]) == ("60", "160")
    assert "full-width" in title["class"] and "social cards" in summary["data-count-hint"]
    assert '<script src="/static/pages/editing.js" defer>' in response.text


def test_the_slug_carries_the_full_public_address(staff_client, settings):
    settings.SITE_URL = "https://www.iom.int"
    release = make_release(slug="floods-in-the-sahel")
    slug = form_field(staff_client.get(f"/admin/news/release/{release.pk}/change/"), "slug")
    assert slug["data-address"] == "https://www.iom.int/news/slug-goes-here/"
    parent = make_page(slug="our-work")
    page = make_page(slug="what-we-do", parent=parent)
    slug = form_field(staff_client.get(f"/admin/pages/page/{page.pk}/change/"), "slug")
    assert slug["data-address"] == "https://www.iom.int/our-work/slug-goes-here/"
    slug = form_field(staff_client.get("/admin/pages/page/add/"), "slug")
    assert slug["data-address"] == "https://www.iom.int/slug-goes-here/"


def test_images_are_chosen_from_thumbnails(staff_client):
    image = make_image(title="Shelter kits")
    release = make_release(image=image)
    chooser = form_field(staff_client.get(f"/admin/news/release/{release.pk}/change/"), "image")
    assert chooser["data-thumbnails"] == "true"
    assert chooser["data-thumbnail"] == image.rendition_url("card")
    answer = staff_client.get(
        "/admin/autocomplete/",
        {"term": "Shelter", "app_label": "news", "model_name": "release", "field_name": "image"},
    ).json()
    assert answer["results"] == [
        {"id": str(image.pk), "text": "Shelter kits", "thumbnail": image.rendition_url("card")}
    ]
    countries = staff_client.get(
        "/admin/autocomplete/",
        {"term": "Chi", "app_label": "news", "model_name": "release", "field_name": "countries"},
    ).json()
    assert all("thumbnail" not in result for result in countries["results"])
