"""Sitemaps for crawlers: an index at /sitemap.xml with one section per kind of content
(releases paginated by 5,000), and a Google News sitemap of the last two days' releases.
Every section lists live content only."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from contacts.models import Country
from news.models import Release, live_versions_of_groups
from pages.models import Page

from .languages import x_default

NEWS_SITEMAP_DAYS = 2
NEWS_SITEMAP_LIMIT = 1000  # Google News reads at most this many URLs per sitemap


class LiveSitemap(Sitemap):
    """The index's lastmod of a section comes from one aggregate, not from every item."""

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item):
        return item.updated_at


class PageSitemap(LiveSitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.live().only("path", "updated_at").order_by("path")


class ReleaseSitemap(LiveSitemap):
    """Each live release at its own language's address, with its live versions as alternates."""

    changefreq = "never"
    limit = 5000

    def items(self):
        return (
            Release.objects.live()
            .only("slug", "language", "translation_of_id", "updated_at")
            .order_by("-publish_at", "-id")
        )

    def location(self, release):
        return release.canonical_url

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        groups = live_versions_of_groups(url["item"] for url in urls)
        for url in urls:
            release = url["item"]
            group = {
                version.language: version.canonical_url
                for version in groups[release.translation_of_id or release.pk]
            }
            if len(group) > 1:
                url["alternates"] = [
                    {"lang_code": code, "location": f"{protocol}://{domain}{address}"}
                    for code, address in [*group.items(), ("x-default", x_default(group))]
                ]
        return urls


class CountrySitemap(Sitemap):
    """A country page in each language, each naming the others."""

    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        # A country page lists its latest releases, so it changes when they do.
        latest_release = (
            Release.objects.live()
            .filter(countries=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            Country.objects.only("slug", "updated_at")
            .annotate(latest_release_update=Subquery(latest_release))
            .order_by("name")
        )

    def lastmod(self, country):
        return max(filter(None, [country.updated_at, country.latest_release_update]))

    def get_latest_lastmod(self):
        country = Country.objects.aggregate(latest=Max("updated_at"))["latest"]
        release = (
            Release.objects.live()
            .filter(countries__isnull=False)
            .aggregate(latest=Max("updated_at"))["latest"]
        )
        return max(filter(None, [country, release]), default=None)


sitemaps = {"pages": PageSitemap, "releases": ReleaseSitemap, "countries": CountrySitemap}


@require_GET
def news_sitemap(request):
    """Releases of the last two days, for Google News."""
    since = timezone.now() - timedelta(days=NEWS_SITEMAP_DAYS)
    releases = (
        Release.objects.live()
        .filter(publish_at__gte=since)
        .only("title", "slug", "language", "publish_at", "status", "unpublish_at")
        .order_by("-publish_at", "-id")[:NEWS_SITEMAP_LIMIT]
    )
    return TemplateResponse(
        request,
        "sitemap-news.xml",
        {
            "releases": releases,
            "publication_name": settings.SITE_NAME,
            "site_root": request.build_absolute_uri("/").rstrip("/"),
        },
        content_type="application/xml; charset=utf-8",
    )
