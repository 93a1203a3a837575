"""Search over releases.

On PostgreSQL: the search documents (the release's words, title A, summary B, body C,
stemmed in its language, and its filter values as tokens) matched by a `websearch_to_tsquery`
parse of the query, which takes any input without a syntax error, and the filters' tokens;
ranked, with a highlighted snippet of the summary and the start of the body; a short query
that matches nothing is taken as a typo and matched against title words by trigrams. On
SQLite: every word in the title, summary or body, newest first.

Only the CANDIDATES most recent matches are ranked and counted: ranking and counting every
release that holds a common word would cost time in proportion to the whole archive.
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from contacts.models import Country

from .facets import filter_tokens, ignored_groups
from .models import Release

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
# Typo tolerance (trigrams) is for queries of one or two words.
TYPO_TOLERANT_WORDS = 2
TYPO_TOLERANT_MIN_LENGTH = 4
SIMILARITY_THRESHOLD = 0.3  # of a title word taken for a typo: pg_trgm's default
CANDIDATES = 200
SNIPPET_BODY_LENGTH = 400
# Release language -> PostgreSQL text-search configuration (also in migration news 0002).
SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
DEFAULT_CONFIG = "english"
CONFIGS = list(dict.fromkeys([DEFAULT_CONFIG, *SEARCH_CONFIGS.values()]))
# Filters whose values are tokens in the search documents (migration news 0009).
TOKEN_FILTERS = ("kind", "language", "country", "region", "tag")
# Private-use characters mark the highlighted words in the database's snippet, so that the
# snippet can be escaped as a whole and only our own <mark> tags are added back.
START_MARK, STOP_MARK = "\ue000", "\ue001"
LETTERS = re.compile(r"[^\W\d_]+")
HIGHLIGHT = re.compile(f"{START_MARK}([^{START_MARK}{STOP_MARK}]*){STOP_MARK}")


def clean_query(raw):
    """The query as searched: printable characters only (a NUL byte never reaches the
    database), single spaces, at most MAX_QUERY_WORDS words and MAX_QUERY_LENGTH characters."""
    printable = "".join(char if char.isprintable() else " " for char in raw[: MAX_QUERY_LENGTH * 2])
    words = printable.split()[:MAX_QUERY_WORDS]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def uses_full_text():
    return connection.vendor == "postgresql"


def words_filter(query, *fields):
    """Every word must appear in at least one of the fields (the SQLite search)."""
    condition = Q()
    for word in query.split():
        condition &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return condition


def is_typo_tolerant(query):
    return len(query.split()) <= TYPO_TOLERANT_WORDS and len(query) >= TYPO_TOLERANT_MIN_LENGTH


def parsed_query(placeholder):
    """SQL of the query, at `placeholder`, parsed in each release language and OR-ed: a French
    release matches the French stems, an English one the English stems."""
    return " || ".join(f"websearch_to_tsquery('{config}', {placeholder})" for config in CONFIGS)


# The query in ReleaseSearch.most_recent()'s named parameters: as ranked, and as matched (the
# distinct parses only, whose matches the database estimates better; migration news 0012).
SEARCHED_WORDS = parsed_query("%(words)s")
MATCHED_WORDS = "news_search_words(%(words)s)"
# ReleaseSearch.most_recent(): the most recent live documents matching the words and the
# filters, found by news_search_most_recent() (migration news 0012), which chooses how from the
# number of matches the database expects, and ranked here. Raw SQL: the ORM took 3 ms to build
# and read it, more than PostgreSQL takes to answer. The publishing window is that of
# Release.objects.live(); the triggers keep the documents of published releases only.
# Each match's filter tokens come with its year and month in the time zone shown, and its time
# as a number, computed here: converting each row's date in Python took half a millisecond
# for 200 matches.
MOST_RECENT_SQL = f"""
SELECT release_id, extract(epoch FROM publish_at)::float8 AS published,
    ts_rank(document, {SEARCHED_WORDS}) AS score,
    filters || to_char(publish_at AT TIME ZONE %(zone)s, ' "year:"YYYY "month:"FMMM') AS tokens
