"""Search finds, orders and counts the same releases whatever plan the database follows.

A fixed corpus of a few hundred releases, with words in none, a few, tens and hundreds of
them, and queries of every kind a visitor types. What the search page shows for each (the
releases of the page in order, the count and every filter's choices with their numbers) is
compared with what the search answered before its plans were chosen by the query
(search_results_before.json, recorded from that code with RECORD_SEARCH_RESULTS=1).
"""

import json
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime
from taggit.models import Tag, TaggedItem

from news.models import Release
from tests.factories import country, release_row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search: PostgreSQL"),
]

BEFORE = Path(__file__).with_name("search_results_before.json")
RELEASES = 600
START = datetime(2019, 1, 1, 9, tzinfo=UTC)
COUNTRIES = ["CN", "PE", "TD", "BD", "CL", "FR", "ES", "MX"]
TOPICS = ["Health", "Shelter", "Displacement", "Climate"]
KINDS = ["press-release", "news", "story", "statement", "briefing-note"]
# Words by how many releases hold them: most, many, some, a few, one.
COMMON = ["migrants", "assistance"]
FREQUENT = ["health", "shelter", "border", "families"]
SOME = ["cholera", "floods", "earthquake", "vaccination", "remittances", "drought"]
FEW = ["locusts", "tsunami", "landslide"]
ONCE = ["quokka", "xylograph"]
FRENCH = ["frontières", "réfugiés", "travailleurs", "santé"]
SPANISH = ["familias", "frontera", "salud", "trabajadores"]
FILLER = "update on the response and the needs of communities in the region".split()

QUERIES = [
    "migrants",
    "assistance",
    "health",
    "cholera",
    "locusts",
    "quokka",
    "zzyzx",
    "the",
    "migrants assistance",
    "cholera floods",
    "health shelter border",
    "migrants assistance health shelter border families",
    '"mental health support"',
    '"support health"',
    "migrants -health",
    "assistance -cholera -floods",
    "frontière",
    "réfugiés santé",
    "familias",
    "trabajadores frontera",
    "choleraa",
    "vaccinaton",
    "earthqake floods",
    "zzyzx quokka",
    {"q": "migrants", "page": "3"},
    {"q": "migrants", "country": "china"},
    {"q": "migrants", "kind": "news", "tag": "health"},
    {"q": "cholera", "region": "americas"},
    {"q": "assistance", "language": "fr"},
    {"q": "health", "year": "2021"},
    {"q": "migrants", "year": "2023", "month": "3"},
    {"q": "locusts", "country": "peru"},
    {"q": "quokka", "kind": "statement"},
    {"q": "zzyzx", "tag": "shelter"},
    {"q": "migrants -health", "country": "chad", "year": "2020"},
    {"q": '"mental health support"', "tag": "health"},
    {"q": "health", "kind": "news", "page": "2"},
]


def corpus():
    """Unsaved releases, their countries and topics: the same every time."""
    rng = random.Random(15)
    rows = []
    for n in range(RELEASES):
        language = rng.choices(["en", "fr", "es"], [80, 12, 8])[0]
        words = rng.sample(FILLER, 6)
        if language == "fr":
            words += rng.sample(FRENCH, 2)
        elif language == "es":
            words += rng.sample(SPANISH, 2)
        for group, share in ((COMMON, 0.6), (FREQUENT, 0.15), (SOME, 0.04), (FEW, 0.01)):
            words += [word for word in group if rng.random() < share]
        rng.shuffle(words)
        if n % 7 == 0:
            words.insert(rng.randrange(len(words)), "mental health support")
        title = f"Bulletin {n}: {' '.join(words[:5])}"
        body = f"<p>{' '.join(words[5:])}.</p>"
        publish_at = START + timedelta(days=n * 3, hours=n % 24)
        status, unpublish_at = "published", None
        if n % 50 == 1:
            status = "draft"
        elif n % 50 == 2:
            unpublish_at = publish_at + timedelta(days=5)
        elif n == RELEASES - 1:
            publish_at = datetime(2100, 1, 1, tzinfo=UTC)  # embargoed
        row = release_row(
            title,
            slug=f"bulletin-{n}",
            kind=rng.choice(KINDS),
            language=language,
            summary=f"Summary {' '.join(rng.sample(words, min(3, len(words))))}.",
            body=body,
            status=status,
            publish_at=publish_at if status == "published" else None,
            unpublish_at=unpublish_at,
        )
        places = rng.sample(COUNTRIES, rng.choice((1, 1, 2)))
        topics = rng.sample(TOPICS, rng.randint(0, 2))
        rows.append((row, places, topics))
    for n, word in enumerate(ONCE):
        rows[100 + n * 200][0].body += f"<p>A {word}.</p>"
    return rows


