"""The newsroom's filters, shared by the newsroom page, its feeds and the API.

Only the allow-listed parameters below ever reach the ORM, and only once a form field
has cleaned them; anything else in the query string is ignored.
"""

from django import forms
from django.conf import settings
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from contacts.models import Country, Region
from pages.content_version import cached_until_change
from pages.translations import language_fields

from .models import Release, topic_name

MAX_PARAMETER_LENGTH = 100
# The filters whose values are slugs of these models.
RELATED_MODELS = {"country": Country, "region": Region, "tag": Tag}


class ReleaseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Release.Kind.choices, required=False)
    country = forms.SlugField(label=_("Country"), max_length=MAX_PARAMETER_LENGTH, required=False)
    region = forms.SlugField(label=_("Region"), max_length=MAX_PARAMETER_LENGTH, required=False)
    tag = forms.SlugField(label=_("Topic"), max_length=MAX_PARAMETER_LENGTH, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1951, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, required=False)

    FIELD_LOOKUPS = {
        "kind": "kind",
        "country": "countries__slug",
        "region": "countries__region__slug",
        "tag": "tags__slug",
        "year": "publish_at__year",
        "month": "publish_at__month",
        "language": "language",
    }

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # invalid values are dropped from cleaned_data, never raised

    @property
    def active(self):
        """The filters that apply: {name: cleaned value}, invalid or empty ones left out."""
        cleaned = getattr(self, "cleaned_data", {})
        active = {name: value for name, value in cleaned.items() if value not in ("", None)}
        if "month" in active and "year" not in active:
            del active["month"]  # a month means nothing without its year
        return active

    @property
    def ignored(self):
        """Names of the parameters that were given but do not apply: malformed, or a month
        without its year. Pages say so rather than failing."""
        ignored = [name for name in self.fields if name in self.errors]
        if self.data.get("month") and "month" not in self.active and "month" not in ignored:
            ignored.append("month")
        return ignored

    def filter(self, queryset, ignore=()):
        """The releases matching the active filters, except those named in `ignore`
        (a facet counts its choices over the releases the other filters keep)."""
        active = {name: value for name, value in self.active.items() if name not in ignore}
        queryset = queryset.filter(
            **{self.FIELD_LOOKUPS[name]: value for name, value in active.items()}
        )
        if {"country", "region", "tag"} & active.keys():
            # Joins through many-to-many relations can repeat a release.
            queryset = queryset.distinct()
        return queryset

    def unknown_values(self):
        """Slugs that are well-formed but name nothing: the caller answers 404 for these."""
        active = self.active
        return [
            name
            for name, model in RELATED_MODELS.items()
            if name in active and active[name] not in names_by_slug(model)
        ]

    def query_string(self, without=(), **extra):
        """The active filters as a query string, for links that keep them (pagination)
        or drop one ("remove this filter"). Built from cleaned values only."""
        params = {name: value for name, value in self.active.items() if name not in without}
        if "year" in without:
            params.pop("month", None)
        return urlencode({**extra, **params})


# What filter_values() reads of each model to name it in the active language.
NAME_FIELDS = {
    Country: ("slug", "name", "code"),
    Region: ("slug", "name", *language_fields("name")),
    Tag: ("slug", "name", *(f"names__{field}" for field in language_fields("name"))),
}


def local_name(item):
    return topic_name(item) if isinstance(item, Tag) else item.local_name


def filter_values(model):
    """({id: slug}, {slug: name in the active language}) of every country, region or topic,
    kept until content changes, per language: checking a filter, counting and labelling its
    choices then cost no query. Slugs are the same in every language."""

    def build():
        items = model.objects.only(*NAME_FIELDS[model])
        if model is Tag:
            items = items.select_related("names")
        items = list(items)
        return {item.pk: item.slug for item in items}, {
            item.slug: local_name(item) for item in items
        }

    return cached_until_change(f"filter-values:{model._meta.label_lower}", build)


def names_by_slug(model):
    return filter_values(model)[1]
