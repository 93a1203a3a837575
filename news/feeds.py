"""RSS 2.0 and Atom feeds of the newsroom, whole or filtered by the newsroom's own query string:
/news/feed/?country=china&kind=press-release follows what /news/?country=china&kind=press-release
shows."""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from .filters import RELATED_MODELS, ReleaseFilterForm, names_by_slug
from .models import Release

FEED_ITEMS = 30


@dataclass
class FilteredNewsroom:
    """What a feed shows: the newsroom's valid filters, with readable labels for its title."""

    request: HttpRequest = field(repr=False)
    filters: dict
    labels: list

    @classmethod
    def from_request(cls, request):
        """Unknown slugs 404, like the newsroom; malformed values are ignored, like the newsroom."""
        form = ReleaseFilterForm(request.GET)
        filters = form.active  # filter_labels() answers 404 for a slug that names nothing
        return cls(request=request, filters=filters, labels=filter_labels(form, filters))

    @property
    def query_string(self):
        query = QueryDict(mutable=True)
        query.update(self.filters)
        return query.urlencode()

    def url(self, name):
        return reverse(name) + (f"?{self.query_string}" if self.filters else "")


def filter_labels(form, filters):
    """Readable labels of the active filters, in the form's field order: ["News", "China"]."""
    labels = []
    for name, value in filters.items():
        if name in RELATED_MODELS:
            label = names_by_slug(RELATED_MODELS[name]).get(value)
            if label is None:
                raise Http404("Unknown filter value.")
        elif isinstance(form.fields[name], forms.ChoiceField):
            label = dict(form.fields[name].choices)[value]
        else:
            label = value
        labels.append(str(label))
    return labels


def image_enclosure(request, image):
    rendition = image.largest_rendition() if image else None
    if not rendition or not rendition["bytes"]:
        return []
    return [
        Enclosure(
            url=request.build_absolute_uri(rendition["url"]),
            length=str(rendition["bytes"]),
            mime_type=rendition["content_type"],
        )
    ]


class LatestReleasesFeed(Feed):
    feed_type = Rss201rev2Feed
    url_name = "news:feed"

    def get_object(self, request):
        return FilteredNewsroom.from_request(request)

    def title(self, newsroom):
        return " – ".join([f"{settings.SITE_SHORT_NAME} news", *newsroom.labels])

    def description(self, newsroom):
        return f"Press releases, news and stories from the {settings.SITE_NAME}."

    subtitle = description

    def link(self, newsroom):
        return newsroom.url("news:list")

    def feed_url(self, newsroom):
        return newsroom.url(self.url_name)

    def author_name(self, newsroom):
        return settings.SITE_NAME

    def items(self, newsroom):
        releases = (
            Release.objects.live()
            .shown_in()
            .select_related("image")
            .prefetch_related("tags")
            .only(
                "kind", "title", "slug", "summary", "language", "publish_at", "updated_at",
                "status", "unpublish_at", "image__renditions",
            )
        )  # fmt: skip
        releases = list(ReleaseFilterForm(newsroom.filters).filter(releases)[:FEED_ITEMS])
        for release in releases:
            # Enclosures need absolute URLs, which only the request knows.
            release.feed_enclosures = image_enclosure(newsroom.request, release.image)
        return releases

    def item_description(self, release):
        return escape(release.summary)

    def item_pubdate(self, release):
        return release.publish_at

    def item_updateddate(self, release):
        return release.updated_at

    def item_author_name(self, release):
        return settings.SITE_NAME

    def item_categories(self, release):
        return [release.kind_label, *(tag.name for tag in release.tags.all())]

    def item_enclosures(self, release):
        return release.feed_enclosures


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed
    url_name = "news:atom"

    def item_title(self, release):
        # Atom titles are plain text by definition; RSS readers may read them as HTML, so the
        # RSS feed keeps Django's escaped titles.
        return release.title