@pytest.fixture
def searchable():
    rows = corpus()
    releases = Release.objects.bulk_create(row for row, _, _ in rows)
    places = {code: country(code) for code in COUNTRIES}
    topics = {name: Tag.objects.get_or_create(name=name)[0] for name in TOPICS}
    through = Release.countries.through
    through.objects.bulk_create(
        through(release=release, country=places[code])
        for release, (_, codes, _) in zip(releases, rows, strict=True)
        for code in codes
    )
    release_type = ContentType.objects.get_for_model(Release)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=topics[name], content_type=release_type, object_id=release.pk)
        for release, (_, _, names) in zip(releases, rows, strict=True)
        for name in names
    )
    analyze()


def shown(client, params):
    """What the search page shows of releases for `params`."""
    response = client.get("/search/", {"q": params} if isinstance(params, str) else params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    count = soup.select_one(".result-count")
    return {
        "releases": [link.get_text() for link in soup.select(".search-result .card-title a")],
        "count": count.get_text(" ", strip=True) if count else None,
        "similar words": bool(soup.find(string=lambda text: "close to it" in text)),
        "choices": {
            select["name"]: [option.get_text() for option in select.find_all("option")[1:]]
            for select in soup.select(".filters select")
        },
        "snippets": [
            [mark.get_text() for mark in result.select("mark")]
            for result in soup.select(".search-result")
        ],
    }


def analyze():
    """The statistics the plans are chosen from, as autovacuum keeps them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_searchdocument")


# How news_search_most_recent() may find the matches, for one test's transaction.
DEFAULT = {}
WALK = {"news.search_walk_share": "0"}  # in publishing order
# All matches, from the text index alone.
INDEX = {
    "news.search_walk_share": "2",
    "news.search_index_rows": "1000000",
    "news.search_phrase_pairs": "off",
}
SLICES = {"news.search_walk_share": "2", "news.search_index_rows": "15"}  # newest first
# A phrase's candidates from the index of adjacent words, newest first.
PAIRS = {**SLICES, "news.search_phrase_pairs": "on"}


def plan(settings):
    """Searches from here on find their matches this way, none from the cache."""
    cache.clear()
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@pytest.mark.parametrize("settings", [DEFAULT, WALK, INDEX, SLICES, PAIRS])
def test_each_kind_of_query_finds_what_it_found_before(client, searchable, settings):
    plan(settings)
    found = {json.dumps(params, ensure_ascii=False): shown(client, params) for params in QUERIES}
    if os.environ.get("RECORD_SEARCH_RESULTS"):
        BEFORE.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    before = json.loads(BEFORE.read_text())
    for params, page in found.items():
        assert page == before[params], params
    assert {len(page["releases"]) for page in found.values()} >= {0, 1, 20}


def test_older_matches_than_the_walk_or_slice_reached_come_from_the_text_index(client):
    """A word common in the archive but absent from recent releases: the walk or the newest
    slice stops early and the text index finds the rest, as the walk alone or the index alone
    would."""
    Release.objects.bulk_create(
        release_row(
            f"Archive bulletin {n}" if n < 2000 else f"Recent bulletin {n}",
            publish_at=START + timedelta(hours=n),
        )
        for n in range(3000)
    )
    analyze()
    walk_then_index = {"news.search_walk_share": "0.5"}
    ways = [WALK, walk_then_index, INDEX, SLICES, DEFAULT]
    pages = pages_each_way(client, ways, "archive", ("1", "10"))
    assert pages[1]["releases"][-1] == "Archive bulletin 1800"


def pages_each_way(client, ways, query, numbers):
    """The pages `numbers` of the results for `query` (the words, or the parameters with
    filters), asserted the same whichever way of `ways` found the matches."""
    params = query if isinstance(query, dict) else {"q": query}
    pages = []
    for settings in ways:
        plan(settings)
        pages.append([shown(client, {**params, "page": number}) for number in numbers])
    assert all(found == pages[0] for found in pages), query
    return pages[0]


def test_older_matches_found_slice_by_slice_are_those_the_text_index_finds(client):
    """Matches only among the oldest releases, and a phrase whose words are together in every
    release but side by side in the oldest and a few others: after the walk or the newest
    slice, the older matches come in slices, each twice as long while none is found, down to
    the oldest. Every way gives the pages that the text index alone gives."""
    Release.objects.bulk_create(
        release_row(
            f"{'tide gauge' if n < 250 or n % 500 == 0 else 'gauge station tide'}"
            f"{' surge' if n < 300 else ''} {n}",
            publish_at=START + timedelta(hours=n),
        )
        for n in range(4000)
    )
    analyze()
    ways = [INDEX, DEFAULT, SLICES, {"news.search_walk_share": "0.2"}]
    ways += [{"news.search_walk_share": "2", "news.search_index_rows": "60"}]
    for query in ("surge", '"tide gauge"', "surge tide"):
        pages = pages_each_way(client, ways, query, ("1", "5", "10"))
        assert pages[2]["releases"], query  # 200 matches and more: ten pages


def counted_during_search(client, query, counter):
    """How much the current transaction's statistic `counter` (SQL) grew while a search for
    `query`, asked anew, ran."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'all'")
        cursor.execute(counter)
        before = cursor.fetchone()[0]
        cache.clear()
        shown(client, query)
        cursor.execute(counter)
        return cursor.fetchone()[0] - before


