from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from news.feeds import FEED_ITEMS
from pages.publishing import Status
from tests.factories import (
    country,
    make_image,
    make_release,
    make_releases,
    now,
    tomorrow,
    yesterday,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ElementTree.fromstring(response.content).find("channel").findall("item")


def test_rss_item_carries_dates_author_categories_and_image(client):
    image = make_image()
    release = make_release(
        "Water for Cox's Bazar", image=image, tags=["Climate"], countries=[country("BD")]
    )
    [item] = rss_items(client.get("/news/feed/"))
    assert item.findtext("title") == escape("Water for Cox's Bazar")  # RSS titles may be HTML
    assert item.findtext("link") == f"http://testserver/news/{release.slug}/"
    assert parsedate_to_datetime(item.findtext("pubDate")) == release.publish_at.replace(
        microsecond=0
    )
    assert "International Organization for Migration" in item.findtext("{*}creator", "") + (
        item.findtext("author") or ""
    )
    assert {category.text for category in item.findall("category")} == {"Press release", "Climate"}
    enclosure = item.find("enclosure")
    largest = image.renditions["wide"][-1]
    assert enclosure.get("url") == f"http://testserver/media/{largest['fallback']}"
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == image.file.storage.size(largest["fallback"])


def test_atom_entry_has_published_and_updated(client):
    release = make_release("Water for Cox's Bazar", publish_at=yesterday())
    response = client.get("/news/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    [entry] = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Water for Cox's Bazar"
    published = entry.findtext(f"{ATOM}published")
    updated = entry.findtext(f"{ATOM}updated")
    release.refresh_from_db()
    assert published == release.publish_at.isoformat()
    assert updated == release.updated_at.isoformat()
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "International Organization for Migration"


def test_only_live_releases_appear(client):
    make_release("Live one")
    make_release("Draft one", status=Status.DRAFT)
    make_release("Embargoed one", publish_at=tomorrow())
    make_release("Expired one", publish_at=yesterday(), unpublish_at=now())
    for url in ("/news/feed/", "/news/feed/atom/"):
        body = client.get(url).content.decode()
        assert "Live one" in body
        assert "Draft one" not in body
        assert "Embargoed one" not in body
        assert "Expired one" not in body


def test_filtered_feed_follows_the_newsroom_filters_and_says_so_in_its_title(client):
    make_release("Beijing seminar", countries=[country("CN")], kind="press-release")
    make_release("Beijing story", countries=[country("CN")], kind="story")
    make_release("Dhaka release", countries=[country("BD")], kind="press-release")
    response = client.get("/news/feed/?country=china&kind=press-release&utm_source=x")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert [item.findtext("title") for item in channel.findall("item")] == ["Beijing seminar"]
    assert "China" in channel.findtext("title")
    assert channel.findtext("title").startswith("IOM news – ")
    assert "utm_source" not in channel.findtext("link")
    atom = ElementTree.fromstring(client.get("/news/feed/atom/?country=china").content)
    assert atom.findtext(f"{ATOM}title") == "IOM news – China"


@pytest.mark.parametrize("query", ["country=zz", "region=atlantis", "tag=no-such-topic"])
def test_unknown_filter_slug_is_a_404(client, query):
    assert client.get(f"/news/feed/?{query}").status_code == 404
    assert client.get(f"/news/feed/atom/?{query}").status_code == 404


def test_malformed_filter_values_are_ignored_not_a_500(client):
    make_release("Still listed")
    response = client.get("/news/feed/?year=abc&kind=nonsense&page=-1&country=" + "x" * 10_000)
    assert [item.findtext("title") for item in rss_items(response)] == ["Still listed"]


def test_feed_is_capped(client):
    make_releases(FEED_ITEMS + 2)
    assert len(rss_items(client.get("/news/feed/"))) == FEED_ITEMS


def test_titles_are_escaped(client):
    make_release("</script><script>alert(1)</script>", summary="<b>bold</b> & more")
    for url in ("/news/feed/", "/news/feed/atom/"):
        body = client.get(url).content
        assert b"<script>" not in body
        ElementTree.fromstring(body)  # still well-formed XML


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/?tag=migration&country=china"])
def test_query_count_is_constant(client, django_assert_max_num_queries, url):
    image = make_image()
    for number in (5, 50):
        make_releases(number, image=image, countries=[country("CN")], tags=["Migration", "Climate"])
        client.get(url)  # once per content change: the next scheduled change, the menu
        with django_assert_max_num_queries(5):
            assert client.get(url).status_code == 200


def test_pages_link_to_their_feeds(client):
    make_release(countries=[country("CN")])
    newsroom = client.get("/news/").content.decode()
    assert 'type="application/rss+xml"' in newsroom
    assert 'href="http://testserver/news/feed/"' in newsroom
    assert 'href="http://testserver/news/feed/atom/"' in newsroom
    filtered = client.get("/news/?country=china&year=abc&utm_campaign=x").content.decode()
    assert 'href="http://testserver/news/feed/?country=china"' in filtered
    country_page = client.get("/where-we-work/china/").content.decode()
    assert 'href="http://testserver/news/feed/?country=china"' in country_page


def test_last_modified_header_is_the_latest_item(client):
    make_release(publish_at=timezone.now() - timezone.timedelta(hours=3))
    response = client.get("/news/feed/")
    assert "Last-Modified" in response


@given(
    query=st.dictionaries(
        st.sampled_from(["kind", "country", "region", "tag", "year", "month", "language", "page"]),
        st.text(max_size=40),
        max_size=4,
    )
)
@settings(max_examples=40, deadline=None, database=None)
def test_any_filter_values_give_a_feed_or_a_404(query):
    client = Client()
    for url in ("/news/feed/", "/news/feed/atom/"):
        assert client.get(url, query).status_code in (200, 400, 404)