FROM news_search_most_recent(({{matching}}), %(now)s, {{window}}, %(limit)s)
"""
CALENDAR_WINDOW, NO_WINDOW = "%(start)s, %(end)s", "NULL, NULL"
# Filter values are exact tokens of the documents, all required, e.g. 'kind:news' & 'tag:health':
# cast, not parsed, so that no dictionary changes them.
WITH_TOKENS = f"{MATCHED_WORDS} && %(tokens)s::tsquery"


# ReleaseSearch.results(): the snippet, ts_headline over the summary and the start of the body
# without its tags, in the release's language. Over whole bodies it took a third of a search's
# time; a tag cut short at the end goes too. Written as SQL: as ORM expressions it took 1.5 ms
# to build, more than PostgreSQL takes to compute the twenty snippets. `words` and `options`
# are the placeholders of the query and of HEADLINE_OPTIONS.
def headline_sql(words, options):
    return f"""
ts_headline(
    CASE news_release.language
        {" ".join(f"WHEN '{code}' THEN '{config}'" for code, config in SEARCH_CONFIGS.items())}
        ELSE '{DEFAULT_CONFIG}'
    END::regconfig,
    news_release.summary || ' '
        || regexp_replace(left(news_release.body, {SNIPPET_BODY_LENGTH}), '<[^>]*(>|$)', ' ', 'g'),
    {parsed_query(words)},
    {options}
)"""


HEADLINE_SQL = headline_sql("%s", "%s")
HEADLINE_OPTIONS = f"StartSel={START_MARK}, StopSel={STOP_MARK}, MaxWords=35, MinWords=15"

# The fields of a release that a list of results shows (ReleaseSearch.results()), in the
# model's order, as Release.from_db() reads them.
RESULT_FIELDS = [
    field.attname
    for field in Release._meta.concrete_fields
    if field.attname in {"id", "kind", "title", "slug", "summary", "dateline", "language",
                         "publish_at", "dateline_country_id"}
]  # fmt: skip
# The first page, nearly always the one asked, read with the matches: the releases of its
# rows (ranked as Match.rank() ranks) as results() would read them, with their snippets; NULLs
# on the other rows. It then needs no query of its own.
FIRST_PAGE_SQL = """
first_page AS (
    SELECT release_id FROM found
    ORDER BY score DESC, published DESC, release_id DESC LIMIT %(page_size)s
)"""
FIRST_PAGE_COLUMNS = [
    *(f"news_release.{field}" for field in RESULT_FIELDS),
    "contacts_country.name",
    "contacts_country.code",
    headline_sql("%(words)s", "%(headline_options)s"),
]
FIRST_PAGE_JOINS = """
LEFT JOIN first_page ON first_page.release_id = found.release_id
LEFT JOIN news_release ON news_release.id = first_page.release_id
LEFT JOIN contacts_country ON contacts_country.id = news_release.dateline_country_id"""
# With filters, the matches under none of them come first (`unfiltered`): the facets of the
# active filters count them. When they are fewer than CANDIDATES they are every match there is,
# and those under the filters are the ones holding the filters' values (tokens, with the year
# and month): the search under the filters, a second news_search_most_recent(), sits under a
# condition on the unfiltered matches alone, which PostgreSQL checks once before running it.
UNDER_FILTERS_SQL = """
SELECT * FROM unfiltered
WHERE (SELECT count(*) FROM unfiltered) < %(limit)s
    AND string_to_array(tokens, ' ') @> %(required)s::text[]