# news_search_most_recent() reads the dates' histogram to slice the documents or to measure a
# calendar window, and only then.
DATES_READ = "SELECT coalesce(pg_stat_get_xact_function_calls('news_search_dates'::regproc), 0)"
DOCUMENTS_READ = "SELECT pg_stat_get_xact_tuples_fetched('news_searchdocument'::regclass)"


def test_words_too_rare_for_the_statistics_are_read_from_the_text_index_alone(client):
    """The statistics list the 100 most common words here (ten in a tenth of the releases, 90
    of 150 others in about 40), and estimate any other at half the rarest one's frequency,
    more than the 5 matches read from the text index alone. A query made of such words is
    read from the text index first, up to twice its estimate, instead of slice by slice; a
    listed word still is sliced. Both find what the text index alone finds."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE news_searchdocument ALTER document SET STATISTICS 10")
    rng = random.Random(21)
    common = [f"common{n}" for n in range(10)]
    rare = [f"rare{n}" for n in range(150)]
    Release.objects.bulk_create(
        release_row(
            " ".join([rng.choice(common), *rng.sample(rare, 2)] + ["quokka"] * (n % 1000 == 0)),
            summary="",
            body="",
            publish_at=START + timedelta(hours=n),
        )
        for n in range(3000)
    )
    analyze()
    slices = {"news.search_walk_share": "2", "news.search_index_rows": "5"}
    for query, sliced in (("quokka", False), ("quokka or zzyzx", False), ("common7", True)):
        plan(slices)
        assert bool(counted_during_search(client, query, DATES_READ)) == sliced, query
        pages_each_way(client, [INDEX, slices, DEFAULT], query, ("1", "3"))


TEXT_INDEX_READS = "SELECT pg_stat_get_xact_numscans('news_searchdocument_document_idx'::regclass)"


def test_a_query_that_nothing_older_matches_asks_the_text_index_once_not_slice_by_slice(client):
    """A word in half the releases and its own negation is estimated at a quarter of them
    and matches none. The walk through the newest finds none; one read of the text index then
    tells that nothing older matches, where each slice of the older ones read it (two
    here). Three words: no typo search after it. A word only in the oldest releases is still
    found slice by slice."""
    Release.objects.bulk_create(
        release_row(
            f"Report {'quokka' if n % 2 else 'update'} {'ancient' * (n < 300)} {n}",
            summary="",
            body="",
            publish_at=START + timedelta(hours=n),
        )
        for n in range(8000)
    )
    with connection.cursor() as cursor:  # as autovacuum does: the new entries in the index
        cursor.execute(
            "SELECT gin_clean_pending_list('news_searchdocument_document_idx'::regclass)"
        )
    analyze()
    walk_then_slices = {"news.search_walk_share": "0.2"}  # the walk: the newest 2,000
    plan(walk_then_slices)
    assert counted_during_search(client, "quokka -quokka -zzyzx", TEXT_INDEX_READS) == 1
    assert shown(client, "quokka -quokka -zzyzx")["releases"] == []
    pages_each_way(client, [INDEX, walk_then_slices, SLICES], "quokka -zzyzx", ("1", "3"))
    pages = pages_each_way(client, [INDEX, SLICES], "ancient", ("1", "10"))
    assert len(pages[1]["releases"]) == 20


def test_a_common_word_in_a_short_calendar_window_is_walked_not_read_from_the_text_index(
    client,
):
    """A word in half of 3,000 releases, searched in one month of their two years: about 60
    matches, fewer than the text index is read for, but half the month's releases (measured
    by the dates' histogram), for which the walk is chosen. Read from the text index, every
    release holding the word was read to keep the month's (at 100,000 releases, "camps" in
    a month: 27,113 entries for 234 matches, 5 ms). It is walked through that month, and
    finds what the text index finds."""
    dates = [START + timedelta(hours=6 * n) for n in range(3000)]
    Release.objects.bulk_create(
        release_row(
            f"{'Migrants' if n % 2 else 'Weather'} bulletin {n}", summary="", body="", publish_at=at
        )
        for n, at in enumerate(dates)
    )
    analyze()
    in_march = {"q": "migrants", "year": "2019", "month": "3"}
    plan(DEFAULT)
    assert counted_during_search(client, in_march, TEXT_INDEX_READS) == 0
    assert counted_during_search(client, in_march, DATES_READ) == 1
    pages = pages_each_way(client, [INDEX, WALK, DEFAULT], in_march, ("1", "3"))
    local = [localtime(at) for n, at in enumerate(dates) if n % 2]
    assert pages[0]["count"] == f"{sum((at.year, at.month) == (2019, 3) for at in local)} releases"


HISTOGRAM_READ = (
    "SELECT coalesce(pg_stat_get_xact_function_calls('news_search_date_bounds'::regproc), 0)"
)


def test_the_dates_histogram_is_read_once_until_the_documents_are_analysed_again(client):
    """The connection keeps the dates' histogram: a second search slices by it without
    reading it, and the first search after the documents are analysed again reads the new
    one. Each finds what the text index alone finds."""
    Release.objects.bulk_create(
        release_row(f"Floods report {n}", summary="", body="", publish_at=START + timedelta(n))
        for n in range(300)
    )
    analyze()
    for query, reads in (("floods", True), ("report", False)):
        plan(SLICES)
        assert bool(counted_during_search(client, query, HISTOGRAM_READ)) == reads, query
    analyze()
    with connection.cursor() as cursor:
        # The time of the analysis as the next request's transaction sees it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
    plan(SLICES)
    assert counted_during_search(client, "floods", HISTOGRAM_READ)
    pages_each_way(client, [INDEX, SLICES], "floods", ("1", "3"))


SEARCHES_RUN = (
    "SELECT coalesce(pg_stat_get_xact_function_calls('news_search_most_recent'::regproc), 0)"
)


def test_a_filtered_search_takes_its_matches_from_the_unfiltered_ones_when_they_are_all(
    client, searchable
):
    """The facets of the active filters count the matches under none of them, read first.
    Fewer than 200 are every match there is, and those under the filters are taken from
    them: one search instead of two. With more, or with filters the facets count without
    apart (a topic and a kind), each is searched. The pages are those recorded before this
    (test_each_kind_of_query_finds_what_it_found_before)."""
    unfiltered = {word: shown(client, word)["count"] for word in ("cholera", "locusts", "migrants")}
    assert unfiltered["migrants"].startswith("At least 200")
    assert not unfiltered["cholera"].startswith("At least")
    for params, searches in (
        ({"q": "cholera", "region": "americas"}, 1),
        ({"q": "locusts", "country": "peru"}, 1),
        ({"q": "cholera", "year": "2021", "month": "5"}, 1),
        ({"q": "migrants", "country": "china"}, 2),
        ({"q": "migrants", "year": "2023", "month": "3"}, 2),
        ({"q": "cholera", "kind": "news", "tag": "health"}, 3),
    ):
        assert counted_during_search(client, params, SEARCHES_RUN) == searches, params


PHRASE_WORDS = ["tide", "gauge", "station", "storm", "surge", "of", "the", "early", "warning"]
PHRASES = [
    '"tide gauge"',
    '"gauge tide"',
    '"tide gauge station"',
    '"warning of the storm"',  # a gap where the stop words were
    '"storm surge" warning',
    '"tide gauge" -"storm surge"',
    '"tide gauge" or "storm surge"',
    '"tide tide"',
    "cross-border tide",  # hyphenated: a phrase of its parts
    "o'brien's gauge",
    '"summary tide"',  # the end of the title, then the summary
]


def test_phrases_found_through_the_index_of_adjacent_words_are_those_the_text_index_finds(
    client,
):
    """Releases whose words stand side by side, apart, in the other order, repeated, across
    the title and the summary: for each phrase, every way gives the pages that the text index
    alone gives, the adjacent words' index included."""
    rng = random.Random(20)
    words = PHRASE_WORDS + ["cross-border", "o'brien's"]
    Release.objects.bulk_create(
        release_row(
            " ".join(rng.choices(words, k=rng.randint(2, 8))),
            summary=f"Summary {' '.join(rng.choices(words, k=4))}.",
            body=f"<p>{' '.join(rng.choices(words, k=rng.randint(0, 30)))}</p>",
            publish_at=START + timedelta(hours=n),
        )
        for n in range(1500)
    )
    analyze()
    ways = [INDEX, PAIRS, DEFAULT, {**INDEX, "news.search_phrase_pairs": "on"}]
    for query in PHRASES:
        pages = pages_each_way(client, ways, query, ("1", "5"))
        assert pages[0]["releases"], query
    words_apart = shown(client, "tide gauge station")["count"]
    assert shown(client, '"tide gauge station"')["count"] != words_apart


