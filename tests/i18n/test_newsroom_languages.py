"""Each translation group appears once in every list: in the list's language where that
version is live, else as its original; a version that is not live appears nowhere."""

import re
from xml.etree import ElementTree

import pytest

from news.models import Release, SearchDocument
from tests.factories import country, make_release, tomorrow, yesterday

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def group():
    """An English original with a live French version and a Spanish version under embargo."""
    chad = [country("TD")]
    original = make_release(
        "Floods displace thousands",
        slug="floods",
        publish_at=yesterday(),
        countries=chad,
    )
    french = make_release(
        "Des inondations déplacent des milliers de personnes",
        slug="inondations",
        language="fr",
        translation_of=original,
        publish_at=yesterday(),
        countries=chad,
    )
    spanish = make_release(
        "Inundaciones desplazan a miles",
        slug="inundaciones",
        language="es",
        translation_of=original,
        publish_at=tomorrow(),
        countries=chad,
    )
    alone = make_release("Health in camps", slug="health", publish_at=yesterday())
    return {"original": original, "fr": french, "es": spanish, "alone": alone}


def release_links(html):
    return re.findall(r'href="((?:/\w\w)?/news/[\w-]+/)"', html)


@pytest.mark.parametrize(
    "address, shown",
    [
        ("/news/", ["/news/health/", "/news/floods/"]),
        ("/fr/news/", ["/fr/news/health/", "/fr/news/inondations/"]),
        ("/es/news/", ["/es/news/health/", "/es/news/floods/"]),
    ],
)
def test_the_newsroom_lists_each_group_once_in_its_language(client, group, address, shown):
    links = release_links(client.get(address).text)
    assert sorted(set(links)) == sorted(shown)


@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_every_list_counts_the_same_groups(client, group, prefix):
    for address in ("/news/", "/news/feed/", "/where-we-work/chad/", "/"):
        html = client.get(prefix + address).text
        assert "inundaciones" not in html  # under embargo: in no list, feed or page
    assert client.get(f"{prefix}/news/").context["page_obj"].paginator.count == 2
    assert client.get(f"{prefix}/news/?country=chad").context["page_obj"].paginator.count == 1


def test_an_embargoed_version_is_no_page_until_it_lifts(client, group):
    assert client.get("/es/news/inundaciones/").status_code == 404
    assert client.get("/news/inundaciones/").status_code == 404


def test_a_release_reads_in_any_language_of_the_site(client, group):
    """The French newsroom links English originals under /fr/: the page around them is French."""
    response = client.get("/fr/news/floods/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def alternates(html):
    return dict(
        re.findall(
            r'<link rel="alternate" hreflang="([\w-]+)" href="http://testserver([^"]+)"', html
        )
    )


def test_hreflang_links_name_every_live_version_and_nothing_else(client, group):
    expected = {"en": "/news/floods/", "fr": "/fr/news/inondations/", "x-default": "/news/floods/"}
    for address in ("/news/floods/", "/fr/news/inondations/", "/es/news/floods/"):
        html = client.get(address).text
        assert alternates(html) == expected, address
        assert "inundaciones" not in html
    html = client.get("/fr/news/inondations/").text
    assert '<meta property="og:locale" content="fr_FR">' in html
    assert '<meta property="og:locale:alternate" content="en_GB">' in html
    assert '"inLanguage": "fr"' in html


def test_a_release_read_under_another_prefix_is_at_home_under_its_own(client, group):
    html = client.get("/es/news/floods/").text
    assert '<link rel="canonical" href="http://testserver/news/floods/">' in html
    assert '<h1 lang="en">Floods displace thousands</h1>' in html
    assert '<div class="rich-text" lang="en">' in html
    html = client.get("/fr/news/inondations/").text
    assert '<div class="rich-text">' in html  # in the page's language


def test_the_switcher_links_each_version_or_the_nearest_newsroom(client, group):
    html = client.get("/news/floods/").text
    assert 'href="/fr/news/inondations/" hreflang="fr"' in html
    assert 'href="/es/news/" hreflang="es"' in html  # the Spanish version is not live yet


def test_the_switcher_keeps_the_newsroom_filters_and_the_prefix(client, group):
    html = client.get("/fr/news/?country=chad&bogus=1").text
    assert 'href="/news/?country=chad" hreflang="en"' in html
    assert 'href="/es/news/?country=chad" hreflang="es"' in html
    assert 'href="/fr/news/?country=chad&amp;page=' not in html
    assert "/fr/news/?" in html and 'href="/news/?kind=' not in html  # filter links keep /fr/


def test_pages_in_every_language_name_each_other(client, group):
    assert alternates(client.get("/fr/news/").text) == {
        "en": "/news/",
        "fr": "/fr/news/",
        "es": "/es/news/",
        "x-default": "/news/",
    }


def test_the_sitemap_lists_each_live_version_with_its_alternates(client, group):
    root = ElementTree.fromstring(client.get("/sitemap-releases.xml").content)
    entries = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    site = "http://testserver"
    versions = {
        "en": f"{site}/news/floods/",
        "fr": f"{site}/fr/news/inondations/",
        "x-default": f"{site}/news/floods/",
    }
    assert entries == {
        f"{site}/news/health/": {},
        f"{site}/news/floods/": versions,
        f"{site}/fr/news/inondations/": versions,
    }


def test_the_sitemap_names_each_country_page_in_every_language(client, group):
    root = ElementTree.fromstring(client.get("/sitemap-countries.xml").content)
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
    assert {
        "http://testserver/where-we-work/chad/",
        "http://testserver/fr/where-we-work/chad/",
        "http://testserver/es/where-we-work/chad/",
    } <= set(locations)


def test_the_api_filters_by_language_and_names_the_live_versions(client, group):
    french = client.get("/api/releases/?language=fr").json()["results"]
    assert [release["slug"] for release in french] == ["inondations"]
    versions = client.get("/api/releases/floods/").json()["versions"]
    assert versions == [
        {
            "language": "en",
            "url": "http://testserver/news/floods/",
            "api_url": "http://testserver/api/releases/floods/",
        },
        {
            "language": "fr",
            "url": "http://testserver/fr/news/inondations/",
            "api_url": "http://testserver/api/releases/inondations/",
        },
    ]
    assert client.get("/api/releases/inundaciones/").status_code == 404


def test_an_original_in_another_language_is_marked_with_it(client, group):
    html = client.get("/fr/news/").text
    health = html.index('href="/fr/news/health/"')
    card = html[health - 400 : health]
    assert '<div lang="en">' in card
    assert "card-language" in card
    inondations = html.index('href="/fr/news/inondations/"')
    assert '<div lang="' not in html[inondations - 200 : inondations]


def test_a_group_whose_original_is_not_live_shows_a_live_version_in_every_list(client, group):
    group["original"].unpublish_at = yesterday()
    group["original"].save()
    counts = {}
    for prefix in ("", "/fr", "/es"):
        response = client.get(f"{prefix}/news/")
        counts[prefix] = response.context["page_obj"].paginator.count
        assert f'href="{prefix}/news/inondations/"' in response.text
    assert set(counts.values()) == {2}


def test_an_original_deleted_with_its_versions_in_one_go_leaves_no_search_document(
    staff_client, group
):
    """Django unlinks the versions before deleting them (an UPDATE the search triggers see)."""
    ids = [release.pk for release in group.values()]
    response = staff_client.post(
        "/admin/news/release/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Release.objects.exists()
    assert not SearchDocument.objects.exists()
