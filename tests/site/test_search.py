"""Site search: releases, pages, countries and contacts; full text on PostgreSQL."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from taggit.models import Tag

from news.models import Release, TitleWord
from news.search import CANDIDATES
from tests.factories import (
    country,
    make_contact,
    make_office,
    make_page,
    make_release,
    make_releases,
    now,
    release_row,
    tomorrow,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


def search(client, query):
    response = client.get("/search/", {"q": query} if isinstance(query, str) else query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def release_titles(soup):
    return [link.get_text() for link in soup.select(".search-result .card-title a")]


def test_finds_releases_by_words_in_title_summary_or_body(client):
    make_release("Flood response in Mozambique")
    make_release("Annual report", summary="Cyclone season and displacement.")
    make_release("Statement", body="<p>Resettlement of refugees from camps.</p>")
    make_release("Unrelated")
    assert release_titles(search(client, "flood")) == ["Flood response in Mozambique"]
    assert release_titles(search(client, "cyclone")) == ["Annual report"]
    assert release_titles(search(client, "resettlement refugees")) == ["Statement"]
    make_release("Flood statement", kind="statement")
    kinds = [kind.get_text() for kind in search(client, "flood").select(".search-result .kind")]
    assert kinds == ["Statement", "Press release"]


def test_finds_pages_countries_and_contacts(client):
    make_page("Migration health", summary="Health of migrants.")
    make_contact("Ana Ramírez", job_title="Media officer")
    soup = search(client, "health")
    assert "Migration health" in soup.select_one("#r-pages").find_parent("section").get_text()
    assert (
        "China"
        in search(client, "china").select_one("section[aria-labelledby=r-countries]").get_text()
    )
    assert "Ana Ramírez" in search(client, "ramírez").select_one(".contact-list").get_text()


def section_text(soup, heading_id):
    heading = soup.select_one(f"#{heading_id}")
    return heading.find_parent("section").get_text() if heading else ""


def test_finds_countries_and_contacts_by_a_name_close_to_the_query(client):
    make_contact("Ana Ramírez", job_title="Media officer")
    make_contact("Mohammed Ali Khan")
    assert "Mozambique" in section_text(search(client, "Mozambiqe"), "r-countries")
    assert "Ana Ramírez" in section_text(search(client, "ana ramirez"), "r-contacts")
    assert "Mohammed" in section_text(search(client, "mohamed"), "r-contacts")
    # Not close enough: another name, or a word too short to tell names apart.
    assert "Mozambique" not in section_text(search(client, "Mauritania"), "r-countries")
    assert section_text(search(client, "mo"), "r-countries") == ""


def test_a_contact_is_found_by_every_word_in_its_name_job_or_office(client):
    geneva = make_office("IOM Geneva")
    make_contact("Ana Ramírez", job_title="Media officer", office=geneva)
    make_contact("Paul Dillon", job_title="Spokesperson", office=make_office("IOM Nairobi"))
    assert "Ana Ramírez" in section_text(search(client, "media geneva"), "r-contacts")
    assert "Paul Dillon" not in section_text(search(client, "media geneva"), "r-contacts")
    assert section_text(search(client, "media nairobi"), "r-contacts") == ""
    assert "Paul Dillon" in section_text(search(client, "spokesperson nairobi"), "r-contacts")


def test_countries_and_contacts_found_follow_edits(client):
    contact = make_contact("Ana Ramírez")
    assert "Ana Ramírez" in section_text(search(client, "ramírez"), "r-contacts")
    contact.active = False
    contact.save()
    assert section_text(search(client, "ramírez"), "r-contacts") == ""
    chad = country("TD")
    chad.name = "Tchad"
    chad.save()
    assert "Tchad" in section_text(search(client, "tchad"), "r-countries")


def test_drafts_and_embargoed_releases_are_never_found(client):
    make_release("Cholera draft", status="draft")
    make_release("Cholera embargoed", publish_at=tomorrow())
    make_release("Cholera live")
    assert release_titles(search(client, "cholera")) == ["Cholera live"]


def test_filters_combine_with_the_query(client):
    make_release("Cholera in China", countries=[country("CN")])
    make_release("Cholera in Peru", countries=[country("PE")], kind="news")
    soup = search(client, {"q": "cholera", "country": "china"})
    assert release_titles(soup) == ["Cholera in China"]
    assert release_titles(search(client, {"q": "cholera", "kind": "news"})) == ["Cholera in Peru"]
    options = [option.get_text() for option in soup.select('select[name="country"] option')]
    assert "Peru (1)" in options  # counted over the matches, whatever the country filter
    remove = soup.select_one(".active-filters a")["href"]
    assert remove == "?q=cholera"


def options(soup, name):
    select = soup.find("select", attrs={"name": name})
    return {option["value"]: option.get_text() for option in select.find_all("option")[1:]}


def test_facets_count_each_match_once_under_the_other_filters(client):
    make_release("Cholera in the Andes", kind="news", countries=[country("PE"), country("CL")])
    make_release("Cholera in Peru", countries=[country("PE")])
    make_release("Cholera in China", kind="news", countries=[country("CN")])
    make_release("Measles in Chile", kind="news", countries=[country("CL")])
    asia = country("CN").region
    soup = search(client, {"q": "cholera", "kind": "news"})
    assert options(soup, "kind") == {"press-release": "Press release (1)", "news": "News (2)"}
    assert options(soup, "region") == {"americas": "Americas (1)", asia.slug: f"{asia.name} (1)"}
    assert options(soup, "country") == {
        "chile": "Chile (1)",
        "china": "China (1)",
        "peru": "Peru (1)",
    }
    assert options(soup, "year") == {str(now().year): f"{now().year} (2)"}
    soup = search(client, {"q": "cholera", "region": "americas", "year": now().year})
    assert options(soup, "region") == {"americas": "Americas (2)", asia.slug: f"{asia.name} (1)"}
    assert options(soup, "month") == {str(now().month): f"{now():%B} (2)"}


def test_year_and_month_filters_keep_releases_up_to_their_last_microsecond(client):
    def at(*moment):
        return datetime(*moment, tzinfo=UTC)

    make_release("Cholera, new year's eve", publish_at=at(2024, 12, 31, 23, 59, 59, 999999))
    make_release("Cholera, new year", publish_at=at(2025, 1, 1))
    make_release("Cholera, end of March", publish_at=at(2025, 3, 31, 23, 59, 59))
    make_release("Cholera, April", publish_at=at(2025, 4, 1))

    def found(**filters):
        return set(release_titles(search(client, {"q": "cholera", **filters})))

    assert found(year=2024) == {"Cholera, new year's eve"}
    assert found(year=2024, month=12) == {"Cholera, new year's eve"}
    assert found(year=2025) == {"Cholera, new year", "Cholera, end of March", "Cholera, April"}
    assert found(year=2025, month=3) == {"Cholera, end of March"}
    assert found(year=2025, month=4) == {"Cholera, April"}
    assert found(year=2025, month=2) == set()


def test_results_are_paginated_keeping_query_and_filters(client):
    make_releases(25, title="Cholera outbreak", kind="news")
    soup = search(client, {"q": "cholera", "kind": "news"})
    assert len(release_titles(soup)) == 20
    next_link = soup.select_one(".pagination a[rel=next]")["href"]
    assert next_link == "?q=cholera&kind=news&page=2"
    assert len(release_titles(search(client, {"q": "cholera", "kind": "news", "page": "2"}))) == 5
    assert len(release_titles(search(client, {"q": "cholera", "page": "-1"}))) == 5


def test_empty_query_shows_help(client):
    soup = search(client, "")
    assert soup.find("input", attrs={"name": "q"})
    assert "quotes" in soup.select_one("main").get_text()


@pytest.mark.parametrize(
    "query",
    [
        "!!!",
        "!!!!",
        '"',
        "-",
        "a & b | !c <-> d:*",
        "'; drop table news_release; --",
        "\\",
        "%_%",
        "the",
        "or",
        "x" * 10_000,
        " ".join(["word"] * 500),
        "\u0001\u0002",
        "\ue000cholera\ue001",
    ],
)
def test_junk_queries_give_a_page(client, query):
    make_release("Cholera live")
    search(client, query)


def test_query_is_bounded(client):
    soup = search(client, " ".join(f"word{n}" for n in range(50)))
    assert soup.find(id="search-q")["value"] == " ".join(f"word{n}" for n in range(10))


def test_unknown_filter_value_is_a_404(client):
    assert client.get("/search/", {"q": "cholera", "country": "zz"}).status_code == 404


def test_query_count_is_constant_as_releases_grow(client, django_assert_max_num_queries):
    for number in (5, 60):
        make_releases(number, title="Cholera outbreak", countries=[country("CN")], tags=["Health"])
        client.get("/search/")  # builds the menu again: its cache key changed
        with django_assert_max_num_queries(SEARCH_QUERIES):
            soup = search(client, {"q": "cholera", "kind": "press-release"})
        assert len(release_titles(soup)) == min(number + (5 if number == 60 else 0), 20)


def test_a_new_search_reads_no_names_countries_or_contacts_again(
    client, django_assert_max_num_queries
):
    make_releases(30, title="Cholera outbreak", countries=[country("CN")], tags=["Health"])
    make_contact("Ana Ramírez")
    search(client, "outbreak")
    with django_assert_max_num_queries(SEARCH_QUERIES - KEPT_UNTIL_CHANGE):
        soup = search(client, {"q": "cholera", "kind": "press-release"})
    assert len(release_titles(soup)) == 20


# The most recent matches under the filters, and under the other filters for the facets of
# the active ones; the page of releases (on PostgreSQL the first page comes with the
# matches); pages; and, read once per content change, the countries and contacts that search
# matches in memory and the names of the countries, regions and topics, and on PostgreSQL the
# live pages that pages are searched among (page_languages(): pages, then translations).
# SQLite's word search reads the matches' countries and topics in a second query per set of
# matches.
SEARCH_QUERIES = 10 if connection.vendor == "postgresql" else 11
KEPT_UNTIL_CHANGE = 7 if connection.vendor == "postgresql" else 5
# A typo adds the look-up of the closest title words and the search for them.
TYPO_QUERIES = SEARCH_QUERIES + 2


@postgresql_only
def test_typo_query_count_is_constant_as_releases_grow(client, django_assert_max_num_queries):
    for number in (5, 60):
        make_releases(number, title="Cholera outbreak", countries=[country("CN")], tags=["Health"])
        client.get("/search/")
        with django_assert_max_num_queries(TYPO_QUERIES):
            soup = search(client, {"q": "choleraa", "kind": "press-release"})
        assert len(release_titles(soup)) == min(number + (5 if number == 60 else 0), 20)


@pytest.fixture
def many_releases():
    """A few thousand releases; one has the word in its title, a few more in their body."""
    filler = "Displacement tracking update on shelter and food assistance"
    Release.objects.bulk_create(
        [release_row(f"{filler} {n}", summary="Weekly figures.") for n in range(3000)]
        + [
            release_row(f"{filler} bulletin", body="<p>A <b>cholera</b> vaccination drive.</p>")
            for _ in range(30)
        ]
        + [release_row("Cholera vaccination campaign reaches 50,000 people")]
    )


@postgresql_only
def test_word_search_ranks_title_hits_first_and_highlights(client, many_releases):
    assert not Release.objects.filter(search_vector=None).exists()  # the trigger filled them
    soup = search(client, "cholera")
    results = soup.select(".search-result")
    assert release_titles(soup)[0] == "Cholera vaccination campaign reaches 50,000 people"
    assert "31 releases" in soup.select_one(".result-count").get_text()
    assert all(result.find("mark") for result in results)
    assert {mark.get_text().lower() for mark in soup.select(".search-result mark")} == {"cholera"}


@postgresql_only
def test_snippets_are_escaped_except_the_highlights(client):
    make_release("Notice", summary="<script>alert(1)</script> cholera &amp; <b>measles</b>")
    soup = search(client, "cholera")
    snippet = soup.select_one(".search-result p:not(.card-meta)")
    assert [tag.name for tag in snippet.find_all(True)] == ["mark"]
    assert "alert(1)" in snippet.get_text()
    assert "measles" in snippet.get_text()


@postgresql_only
def test_french_release_is_found_by_a_french_word_form(client):
    make_release(
        "Les travailleurs migrants aux frontières",
        language="fr",
        summary="Les travailleurs saisonniers traversent les frontières nationales.",
    )
    make_release("Border management", summary="Borders and frontier posts.")
    assert release_titles(search(client, "frontière")) == [
        "Les travailleurs migrants aux frontières"
    ]
    assert release_titles(search(client, "travailleur migrant")) == [
        "Les travailleurs migrants aux frontières"
    ]


@postgresql_only
def test_a_typo_finds_the_word_through_trigrams(client, many_releases):
    make_release("Migration data portal launched")
    soup = search(client, "migrtion")
    assert release_titles(soup) == ["Migration data portal launched"]
    assert "close to it" in soup.select_one("#r-news").find_parent("section").get_text()
    assert release_titles(search(client, "choleera"))[0].startswith("Cholera vaccination")


@postgresql_only
def test_edited_release_is_found_by_its_new_words(client):
    release = make_release("Old title")
    release.title = "Typhoon response"
    release.save()
    assert release_titles(search(client, "typhoon")) == ["Typhoon response"]


@postgresql_only
def test_ranks_and_counts_the_most_recent_matches_only(client):
    def days_ago(days):
        return now() - timedelta(days=days)

    Release.objects.bulk_create(
        [release_row("Cholera in the archive", publish_at=days_ago(900))]
        + [
            release_row(
                f"Weekly update {n}",
                body="<p>Cholera cases fell.</p>",
                publish_at=days_ago(n % 300 + 1),
            )
            for n in range(CANDIDATES)
        ]
        + [release_row("Cholera vaccination reaches the camps", publish_at=days_ago(100))]
    )
    soup = search(client, "cholera")
    assert release_titles(soup)[0] == "Cholera vaccination reaches the camps"
    assert f"At least {CANDIDATES} releases" in soup.select_one(".result-count").get_text()
    kinds = [option.get_text() for option in soup.select('select[name="kind"] option')]
    assert kinds == ["All", f"Press release ({CANDIDATES})"]
    last_page = search(client, {"q": "cholera", "page": str(CANDIDATES // 20)})
    assert "Cholera in the archive" not in release_titles(last_page)
    # A filter searches all the matches again, the old ones included.
    archive = Release.objects.get(title="Cholera in the archive")
    archive.countries.add(country("PE"))
    assert release_titles(search(client, {"q": "cholera", "country": "peru"})) == [
        "Cholera in the archive"
    ]


@postgresql_only
def test_title_words_are_kept_for_typos_on_bulk_insert_and_edit(client):
    Release.objects.bulk_create([release_row("Monsoon floods"), release_row("Locust swarms")])
    release = make_release("Old title")
    release.title = "Typhoon response"
    release.save()
    words = set(TitleWord.objects.values_list("word", flat=True))
    assert {"monsoon", "floods", "locust", "swarms", "typhoon", "response"} <= words
    assert release_titles(search(client, "typhon")) == ["Typhoon response"]


@postgresql_only
def test_edited_page_is_found_by_its_new_words(client):
    page = make_page("Old page")
    page.body = "<p>Remittances corridors and fees.</p>"
    page.save()
    sections = search(client, "remittances").select("#r-pages")
    assert sections and "Old page" in sections[0].find_parent("section").get_text()


@postgresql_only
def test_total_and_pages_are_those_of_the_filtered_matches(client):
    def days_ago(days):
        return now() - timedelta(days=days)

    Release.objects.bulk_create(
        [
            release_row("Cholera story", kind="story", publish_at=days_ago(1))
            for _ in range(CANDIDATES)
        ]
        + [release_row("Cholera news", kind="news", publish_at=days_ago(30)) for _ in range(30)]
    )
    soup = search(client, {"q": "cholera", "kind": "news"})
    assert "30 releases" in soup.select_one(".result-count").get_text()
    assert len(release_titles(soup)) == 20
    assert len(release_titles(search(client, {"q": "cholera", "kind": "news", "page": "2"}))) == 10


@postgresql_only
def test_a_word_that_the_filters_leave_out_is_no_typo(client):
    make_release("Update", body="<p>Migrants arrive.</p>", countries=[country("PE")])
    make_release("Migration in China", countries=[country("CN")])
    assert release_titles(search(client, {"q": "migrants", "country": "china"})) == []
    # Without the match in Peru, the query is taken as a typo of the title word "migration".
    assert release_titles(search(client, {"q": "migrantz", "country": "china"})) == [
        "Migration in China"
    ]


@postgresql_only
def test_filters_follow_topics_and_countries_changed_after_saving(client):
    release = make_release("Cholera in Chad", countries=[country("TD")], tags=["Health"])
    release.countries.remove(country("TD"))
    release.countries.add(country("PE"))
    assert release_titles(search(client, {"q": "cholera", "country": "chad"})) == []
    assert release_titles(search(client, {"q": "cholera", "country": "peru"})) == [
        "Cholera in Chad"
    ]
    assert release_titles(search(client, {"q": "cholera", "region": "americas"})) == [
        "Cholera in Chad"
    ]
    topic = Tag.objects.get(slug="health")
    topic.slug = "global-health"
    topic.save()  # as the admin renames it
    assert release_titles(search(client, {"q": "cholera", "tag": "global-health"})) == [
        "Cholera in Chad"
    ]
    release.tags.clear()
    assert release_titles(search(client, {"q": "cholera", "tag": "global-health"})) == []


@postgresql_only
def test_expired_unpublished_and_deleted_releases_are_never_found(client):
    make_release("Cholera expired", unpublish_at=now() - timedelta(hours=1))
    unpublished = make_release("Cholera unpublished")
    Release.objects.filter(pk=unpublished.pk).unpublish()
    make_release("Cholera deleted").delete()
    make_release("Cholera live", language="fr")
    assert release_titles(search(client, "cholera")) == ["Cholera live"]
    assert release_titles(search(client, {"q": "cholera", "language": "fr"})) == ["Cholera live"]
    assert release_titles(search(client, {"q": "cholera", "language": "en"})) == []


def test_a_search_asked_again_runs_no_query_until_content_changes(
    client, django_assert_num_queries
):
    make_release("Cholera in Chad", countries=[country("TD")])
    search(client, {"q": "cholera", "country": "chad"})
    with django_assert_num_queries(0):
        again = search(client, {"q": "cholera", "country": "chad"})
    assert release_titles(again) == ["Cholera in Chad"]
    make_release("Cholera vaccination in Chad", countries=[country("TD")])
    assert len(release_titles(search(client, {"q": "cholera", "country": "chad"}))) == 2
    # Another page, other filters, another query: each its own results.
    assert release_titles(search(client, {"q": "cholera", "page": "2"})) == release_titles(
        search(client, {"q": "cholera"})
    )  # one page only: page 2 is the last
    assert release_titles(search(client, {"q": "cholera", "country": "peru"})) == []
    assert release_titles(search(client, {"q": "vaccination"})) == ["Cholera vaccination in Chad"]


def test_a_scheduled_release_is_found_on_time_by_a_search_asked_before(client):
    moment = now()
    make_release("Cholera appeal", publish_at=moment - timedelta(hours=1))
    make_release("Cholera embargoed", publish_at=moment + timedelta(seconds=30))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert release_titles(search(client, "cholera")) == ["Cholera appeal"]
    with mock.patch("django.utils.timezone.now", return_value=moment + timedelta(seconds=31)):
        assert release_titles(search(client, "cholera")) == ["Cholera embargoed", "Cholera appeal"]
