"""Counts per choice for the newsroom filters, e.g. "China (12)".

A fixed number of GROUP BY queries whatever the data size: one for kind, language, year
and month together (whose rows also give the total), one each for countries, regions and
topics, by id (the most frequent are offered). Each facet counts over the releases that the
*other* filters keep, so the number next to a choice is the number of releases you get by
picking it. Search counts the same facets from the matches it found (match_facets).
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import chain

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils.dates import MONTHS
from django.utils.http import urlencode

from pages.content_version import cached_until_change

from .filters import RELATED_MODELS, filter_values, names_by_slug
from .models import Release

TOP_CHOICES = 20
CHOICE_LABELS = {
    "kind": dict(Release.Kind.choices),
    "language": dict(settings.LANGUAGES),
    "month": MONTHS,
}

# Columns of the single calendar query; every release has exactly one value of each.
CALENDAR_FILTERS = ("kind", "language", "year", "month")
NUMBER_FILTERS = ("year", "month")
# Filters through countries and topics (a release may have several values, or none): the
# relation each counts by.
RELATIONS = {"country": "countries", "region": "countries__region", "tag": "tags"}


@dataclass
class Choice:
    value: object
    label: str
    count: int
    active: bool = False

    def __post_init__(self):
        # Facets are cached: a lazy translation would be unpickled into a new class per label
        # on every request. They are cached per language, so the text is fixed when counted.
        self.label = str(self.label)


@dataclass
class Facets:
    total: int = 0
    choices: dict = field(default_factory=dict)  # filter name -> [Choice]

    def label(self, name, value):
        """The human label of an active filter value, e.g. "China" for country=china."""
        for choice in self.choices.get(name, ()):
            if choice.value == value:
                return choice.label
        return str(value)


def cached_release_facets(form, build_releases):
    """release_facets() over the releases build_releases() makes (only when they must be
    counted), kept in the shared cache until content changes or a scheduled release goes live
    or expires: the newsroom's counts then cost no query."""
    filters = hashlib.sha256(form.query_string().encode()).hexdigest()[:32]
    return cached_until_change(
        f"release-facets:{filters}",
        lambda: release_facets(form, partial(form.filter, build_releases())),
    )


def release_facets(form, kept):
    """Facets under the filters of `form`. kept(ignore=names) gives the releases that the
    filters other than `names` keep, e.g. partial(form.filter, live_releases)."""
    active = form.active
    facets = Facets()
    _add_calendar_facets(facets, active, kept(ignore=CALENDAR_FILTERS))
    for name, model in RELATED_MODELS.items():
        releases = kept(ignore={name})
        # Grouped by id, not by slug and name: sorting 170,000 joined rows by text took twice
        # as long. A release in two countries of one region counts once for it.
        rows = (
            releases.order_by()
            .values_list(RELATIONS[name])
            .annotate(count=release_count(releases, repeats=name == "region"))
        )
        slugs, names = filter_values(model)
        counts = {slugs[pk]: count for pk, count in rows if pk in slugs}
        facets.choices[name] = _top_choices(counts, names, active.get(name))
    _add_empty_active_choices(facets, active)
    return facets


def match_facets(form, matches_under):
    """Facets counted over the matches a search found, with no query of their own.
    matches_under(ignore=names) gives the matches under the filters other than `names`
    (news.search.Match: a release's filter values as "name:value" tokens)."""
    active = form.active
    facets = Facets(total=len(matches_under(ignore=())))
    counted = {}  # (filters ignored, tokens required) -> {filter name: Counter of values}
    calendar_counts = {}
    for name in (*CALENDAR_FILTERS, *RELATED_MODELS):
        ignored = ignored_for(name, active)
        required = frozenset(filter_tokens(active, ignored - {name}))
        if (ignored, required) not in counted:
            # Without filters every facet counts the same matches: one pass for all of them.
            counted[ignored, required] = _values_counted(matches_under(ignore=ignored), required)
        counts = counted[ignored, required].get(name, Counter())
        if name in CALENDAR_FILTERS:
            calendar_counts[name] = counts
        else:
            names = names_by_slug(RELATED_MODELS[name])
            facets.choices[name] = _top_choices(counts, names, active.get(name))
    if "year" not in active:
        calendar_counts["month"].clear()  # months are offered once a year is chosen
    _add_calendar_choices(facets, active, calendar_counts)
    _add_empty_active_choices(facets, active)
    return facets


def ignored_for(name, active):
    """The active filters that the facet of `name` counts the matches without: its own, or,
    for a calendar filter, all the active calendar filters, counted together as over the
    releases in the newsroom."""
    return frozenset(CALENDAR_FILTERS if name in CALENDAR_FILTERS else (name,)).intersection(active)


