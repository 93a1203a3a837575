"""The newsroom's filters: combinable, counted, shareable, and never a 500."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from news.facets import TOP_CHOICES
from tests.factories import country, make_release, make_releases, tomorrow

pytestmark = pytest.mark.django_db


def page(client, query=""):
    response = client.get(f"/news/{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def titles(soup):
    return [link.get_text() for link in soup.select(".card-title a")]


def options(soup, name):
    """{value: label} of the select for one filter, the empty "All" left out."""
    select = soup.find("select", attrs={"name": name})
    return {option["value"]: option.get_text() for option in select.find_all("option")[1:]}


@pytest.fixture
def newsroom():
    """Releases in China, Peru and both; news and stories; 2025 and 2026; two topics."""
    return {
        "china_story": make_release(
            "China story",
            kind="story",
            countries=[country("CN")],
            tags=["Climate"],
            publish_at=datetime(2025, 3, 10, tzinfo=timezone.UTC),
        ),
        "china_news": make_release(
            "China news", kind="news", countries=[country("CN")], tags=["Labour migration"]
        ),
        "both": make_release(
            "China and Peru news", kind="news", countries=[country("CN"), country("PE")]
        ),
        "peru": make_release("Peru news", kind="news", countries=[country("PE")], language="es"),
        "draft": make_release("Draft in China", status="draft", countries=[country("CN")]),
        "embargoed": make_release(
            "Embargoed in China", publish_at=tomorrow(), countries=[country("CN")]
        ),
    }


def test_country_filter_lists_its_live_releases_only(client, newsroom):
    soup = page(client, "?country=china")
    assert sorted(titles(soup)) == ["China and Peru news", "China news", "China story"]
    assert "3 releases" in soup.select_one(".result-count").get_text()


def test_filters_combine(client, newsroom):
    combinations = {
        "?country=china&kind=news": ["China and Peru news", "China news"],
        "?country=china&kind=news&tag=labour-migration": ["China news"],
        "?country=peru&language=es": ["Peru news"],
        "?year=2025&month=3": ["China story"],
        "?region=americas": ["China and Peru news", "Peru news"],
        "?region=americas&country=china": [],
    }
    for query, expected in combinations.items():
        assert sorted(titles(page(client, query))) == expected, query


def test_counts_per_choice_are_what_picking_the_choice_gives(client, newsroom):
    soup = page(client, "?kind=news")
    # Countries are counted among the news; kinds among all releases: picking one replaces it.
    assert options(soup, "country")["china"] == "China (2)"
    assert options(soup, "country")["peru"] == "Peru (2)"
    assert options(soup, "kind") == {"news": "News (3)", "story": "Story (1)"}
    assert options(soup, "language") == {"en": "English (2)", "es": "Spanish (1)"}
    for value, label in options(soup, "country").items():
        expected = int(label.rsplit("(", 1)[1].rstrip(")"))
        assert len(titles(page(client, f"?kind=news&country={value}"))) == expected


def test_year_facet_and_month_only_with_a_year(client, newsroom):
    soup = page(client)
    assert options(soup, "year")["2025"] == "2025 (1)"
    assert soup.find("select", attrs={"name": "month"}) is None
    soup = page(client, "?year=2025")
    assert options(soup, "month") == {"3": "March (1)"}


def test_chosen_values_stay_selected(client, newsroom):
    soup = page(client, "?country=peru&kind=news")
    assert soup.select_one('select[name="country"] option[selected]')["value"] == "peru"
    assert soup.select_one('select[name="kind"] option[selected]')["value"] == "news"


def test_each_active_filter_has_a_link_that_removes_it(client, newsroom):
    soup = page(client, "?country=china&kind=news&utm_source=mail")
    links = {
        link.get_text(" ", strip=True): link["href"] for link in soup.select(".active-filters a")
    }
    remove_country = next(href for text, href in links.items() if "China" in text)
    assert parse_qs(urlsplit(remove_country).query) == {"kind": ["news"]}
    remove_kind = next(href for text, href in links.items() if "News" in text)
    assert parse_qs(urlsplit(remove_kind).query) == {"country": ["china"]}
    assert "utm_source" not in str(soup.select(".active-filters"))


def test_removing_the_year_removes_its_month(client, newsroom):
    soup = page(client, "?year=2025&month=3")
    remove_year = next(
        link["href"] for link in soup.select(".active-filters a") if "2025" in link.get_text()
    )
    assert parse_qs(urlsplit(remove_year).query) == {}


def test_form_is_accessible_and_works_without_javascript(client, newsroom):
    soup = page(client)
    form = soup.select_one("form.filters")
    assert form["method"] == "get"
    assert form.find("fieldset").find("legend")
    assert form.find("button", attrs={"type": "submit"})
    for select in form.find_all("select"):
        assert form.find("label", attrs={"for": select["id"]})


def test_pagination_keeps_the_filters(client):
    make_releases(25, countries=[country("CN")], kind="news")
    make_releases(3, kind="story")
    soup = page(client, "?country=china&kind=news")
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_link).query) == {
        "country": ["china"],
        "kind": ["news"],
        "page": ["2"],
    }
    assert len(titles(page(client, next_link))) == 5


@pytest.mark.parametrize("query", ["?country=zz", "?region=atlantis", "?tag=no-such-topic"])
def test_unknown_country_region_or_topic_is_a_404(client, newsroom, query):
    assert client.get(f"/news/{query}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?year=abc",
        "?year=1800",
        "?month=march",
        "?kind=opinion",
        "?language=de",
        "?country=Not%20a%20slug!",
        "?country=" + "x" * 10_000,
    ],
)
def test_malformed_values_are_ignored_and_said_so(client, newsroom, query):
    soup = page(client, query)
    assert soup.select_one(".filters-ignored")
    assert len(titles(soup)) == 4  # every live release: the filter did not apply
    assert "x" * 200 not in str(soup)  # a huge value is not echoed back


def test_month_without_a_year_is_not_applied(client, newsroom):
    soup = page(client, "?month=3")
    assert len(titles(soup)) == 4
    assert "Month" in soup.select_one(".filters-ignored").get_text()


@pytest.mark.parametrize("number", ["-1", "0", "abc", "99999", "9" * 5000])
def test_bad_page_numbers_give_a_real_page(client, newsroom, number):
    assert len(titles(page(client, f"?country=china&page={number}"))) == 3


def test_repeated_parameters_use_one_value(client, newsroom):
    assert titles(page(client, "?country=china&country=peru&language=es")) == ["Peru news"]


def test_unknown_parameters_are_ignored(client, newsroom):
    assert len(titles(page(client, "?colour=blue&__class__=x&countries__slug=peru"))) == 4


def test_nul_byte_is_refused_not_a_500(client, newsroom):
    assert client.get("/news/", {"country": "chi\x00na"}).status_code == 400


def test_query_count_is_constant_as_releases_grow(client, django_assert_max_num_queries):
    query = "?country=china&kind=news&year=" + str(timezone.now().year)
    total = 0
    for number in (5, 60):
        total += number
        make_releases(
            number, countries=[country("CN"), country("PE")], tags=["Climate"], kind="news"
        )
        client.get("/media-contacts/")  # builds the menu and section pages: their key changed
        with django_assert_max_num_queries(NEWSROOM_QUERIES):
            soup = page(client, query)
        assert len(titles(soup)) == min(total, 20)
        with django_assert_max_num_queries(NEWSROOM_QUERIES - 3):  # the three tables are read
            page(client)


def test_only_the_most_frequent_countries_are_offered_and_the_chosen_one(client):
    codes = ["AF", "AL", "DZ", "AO", "AR", "AM", "AU", "AT", "AZ", "BD", "BE", "BJ", "BO"]
    codes += ["BR", "BG", "BF", "BI", "KH", "CM", "CA", "TD", "CL", "CN", "CO", "CD"]
    for frequency, code in enumerate(codes, start=1):
        make_releases(frequency, countries=[country(code)])
    offered = options(page(client), "country")
    assert len(offered) == TOP_CHOICES
    assert "afghanistan" not in offered
    assert (
        options(page(client, "?country=afghanistan"), "country")["afghanistan"] == "Afghanistan (1)"
    )


def test_counts_are_cached_until_content_changes(client, newsroom, django_assert_num_queries):
    page(client, "?kind=news")
    with django_assert_num_queries(CACHED_NEWSROOM_QUERIES):
        soup = page(client, "?kind=news")
    assert options(soup, "kind")["news"] == "News (3)"
    make_release("Another news", kind="news")
    assert options(page(client, "?kind=news"), "kind")["news"] == "News (4)"


# Counting: the calendar facet with the total, the country, region and topic facets, and how
# long they stay true (the next scheduled change). Then the cards of the page's releases, read
# once and kept rendered; the newsroom's own page (its title and intro) is cached with the menu.
# The facets count by id: the ids, slugs and names of the countries, regions and topics are
# read once per content change (three small tables), and also tell a filter's unknown slug.
CACHED_NEWSROOM_QUERIES = 0
NEWSROOM_QUERIES = 5 + 1 + 3


def test_a_release_about_two_countries_of_a_region_counts_once_for_it(client, newsroom):
    make_release("Andes news", kind="news", countries=[country("PE"), country("CL")])
    soup = page(client)
    assert options(soup, "region")["americas"] == "Americas (3)"
    assert options(soup, "country")["peru"] == "Peru (3)"
    assert options(soup, "kind")["news"] == "News (4)"


def test_a_new_topic_can_be_chosen_at_once(client, newsroom):
    assert client.get("/news/?tag=floods").status_code == 404
    make_release("Flood news", tags=["Floods"])
    assert titles(page(client, "?tag=floods")) == ["Flood news"]