UNION ALL
SELECT * FROM ({filtered}) filtered WHERE (SELECT count(*) FROM unfiltered) >= %(limit)s"""


def matches_sql(matching, first_page, unfiltered):
    """ReleaseSearch.most_recent()'s statement: a row per match, true then the columns of
    MOST_RECENT_SQL, and FIRST_PAGE_COLUMNS if `first_page`; if `unfiltered`, a row per match
    under no filter too, false then the same columns."""
    found = MOST_RECENT_SQL.format(matching=matching, window=CALENDAR_WINDOW)
    tables = [f"found AS MATERIALIZED ({found})"]
    if unfiltered:
        everything = MOST_RECENT_SQL.format(matching=MATCHED_WORDS, window=NO_WINDOW)
        tables = [
            f"unfiltered AS MATERIALIZED ({everything})",
            f"found AS MATERIALIZED ({UNDER_FILTERS_SQL.format(filtered=found)})",
        ]
    release_columns, joins = [], ""
    if first_page:
        tables.append(FIRST_PAGE_SQL)
        release_columns, joins = FIRST_PAGE_COLUMNS, FIRST_PAGE_JOINS
    sql = f"WITH {', '.join(tables)}\n"
    sql += f"SELECT {', '.join(['true', 'found.*', *release_columns])} FROM found{joins}"
    if unfiltered:
        columns = ["false", "unfiltered.*", *["NULL"] * len(release_columns)]
        sql += f"\nUNION ALL SELECT {', '.join(columns)} FROM unfiltered"
    return sql


@dataclass(slots=True)
class Match:
    """A release that matches the query: what ranking, counting and the facets need of it."""

    id: int
    published: float  # its publishing time as a POSIX timestamp
    score: float
    tokens: frozenset  # its filter values as "name:value", e.g. "country:chad", "year:2024"

    @classmethod
    def of(cls, release_id, publish_at, score, tokens, zone):
        """From filter tokens, e.g. ["kind:news", "country:chad"], with the year and month in
        `zone`, the current time zone, as the filters read them (MOST_RECENT_SQL's tokens)."""
        local = publish_at.astimezone(zone)
        calendar = (f"year:{local.year}", f"month:{local.month}")
        return cls(release_id, publish_at.timestamp(), score, frozenset((*tokens, *calendar)))

    @classmethod
    def of_row(cls, row):
        """From a row of MOST_RECENT_SQL."""
        release_id, published, score, tokens = row[:4]
        return cls(release_id, published, score, frozenset(tokens.split()))

    def rank(self):
        return (-self.score, -self.published, -self.id)


class ReleaseSearch:
    """How releases are searched for one query.

    The most recent matches under the filters are found first, with their scores and filter
    values: the database walks the search documents in publishing order when it expects many
    matches and stops early, and reads the text index when it expects few, with a filter too
    (its values are tokens in the same index), or, for a phrase, the index of adjacent words
    (migration news 0020). Ranking, the total and the facets are then worked out from those
    rows, and, on PostgreSQL, the releases of the first page read with them, and the matches
    under none of the filters, which the facets of the active ones count: when these are all
    the matches there are, those under the filters are taken from them. On PostgreSQL a
    short query that no release matches word for word is taken as a typo: each of its words
    is then searched as the title word closest to it (trigrams over the title words, not over
    every title).
    """

    WORDS, FULL_TEXT, SIMILAR_WORDS = "words", "full text", "similar words"

    def __init__(self, query, form, first_page_size=None):
        """With `first_page_size`, the releases of the first page of that many results are
        read with the matches, when the database ranks them (full text)."""
        self.query = query
        self.searched = query  # in typo mode, with the closest title words instead
        self.form = form
        self.mode = self.FULL_TEXT if uses_full_text() else self.WORDS
        self.first_page_size = first_page_size
        self.first_page = None  # {id: release} of the first page, once read
        self._under = {}  # frozenset of ignored filters -> their matches
        # Under every filter: the page, its total and the facets that no filter changes.
        self.matches = self.most_recent()
        if not self.matches and self.mode == self.FULL_TEXT and is_typo_tolerant(query):
            # A query that matches releases the filters leave out is no typo.
            if not (form.active and self.matches_under(ignore=form.active)):
                self.mode = self.SIMILAR_WORDS
                self.searched = closest_title_words(query)
                self._under.clear()
                self.matches = self.most_recent()

    def matches_under(self, ignore):
        """The CANDIDATES most recent matches under the filters other than `ignore`."""
        ignored = frozenset(self.form.active.keys() & set(ignore))
        if not ignored:
            return self.matches
        if ignored not in self._under:
            self._under[ignored] = self.most_recent(ignore=ignored)
        return self._under[ignored]

    def most_recent(self, ignore=()):
        """[Match] of the CANDIDATES most recent matches under the filters but `ignore`."""
        if self.mode == self.WORDS:
            return self._most_recent_words(ignore)
        active = {name: value for name, value in self.form.active.items() if name not in ignore}
        tokens = filter_tokens(active, TOKEN_FILTERS)
        zone = timezone.get_current_timezone()
        params = {"words": self.searched, "now": timezone.now(), "limit": CANDIDATES}
        params["zone"] = timezone.get_current_timezone_name()
        params["start"], params["end"] = None, None
        matching = MATCHED_WORDS
        if tokens:
            matching = WITH_TOKENS
            quoted = ("'{}'".format(token.replace("'", "''")) for token in tokens)
            params["tokens"] = " & ".join(quoted)
        if "year" in active:
            params["start"], params["end"] = calendar_window(
                active["year"], active.get("month"), zone
            )
        with_first_page = self.first_page_size and not ignore
        if with_first_page:
            params.update(page_size=self.first_page_size, headline_options=HEADLINE_OPTIONS)
        # The facets of the active filters count the matches under none of them: read with
        # these when they are the only ones the facets need.
        with_unfiltered = not ignore and len(ignored_groups(active)) == 1
        if with_unfiltered:
            params["required"] = filter_tokens(active, active)
        with connection.cursor() as cursor:
            cursor.execute(matches_sql(matching, with_first_page, with_unfiltered), params)
            rows = cursor.fetchall()
        if with_unfiltered:
            unfiltered = [Match.of_row(row[1:]) for row in rows if not row[0]]
            self._under[frozenset(active)] = unfiltered
        rows = [row[1:] for row in rows if row[0]]
        if with_first_page:
            self.first_page = first_page_releases(rows)
        return [Match.of_row(row) for row in rows]

    def _most_recent_words(self, ignore):
        """SQLite: the releases holding every word, newest first, their filter values read
        from the releases' countries and topics."""
        words = words_filter(self.query, "title", "summary", "body")
        releases = Release.objects.live().filter(words)
        releases = self.form.filter(releases, ignore=ignore).order_by("-publish_at", "-id")
        rows = list(releases.values_list("pk", "publish_at", "kind", "language")[:CANDIDATES])
        tokens = {pk: [f"kind:{kind}", f"language:{language}"] for pk, _, kind, language in rows}
        related = Release.objects.filter(pk__in=tokens).values_list(
            "pk", "countries__slug", "countries__region__slug", "tags__slug"
        )
        for pk, *values in related:
            named = zip(("country", "region", "tag"), values, strict=True)
            tokens[pk] += [f"{name}:{value}" for name, value in named if value]
        zone = timezone.get_current_timezone()
        return [Match.of(pk, publish_at, 0, tokens[pk], zone) for pk, publish_at, _, _ in rows]

    def ranked_ids(self):
        """The ids of the matches, best first: by score, then the most recent."""
        return [match.id for match in sorted(self.matches, key=Match.rank)]

    def results(self, ids):
        """The releases of `ids` as a list of results shows them, in that order; in full text
        with a `headline` snippet."""
        if self.first_page is not None and set(ids) == self.first_page.keys():
            return [self.first_page[pk] for pk in ids]
        releases = Release.objects.filter(pk__in=ids).select_related("dateline_country")
        releases = releases.only(
            "kind", "title", "slug", "summary", "dateline", "language", "publish_at",
            "dateline_country__name", "dateline_country__code",
        )  # fmt: skip
        if self.mode != self.WORDS:
            words = [self.searched] * len(CONFIGS)
            snippet = RawSQL(HEADLINE_SQL, [*words, HEADLINE_OPTIONS], output_field=TextField())
            releases = releases.annotate(headline=snippet)
        by_id = {release.pk: release for release in releases}
        return [by_id[pk] for pk in ids if pk in by_id]


def first_page_releases(rows):
    """{id: release} of the rows of matches_sql() (under the filters, without their first
    column) that hold a release of the first page: as ReleaseSearch.results() reads them,
    with the same fields and the snippet."""
    releases = {}
    for row in rows:
        release_values, (country_name, country_code, headline) = row[4:-3], row[-3:]
        if release_values[0] is None:  # its id: the match is on another page
            continue
        release = Release.from_db(connection.alias, RESULT_FIELDS, release_values)
        if release.dateline_country_id is not None:
            # Its code too: its name in French or Spanish comes from it (Country.local_name).
            # In the model's order of fields, as from_db() wants them.
            release.dateline_country = Country.from_db(
                connection.alias,
                ["id", "code", "name"],
                [release.dateline_country_id, country_code, country_name],
            )
        release.headline = headline
        releases[release.pk] = release
    return releases


# The admin's search: the releases holding a word that starts with each word typed, e.g.
# "vacc camp" finds "Vaccination campaign", through the text indexes, or whose slug it is: the
# EDITOR_MATCHES most recent published ones (the search documents, scheduled and expired
# included) and the EDITOR_MATCHES newest drafts (their own vector, in an index of drafts:
# migration news 0012). More would not make an editor's list better, and each id found is read
# again by the list, its count and its years.
EDITOR_MATCHES = 500
PREFIXES = " || ".join(f"to_tsquery('{config}', %s)" for config in CONFIGS)
EDITOR_MATCHES_SQL = f"""
SELECT release_id FROM news_search_most_recent(({PREFIXES}), NULL, NULL, NULL, {EDITOR_MATCHES})
UNION ALL
(SELECT id FROM news_release
WHERE (status = 'draft' OR publish_at IS NULL) AND search_vector @@ ({PREFIXES})
ORDER BY id DESC LIMIT {EDITOR_MATCHES})
UNION ALL
SELECT id FROM news_release WHERE slug = %s
"""
WORD = re.compile(r"\w+")


def editor_prefixes(term):
    """The admin's search for `term` as a text query, e.g. "'vacc':* & 'camp':*" ("" without
    a word); None on SQLite, whose admin looks for the term in titles, summaries and slugs."""
    if not uses_full_text():
        return None
    words = WORD.findall(clean_query(term).lower())
    return " & ".join(f"'{word}':*" for word in words)  # letters, digits and _ only


def editor_search(releases, term):
    """`releases` narrowed to those the admin's search box finds for `term`: with
    editor_prefixes() only."""
    prefixes = editor_prefixes(term)
    if not prefixes:
        return releases.none()
    params = [prefixes] * (2 * len(CONFIGS)) + [term.strip()]
    with connection.cursor() as cursor:  # once: the list, its count and dates all read them
        cursor.execute(EDITOR_MATCHES_SQL, params)
        ids = [release_id for (release_id,) in cursor]
    return releases.filter(pk__in=ids)


def calendar_window(year, month, zone):
    """The year, or its month, as [start, end) in `zone`: as the year and month filters read
    a release's date."""
    if month:
        start, end = datetime(year, month, 1), datetime(year + month // 12, month % 12 + 1, 1)
    else:
        start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)


def closest_title_words(query):
    """The query's words, each replaced by the title word closest to it if one is close
    enough: one query for all of them (news_search_closest_words(), migration news 0016)."""
    words = LETTERS.findall(query.lower())
    if not words:
        return query
    with connection.cursor() as cursor:
        cursor.execute("SELECT news_search_closest_words(%s, %s)", [words, SIMILARITY_THRESHOLD])
        return " ".join(cursor.fetchone()[0])


def highlighted(headline):
    """The database's snippet as safe HTML: all of it escaped, then our <mark>s added."""
    if not headline:
        return ""
    text = html.unescape(headline)  # the body's entities, e.g. &amp;
    parts = HIGHLIGHT.split(text)  # even indexes: plain text; odd: highlighted words
    return mark_safe(
        "".join(
            format_html("<mark>{}</mark>", part) if index % 2 else escape(_unmarked(part))
            for index, part in enumerate(parts)
        )
    )


def _unmarked(text):
    return text.replace(START_MARK, "").replace(STOP_MARK, "")