def filter_tokens(active, names):
    """The tokens of the active filters `names`, e.g. ["country:chad", "year:2024"]: as a
    match holds its values (news.search.Match)."""
    return [f"{name}:{active[name]}" for name in names if name in active]


def ignored_groups(active):
    """The sets of active filters that the facets count the matches without (ignored_for())."""
    return {ignored_for(name, active) for name in active}


def _values_counted(matches, required):
    """{filter name: Counter of its values} over the matches that hold the `required` tokens."""
    tokens = Counter(chain.from_iterable(m.tokens for m in matches if required <= m.tokens))
    counted = defaultdict(Counter)  # not setdefault(): a Counter made for each of 240 tokens
    for token, count in tokens.items():
        name, _, value = token.partition(":")
        counted[name][_cleaned(name, value)] = count
    return counted


def _cleaned(name, value):
    """A token's value as the filter form cleans it: years and months are numbers."""
    return int(value) if name in NUMBER_FILTERS else value


def _top_choices(counts, names, active_slug):
    """The most frequent of {slug: count}, then by name, the active one always first."""
    top = sorted(
        counts.items(), key=lambda item: (item[0] != active_slug, -item[1], names.get(item[0], ""))
    )[:TOP_CHOICES]
    return [Choice(slug, names.get(slug, slug), count, slug == active_slug) for slug, count in top]


def _add_empty_active_choices(facets, active):
    for name, value in active.items():
        # A filter that matches nothing still shows as chosen, with its zero.
        if not any(choice.active for choice in facets.choices[name]):
            label = CHOICE_LABELS[name].get(value, value) if name in CHOICE_LABELS else str(value)
            facets.choices[name].insert(0, Choice(value, label, 0, True))


def _add_calendar_facets(facets, active, releases):
    rows = (
        releases.order_by()
        .annotate(year=ExtractYear("publish_at"), month=ExtractMonth("publish_at"))
        .values_list("kind", "language", "year", "month")
        .annotate(count=release_count(releases))
    )
    counts = {name: Counter() for name in CALENDAR_FILTERS}
    for *values, count in rows:
        row = dict(zip(CALENDAR_FILTERS, values, strict=True))
        applies = {name: active.get(name, row[name]) == row[name] for name in CALENDAR_FILTERS}
        if all(applies.values()):
            facets.total += count
        for name in CALENDAR_FILTERS:
            # Picking another value of this filter keeps the rows the other filters keep.
            if all(applies[other] for other in CALENDAR_FILTERS if other != name):
                if name != "month" or "year" in active:
                    counts[name][row[name]] += count
    _add_calendar_choices(facets, active, counts)


def _add_calendar_choices(facets, active, counts):
    """The choices of kind, language, year and month from their counts ({name: Counter})."""
    for name in ("kind", "language"):
        facets.choices[name] = [
            Choice(value, label, counts[name][value], value == active.get(name))
            for value, label in CHOICE_LABELS[name].items()
            if counts[name][value]
        ]
    facets.choices["year"] = [
        Choice(year, str(year), count, year == active.get("year"))
        for year, count in sorted(counts["year"].items(), reverse=True)
    ]
    facets.choices["month"] = [
        Choice(month, MONTHS[month], count, month == active.get("month"))
        for month, count in sorted(counts["month"].items())
    ]


def release_count(releases, repeats=False):
    """COUNT(DISTINCT id) only where rows can repeat a release: after the filters' joins, or
    in a facet where one release can reach a value twice.
    Otherwise a plain COUNT, which PostgreSQL computes twice as fast over 100,000 releases."""
    return Count("pk", distinct=repeats or releases.query.distinct)


@dataclass
class ActiveFilter:
    name: str
    label: str
    remove_url: str


def filter_panel(form, facets, **extra_params):
    """What the filter form shows: one select per filter with its counts, the active filters
    each with a link that removes it, and the parameters that were ignored."""
    selects = [
        (form[name], facets.choices[name])
        for name in ("kind", "country", "region", "tag", "language", "year", "month")
        if name != "month" or "year" in form.active
    ]
    active = [
        ActiveFilter(
            name=str(form.fields[name].label),
            label=facets.label(name, value),
            remove_url="?" + form.query_string(without={name}, **extra_params),
        )
        for name, value in form.active.items()
    ]
    ignored = [form.fields[name].label for name in form.ignored]
    return {
        "selects": selects,
        "active": active,
        "clear_url": "?" + urlencode(extra_params),
        "ignored": ignored,
        "extra_params": extra_params,
    }