def rare_phrase_releases(seed, tide_share, gauge_share):
    """6,000 releases, "tide gauge" side by side in the title of 3 of them; "tide" and "gauge"
    apart in the body of about `tide_share` and `gauge_share` of them. The statistics of
    adjacent words list only the pairs that every release holds."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER INDEX news_searchdocument_pairs_idx ALTER COLUMN 1 SET STATISTICS 1")
    rng = random.Random(seed)
    every_release = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    Release.objects.bulk_create(
        release_row(
            f"{every_release} {'tide gauge' if n % 2000 == 0 else ''}",
            summary="",
            body=" ".join(
                ["tide"] * (rng.random() < tide_share)
                + ["station"]
                + ["gauge"] * (rng.random() < gauge_share)
            ),
            publish_at=START + timedelta(hours=n),
        )
        for n in range(6000)
    )
    analyze()


def test_a_rare_phrase_is_read_from_its_adjacent_words_when_they_are_fewer(client):
    """ "tide gauge" is in 3 of 6,000 releases, its two words together in about 30. The
    statistics of adjacent words list ten pairs here, those that every release holds, and
    estimate any other at the most they estimate a pair missing from them, 30 releases: the
    phrase, read in two languages, 60, more than the text index's 30. Its pairs are counted,
    and its candidates read from them."""
    rare_phrase_releases(22, tide_share=0.08, gauge_share=0.06)
    plan(DEFAULT)
    assert counted_during_search(client, '"tide gauge"', DOCUMENTS_READ) < 20
    pages = pages_each_way(client, [INDEX, PAIRS, DEFAULT], '"tide gauge"', ("1",))
    assert len(pages[0]["releases"]) == 3


@pytest.mark.parametrize("at_once", ["20", "2"])
def test_a_rare_phrase_of_common_words_is_read_from_its_adjacent_words_without_slicing(
    client, at_once
):
    """ "tide" and "gauge" are each in about half of 6,000 releases, side by side in 3. The
    text index expects the phrase in about 1,500; the statistics of adjacent words, any pair
    but those every release holds in 30 a language: 60, fewer, but more than the 20, or 2,
    read from an index at once here, so the phrase was read slice by slice, the slices from
    the dates (at a million releases, "governance labe": 408,000 dates read, 62 ms, for 576
    matches). Its pairs are counted instead, up to twice those, and its 3 candidates read at
    once."""
    rare_phrase_releases(23, tide_share=0.5, gauge_share=0.5)
    few_at_once = {"news.search_index_rows": at_once}
    plan(few_at_once)
    assert counted_during_search(client, '"tide gauge"', DATES_READ) == 0
    pages = pages_each_way(client, [INDEX, few_at_once, PAIRS], '"tide gauge"', ("1",))
    assert len(pages[0]["releases"]) == 3


def results_html(client, params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    results = BeautifulSoup(response.content, "html.parser").select_one(".search-results")
    return str(results) if results else None


def test_the_first_page_read_with_the_matches_shows_what_its_own_query_shows(client, searchable):
    """The first page of results comes with the matches: its releases, datelines and snippets
    are those that the page's own query reads ("page=01" is the same page, read apart)."""
    Release.objects.filter(slug__endswith="1").update(dateline_country=country("TD"))
    Release.objects.filter(slug__endswith="2").update(
        dateline_country=country("PE"), dateline="Lima"
    )
    client.get("/search/", {"q": "warm up"})  # the menu, names, countries and contacts
    for params in QUERIES:
        params = {"q": params} if isinstance(params, str) else params
        if "page" in params:
            continue
        with CaptureQueriesContext(connection) as read_with_matches:
            first = results_html(client, params)
        with CaptureQueriesContext(connection) as read_apart:
            assert results_html(client, {**params, "page": "01"}) == first, params
        assert len(read_apart) == len(read_with_matches) + bool(first), params
    assert "Lima" in results_html(client, {"q": "migrants"})
    assert "Chad" in results_html(client, {"q": "migrants"})


def test_a_typo_is_read_as_the_most_similar_title_word_at_any_similarity(client):
    """The closest title words are asked at falling similarities: the first that finds any
    finds the most similar (of equals, the greatest word), and a word only 0.33 similar is
    still found at the last."""
    titles = ["Siriness report", "Siwiness report", "Heavy rains", "Laos floods", "Lowi festival"]
    Release.objects.bulk_create(
        release_row(title, publish_at=START + timedelta(days=n)) for n, title in enumerate(titles)
    )
    # "siwriness" is 0.58 similar to both "siwiness" and "siriness"; "rbins" 0.33 to "rains";
    # "laowi" 0.375 to both "lowi" and "laos", which share three of its six trigrams: found at
    # the level that reads the title words sharing three, not at the last.
    cases = (("siwriness", "Siwiness report"), ("rbins", "Heavy rains"), ("laowi", "Lowi festival"))
    for query, found in cases:
        page = shown(client, query)
        assert page["similar words"], query
        assert page["releases"] == [found], query
