"""Site search: releases (full text, filters, pages of results), then the best few pages,
countries and press contacts. A fixed number of queries whatever the data size."""

import re
from collections import Counter

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.utils.translation import get_language

from contacts.models import Country, PressContact
from news.facets import match_facets
from news.search import (
    CANDIDATES,
    ReleaseSearch,
    highlighted,
    is_typo_tolerant,
    uses_full_text,
    words_filter,
)
from pages.content_version import cached_until_change
from pages.models import Page, PageTranslation, page_languages, show_translations

RELEASES_PER_PAGE = 20
OTHER_RESULTS = 5
# A name is close to a query from this similarity: pg_trgm's strict_word_similarity_threshold.
NAME_SIMILARITY = 0.5
WORD = re.compile(r"[^\W_]+")  # letters and digits, as pg_trgm splits words


def search_site(query, filter_form, page_number):
    """{"page_obj", "facets", "pages", "countries", "contacts", ...} for a cleaned, non-empty
    query. Releases are ranked and counted among the most recent matches only."""
    # The first page, nearly always the one asked, is read with the matches.
    first_page_size = RELEASES_PER_PAGE if page_number in ("", "1") else None
    release_search = ReleaseSearch(query, filter_form, first_page_size)
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
        "pages": search_pages(query),
        "countries": search_countries(query)[:OTHER_RESULTS],
        "contacts": search_contacts(query)[:OTHER_RESULTS],
    }


# The fields of a page that the results show, in the model's order, as Page.from_db() reads them.
PAGE_RESULT_FIELDS = [
    field.attname
    for field in Page._meta.concrete_fields
    if field.attname in {"id", "title", "path", "summary"}
]
# The best live pages for a query, ranked, among the ids of the live pages (page_languages(),
# kept until content changes): one SQL statement with the fields a result shows, 0.6-1.3 ms at
# 100,000 releases where the ORM's queryset took 1.0-1.6 ms to build, run and read. The ids
# are sent as one array literal: as a list, psycopg2 writes each of the 212 ids as a constant
# of an ARRAY[...] expression, 0.45 ms more to write and plan (1.42 against 0.96 ms).
PAGES_SQL = f"""
SELECT {", ".join(PAGE_RESULT_FIELDS)}
FROM pages_page, websearch_to_tsquery('english', %(words)s) words
WHERE id = ANY(%(live)s::bigint[]) AND search_vector @@ words
ORDER BY ts_rank(search_vector, words) DESC, title LIMIT %(limit)s
"""


def search_pages(query):
    """The best few live pages for the query. On a French or Spanish page, those whose live
    translation into it holds every word come first, and each page shows its translation's
    text where it has one."""
    found = pages_matching(query)
    language = get_language()
    if language == settings.LANGUAGE_CODE:
        return found
    translations = PageTranslation.objects.live().filter(
        words_filter(query, "title", "summary", "body"), language=language
    )
    translated = live_result_pages().filter(pk__in=translations.values("page_id")).order_by("title")
    found = list(dict.fromkeys([*translated[:OTHER_RESULTS], *found]))[:OTHER_RESULTS]
    return show_translations(found)


def live_result_pages():
    return Page.objects.live().only(*PAGE_RESULT_FIELDS)


def pages_matching(query):
    """The best few live pages whose own text holds the query: by full text on PostgreSQL,
    ranked; on SQLite with every word in the title, summary or body."""
    if not uses_full_text():
        pages = live_result_pages().filter(words_filter(query, "title", "summary", "body"))
        return list(pages[:OTHER_RESULTS])
    live = "{" + ",".join(map(str, page_languages())) + "}"
    params = {"words": query, "live": live, "limit": OTHER_RESULTS}
    with connection.cursor() as cursor:
        cursor.execute(PAGES_SQL, params)
        return [Page.from_db(connection.alias, PAGE_RESULT_FIELDS, row) for row in cursor]


def search_countries(query):
    """Countries whose name holds one of the query's words of three letters or more, or on a
    short query a name close to it (a typo)."""
    words = [word.casefold() for word in query.split() if len(word) >= 3]
    return search_directory()["countries"].find(words, query)


def search_contacts(query):
    """Active press contacts with every word of the query in their name, job title or
    office, or on a short query a name close to it."""
    return search_directory()["contacts"].find(query.casefold().split(), query, every=True)


def search_directory():
    """Every country and active press contact, kept until content changes: a few hundred of
    each, which search matches in memory, two queries fewer per search."""

    def contact_text(contact):
        office = contact.office.name if contact.office else ""
        return "\n".join((contact.name, contact.job_title, office))

    return cached_until_change(
        "search-directory",
        lambda: {
            # In English and in the page's language: "Chine" finds China on a French page.
            "countries": Directory(
                Country.objects.only("code", "name", "slug"),
                text=lambda country: f"{country.name}\n{country.local_name}",
            ),
            "contacts": Directory(
                PressContact.objects.active().select_related("office"), text=contact_text
            ),
        },
    )


class Directory:
    """Records that search matches in memory: by the words of their text, or, on a short query
    (a typo), by a name close to it. Close is trigram similarity as pg_trgm computes it, to the
    name or one of its words, found through an index of their trigrams rather than by comparing
    the query with every name."""

    def __init__(self, records, text):
        self.records = list(records)  # each with a name
        self.texts = [text(record).casefold() for record in self.records]
        self.parts = []  # (index of the record, number of trigrams) of each name and name word
        self.by_trigram = {}  # trigram -> indexes in parts
        for index, record in enumerate(self.records):
            for part in dict.fromkeys((record.name, *record.name.split())):
                part_trigrams = trigrams(part)
                for trigram in part_trigrams:
                    self.by_trigram.setdefault(trigram, []).append(len(self.parts))
                self.parts.append((index, len(part_trigrams)))

    def find(self, words, query, every=False):
        """The records whose text holds any of `words` (every one of them if `every`), or
        whose name is close to a short query; in their order."""
        holds = all if every else any
        found = {index for index, text in enumerate(self.texts) if holds(w in text for w in words)}
        if is_typo_tolerant(query):
            found |= self.close_to(query)
        return [self.records[index] for index in sorted(found)]

    def close_to(self, query):
        """Indexes of the records whose name, or one of its words, is close to the query."""
        searched = trigrams(query)
        shared = Counter(part for trigram in searched for part in self.by_trigram.get(trigram, ()))
        return {
            self.parts[part][0]
            for part, count in shared.items()
            # pg_trgm's similarity: shared trigrams over all the trigrams of either.
            if count / (len(searched) + self.parts[part][1] - count) >= NAME_SIMILARITY
        }


def trigrams(text):
    """The trigrams of each word, padded as pg_trgm pads them: "Chad" -> "  c", " ch", "cha",
    "had", "ad "."""
    return frozenset(
        padded[start : start + 3]
        for word in WORD.findall(text.casefold())
        for padded in [f"  {word} "]
        for start in range(len(padded) - 2)
    )
