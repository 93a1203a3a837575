"""Site search: releases (full text, filters, pages of results), then the best few pages,
countries and press contacts. A fixed number of queries whatever the data size."""

import functools
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import F

from contacts.models import Country, PressContact
from news.facets import match_facets
from news.models import Release
from news.search import (
    CANDIDATES,
    ReleaseSearch,
    highlighted,
    is_typo_tolerant,
    uses_full_text,
    words_filter,
)
from pages.models import Page
from pages.publishing import cached_until_change

RELEASES_PER_PAGE = 20
OTHER_RESULTS = 5
# A name is close to a query from this similarity: pg_trgm's strict_word_similarity_threshold.
NAME_SIMILARITY = 0.5
WORD = re.compile(r"[^\W_]+")  # letters and digits, as pg_trgm splits words


def search_site(query, filter_form, page_number):
    """{"page_obj", "facets", "pages", "countries", "contacts", ...} for a cleaned, non-empty
    query. Releases are ranked and counted among the most recent matches only."""
    release_search = ReleaseSearch(query, Release.objects.live(), filter_form)
    facets = match_facets(filter_form, release_search.matches_under)
    page_obj = Paginator(release_search.ranked_ids(), RELEASES_PER_PAGE).get_page(page_number)
    page_obj.object_list = release_search.results(page_obj.object_list)
    for release in page_obj.object_list:
        release.snippet = highlighted(getattr(release, "headline", ""))
    return {
        "page_obj": page_obj,
        "similar_words": release_search.mode == ReleaseSearch.SIMILAR_WORDS,
        # Counted among the most recent only: there may be more.
        "most_recent_only": facets.total >= CANDIDATES,
        "candidates": CANDIDATES,
        "facets": facets,
        "pages": search_pages(query)[:OTHER_RESULTS],
        "countries": search_countries(query)[:OTHER_RESULTS],
        "contacts": search_contacts(query)[:OTHER_RESULTS],
    }


def search_pages(query):
    pages = Page.objects.live().only("title", "path", "summary")  # not the body nor its vector
    if not uses_full_text():
        return pages.filter(words_filter(query, "title", "summary", "body"))
    tsquery = SearchQuery(query, config="english", search_type="websearch")
    return (
        pages.filter(search_vector=tsquery)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "title")
    )


def search_countries(query):
    """Countries whose name holds one of the query's words of three letters or more, or on a
    short query a name close to it (a typo)."""
    words = [word.casefold() for word in query.split() if len(word) >= 3]
    close = close_names(query)
    return [
        country
        for country in search_directory()["countries"]
        if any(word in country.name.casefold() for word in words) or close(country.name)
    ]


def search_contacts(query):
    """Active press contacts with every word of the query in their name, job title or
    office, or on a short query a name close to it."""
    words = query.casefold().split()
    close = close_names(query)

    def holds_every_word(contact):
        office = contact.office.name if contact.office else ""
        text = "\n".join((contact.name, contact.job_title, office)).casefold()
        return all(word in text for word in words)

    return [
        contact
        for contact in search_directory()["contacts"]
        if holds_every_word(contact) or close(contact.name)
    ]


def search_directory():
    """Every country and active press contact, kept until content changes: a few hundred of
    each, which search matches in memory, two queries fewer per search."""
    return cached_until_change(
        "search-directory",
        lambda: {
            "countries": list(Country.objects.only("name", "slug")),
            "contacts": list(PressContact.objects.active().select_related("office")),
        },
    )


def close_names(query):
    """name -> whether the name, or one of its words, is close to a short query: trigram
    similarity as pg_trgm computes it, on any database."""
    if not is_typo_tolerant(query):
        return lambda name: False
    searched = trigrams(query)
    return lambda name: any(
        similarity(searched, part) >= NAME_SIMILARITY for part in name_trigrams(name)
    )


@functools.lru_cache(maxsize=4096)
def name_trigrams(name):
    """The trigrams of the name and of each of its words, kept: names recur in every search."""
    return tuple(trigrams(part) for part in dict.fromkeys((name, *name.split())))


def trigrams(text):
    """The trigrams of each word, padded as pg_trgm pads them: "Chad" -> "  c", " ch", "cha",
    "had", "ad "."""
    return frozenset(
        padded[start : start + 3]
        for word in WORD.findall(text.casefold())
        for padded in [f"  {word} "]
        for start in range(len(padded) - 2)
    )


def similarity(first, second):
    """Shared trigrams over all the trigrams of either, as pg_trgm's similarity()."""
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared) if shared else 0.0
