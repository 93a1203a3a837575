"""Site search: releases (full text, filters, pages of results), then the best few pages,
countries and press contacts. A fixed number of queries whatever the data size."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import F, Q

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

RELEASES_PER_PAGE = 20
OTHER_RESULTS = 5


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
    """A country whose name holds one of the words, or on PostgreSQL is close to the query."""
    words = [word for word in query.split() if len(word) >= 3]
    condition = Q.create([("name__icontains", word) for word in words], connector=Q.OR)
    if uses_full_text() and is_typo_tolerant(query):
        condition |= Q(name__trigram_strict_word_similar=query)
    if not condition:
        return Country.objects.none()
    return Country.objects.filter(condition).only("name", "slug")


def search_contacts(query):
    fields = ("name", "office__name", "job_title")
    condition = words_filter(query, *fields)
    if uses_full_text() and is_typo_tolerant(query):
        condition |= Q(name__trigram_strict_word_similar=query)
    return PressContact.objects.active().select_related("office").filter(condition)
