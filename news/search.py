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

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.functions import Concat, Left
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Release, SearchDocument, TitleWord

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
# Typo tolerance (trigrams) is for queries of one or two words.
TYPO_TOLERANT_WORDS = 2
TYPO_TOLERANT_MIN_LENGTH = 4
SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default, which its % operator (trigram_similar) uses
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


def text_query(query):
    """The query parsed in each release language, OR-ed: a French release matches the
    French stems, an English one the English stems."""
    parsed = [SearchQuery(query, config=config, search_type="websearch") for config in CONFIGS]
    combined = parsed[0]
    for other in parsed[1:]:
        combined |= other
    return combined


@dataclass(slots=True)
class Match:
    """A release that matches the query: what ranking, counting and the facets need of it."""

    id: int
    publish_at: datetime
    score: float
    tokens: frozenset  # its filter values as "name:value", e.g. "country:chad", "year:2024"

    @classmethod
    def of(cls, release_id, publish_at, score, tokens, zone):
        """From the document's filter tokens, e.g. ["kind:news", "country:chad"], with the
        year and month in `zone`, the current time zone, as the filters read them."""
        local = publish_at.astimezone(zone)
        calendar = (f"year:{local.year}", f"month:{local.month}")
        return cls(release_id, publish_at, score, frozenset((*tokens, *calendar)))

    def rank(self):
        return (-self.score, -self.publish_at.timestamp(), -self.id)


class ReleaseSearch:
    """How releases are searched for one query.

    The most recent matches under the filters are found first, with their scores and filter
    values: asked for by the hundred, the planner walks the search documents in publishing
    order for a common word and stops early, and reads the text index for a rare word or a
    filter (whose values are tokens in the same index). Ranking, the total and the facets are
    then worked out from those rows. On PostgreSQL a short query that no release matches word
    for word is taken as a typo: each of its words is then searched as the title word closest
    to it (trigrams over the few thousand title words, not over every title).
    """

    WORDS, FULL_TEXT, SIMILAR_WORDS = "words", "full text", "similar words"

    def __init__(self, query, live_releases, form):
        self.query = query
        self.searched = query  # in typo mode, with the closest title words instead
        self.live_releases = live_releases
        self.form = form
        self.mode = self.FULL_TEXT if uses_full_text() else self.WORDS
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
        tsquery = text_query(self.searched)
        tokens = [f"{name}:{value}" for name, value in active.items() if name in TOKEN_FILTERS]
        matching = tsquery & Tokens(tokens) if tokens else tsquery
        documents = SearchDocument.objects.live().filter(document=matching)
        if "year" in active:
            documents = documents.filter(publish_at__year=active["year"])
        if "month" in active:
            documents = documents.filter(publish_at__month=active["month"])
        recent = documents.order_by("-publish_at", "-release_id").values("pk")[:CANDIDATES]
        # Ranked in an outer query: ranking before the limit would rank every match.
        rows = (
            SearchDocument.objects.filter(pk__in=recent)
            .annotate(score=SearchRank(F("document"), tsquery))
            .values_list("release_id", "publish_at", "score", "filters")
        )
        zone = timezone.get_current_timezone()
        return [Match.of(*row[:3], row[3].split(), zone) for row in rows]

    def _most_recent_words(self, ignore):
        """SQLite: the releases holding every word, newest first, their filter values read
        from the releases' countries and topics."""
        releases = self.live_releases.filter(words_filter(self.query, "title", "summary", "body"))
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
        releases = Release.objects.filter(pk__in=ids).select_related("dateline_country")
        releases = releases.only(
            "kind", "title", "slug", "summary", "dateline", "language", "publish_at",
            "dateline_country__name",
        )  # fmt: skip
        if self.mode != self.WORDS:
            releases = releases.annotate(
                headline=SearchHeadline(
                    snippet_text(),
                    text_query(self.searched),
                    config=release_config(),
                    start_sel=START_MARK,
                    stop_sel=STOP_MARK,
                    max_words=35,
                    min_words=15,
                )
            )
        by_id = {release.pk: release for release in releases}
        return [by_id[pk] for pk in ids if pk in by_id]


class Tokens(SearchQueryCombinable, Func):
    """Filter values as the exact tokens of the search documents, all required:
    e.g. 'kind:news' & 'tag:health'. Cast, not parsed, so that no dictionary changes them."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()

    def __init__(self, tokens):
        quoted = " & ".join("'{}'".format(token.replace("'", "''")) for token in tokens)
        super().__init__(Value(quoted))


def closest_title_words(query):
    """The query's words, each replaced by the title word closest to it if one is close
    enough: one query for all of them."""
    words = LETTERS.findall(query.lower())
    if not words:
        return query
    similarities = {
        f"similarity_{number}": TrigramSimilarity("word", word) for number, word in enumerate(words)
    }
    close = Q.create([("word__trigram_similar", word) for word in words], connector=Q.OR)
    rows = TitleWord.objects.filter(close).annotate(**similarities)
    rows = list(rows.values_list("word", *similarities))
    closest = []
    for column, word in enumerate(words, start=1):
        similarity, title_word = max(((row[column], row[0]) for row in rows), default=(0, word))
        closest.append(title_word if similarity >= SIMILARITY_THRESHOLD else word)
    return " ".join(closest)


def release_config():
    """Each release's text-search configuration, from its language."""
    return Case(
        *(When(language=code, then=Value(config)) for code, config in SEARCH_CONFIGS.items()),
        default=Value(DEFAULT_CONFIG),
    )


def snippet_text():
    """The summary and the start of the body without its tags, where snippets come from:
    ts_headline over whole bodies took a third of a search's time. A tag cut short at the
    end goes too."""
    body_text = Func(
        Left("body", SNIPPET_BODY_LENGTH),
        Value("<[^>]*(>|$)"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Concat(F("summary"), Value(" "), body_text, output_field=TextField())


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
