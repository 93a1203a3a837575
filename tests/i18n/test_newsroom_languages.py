"""Each translation group appears once in every list: in the list's language where that
version is live, else as its original; a version that is not live appears nowhere."""

import re

import pytest

from tests.factories import country, make_release, tomorrow, yesterday

pytestmark = pytest.mark.django_db


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
