"""The address alone decides the language of a page: no cookie, no Accept-Language."""

import pytest
from django.utils import translation

from pages.redirects import SlugRedirect
from tests.factories import make_page, make_release

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESSES = ["/", "/news/", "/where-we-work/", "/media-contacts/", "/search/?q=water"]


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
@pytest.mark.parametrize("prefix, language", [("", "en"), ("/fr", "fr"), ("/es", "es")])
def test_each_prefix_serves_its_language_and_never_varies_by_browser(
    client, address, prefix, language
):
    response = client.get(prefix + address, headers={"accept-language": "de, es;q=0.5"})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}"' in response.text
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_browser_asking_for_french_gets_the_english_newsroom_at_its_address(client):
    response = client.get(
        "/news/", headers={"accept-language": "fr"}, HTTP_COOKIE="django_language=fr"
    )
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")


def test_a_missing_page_in_french_is_a_404_without_vary(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert "Accept-Language" not in response.get("Vary", "")


def test_an_unknown_language_prefix_is_no_page(client):
    assert client.get("/de/news/").status_code == 404


def test_the_admin_speaks_the_staff_members_language(staff_client):
    response = staff_client.get("/admin/", headers={"accept-language": "fr"})
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]  # private to the staff member anyway
    assert (
        staff_client.get("/admin/", headers={"accept-language": "en"})["Content-Language"] == "en"
    )


def test_an_old_address_redirects_in_the_language_it_was_asked_in(client):
    page = make_page(slug="old-name")
    page.slug = "new-name"
    page.save()
    assert client.get("/old-name/").headers["Location"] == "/new-name/"
    assert client.get("/fr/old-name/").headers["Location"] == "/fr/new-name/"


def test_a_rename_saved_in_french_keeps_the_old_address_without_prefix():
    release = make_release(slug="first-slug")
    with translation.override("fr"):
        release.slug = "second-slug"
        release.save()
    assert SlugRedirect.objects.get().old_path == "/news/first-slug/"


def test_robots_keeps_crawlers_out_of_private_addresses_in_every_language(client):
    rules = client.get("/robots.txt").text.splitlines()
    for prefix in ("", "/fr", "/es"):
        assert f"Disallow: {prefix}/news/embargo/" in rules
        assert f"Disallow: {prefix}/search/" in rules


@pytest.mark.parametrize("prefix, language", [("", "en"), ("/fr", "fr"), ("/es", "es")])
def test_the_subscription_form_offers_emails_in_the_pages_language(client, prefix, language):
    form = client.get(f"{prefix}/subscribe/").context["form"]
    assert form["email_language"].value() == language
