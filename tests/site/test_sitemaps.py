from xml.etree import ElementTree

import pytest
from django.utils import timezone

from iomsite.sitemaps import ReleaseSitemap
from pages.publishing import Status
from tests.factories import (
    country,
    make_page,
    make_release,
    make_releases,
    now,
    tomorrow,
    yesterday,
)

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def locations(response):
    assert response.status_code == 200
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]


@pytest.fixture
def mixed_releases():
    return {
        "live": make_release(
            "Live release", publish_at=timezone.now() - timezone.timedelta(hours=1)
        ),
        "draft": make_release("Draft release", status=Status.DRAFT),
        "embargoed": make_release("Embargoed release", publish_at=tomorrow()),
        "expired": make_release("Expired release", unpublish_at=now()),
    }


def test_index_lists_each_section_with_its_lastmod(client):
    make_page(title="Who we are", slug="who-we-are")
    release = make_release(countries=[country("CN")])
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in root.findall(f"{SITEMAP}sitemap")
    }
    assert set(sections) == {
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-releases.xml",
        "http://testserver/sitemap-countries.xml",
    }
    release.refresh_from_db()
    assert sections["http://testserver/sitemap-releases.xml"] == release.updated_at.isoformat()


def test_sections_list_only_live_content(client, mixed_releases):
    make_page(title="Live page", slug="live-page")
    make_page(title="Draft page", slug="draft-page", status=Status.DRAFT)
    releases = locations(client.get("/sitemap-releases.xml"))
    assert releases == [f"http://testserver/news/{mixed_releases['live'].slug}/"]
    pages = locations(client.get("/sitemap-pages.xml"))
    assert "http://testserver/live-page/" in pages
    assert "http://testserver/draft-page/" not in pages
    assert "http://testserver/where-we-work/china/" in locations(
        client.get("/sitemap-countries.xml")
    )


def test_country_lastmod_follows_its_latest_live_release(client):
    make_release(countries=[country("CN")])
    make_release(countries=[country("CN")], status=Status.DRAFT)  # saved later, not live
    live = make_release(countries=[country("CN")], publish_at=yesterday())
    root = ElementTree.fromstring(client.get("/sitemap-countries.xml").content)
    lastmods = {
        entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
        for entry in root.findall(f"{SITEMAP}url")
    }
    live.refresh_from_db()
    assert lastmods["http://testserver/where-we-work/china/"] == live.updated_at.date().isoformat()


def test_release_sitemap_is_paginated(client, monkeypatch):
    monkeypatch.setattr(ReleaseSitemap, "limit", 2)
    make_releases(3, tags=())
    index = locations(client.get("/sitemap.xml"))
    assert "http://testserver/sitemap-releases.xml?p=2" in index
    assert len(locations(client.get("/sitemap-releases.xml?p=2"))) == 1
    assert client.get("/sitemap-releases.xml?p=3").status_code == 404


def test_news_sitemap_lists_live_releases_of_the_last_two_days(client, mixed_releases):
    make_release("Old release", publish_at=timezone.now() - timezone.timedelta(days=3))
    french = make_release("Séminaire à Pékin", language="fr")
    response = client.get("/sitemap-news.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    entries = {
        url.findtext(f"{SITEMAP}loc"): url.find(f"{NEWS}news") for url in root.iter(f"{SITEMAP}url")
    }
    live = mixed_releases["live"]
    assert set(entries) == {
        f"http://testserver/news/{live.slug}/",
        f"http://testserver/news/{french.slug}/",
    }
    news = entries[f"http://testserver/news/{french.slug}/"]
    assert news.findtext(f"{NEWS}title") == "Séminaire à Pékin"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert (
        news.findtext(f"{NEWS}publication/{NEWS}name") == "International Organization for Migration"
    )
    assert news.findtext(f"{NEWS}publication_date") == french.publish_at.isoformat()


def test_news_sitemap_escapes_titles(client):
    make_release("</script><script>alert(1)</script> & co")
    body = client.get("/sitemap-news.xml").content
    assert b"<script>" not in body
    title = ElementTree.fromstring(body).find(f".//{NEWS}title").text
    assert title == "</script><script>alert(1)</script> & co"


def test_robots_points_to_both_sitemaps(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/sitemap-news.xml" in body


@pytest.mark.parametrize(
    "url, queries",
    [
        ("/sitemap.xml", 7),  # a count and a latest change per section
        ("/sitemap-releases.xml", 3),  # a count, the page, the live versions of its groups
        ("/sitemap-countries.xml", 2),
        ("/sitemap-news.xml", 1),
    ],
)
def test_sitemap_query_count_is_constant(client, django_assert_max_num_queries, url, queries):
    for number in (5, 50):
        make_releases(number, tags=(), countries=[country("CN")])
        client.get(url)  # once per content change: the next scheduled change
        with django_assert_max_num_queries(queries):
            assert client.get(url).status_code == 200


def test_robots_keep_crawlers_off_private_links_and_kits(client):
    rules = client.get("/robots.txt").text.splitlines()
    assert "Disallow: /news/embargo/" in rules
    assert "Disallow: /news/*/press-kit.zip" in rules
    assert "Disallow: /admin/" in rules
