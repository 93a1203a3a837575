from django.contrib.sitemaps import Sitemap

from contacts.models import Country
from news.models import Release
from pages.models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.live().only("path", "updated_at")

    def lastmod(self, page):
        return page.updated_at


class ReleaseSitemap(Sitemap):
    changefreq = "never"
    limit = 5000

    def items(self):
        return Release.objects.live().only("slug", "updated_at").order_by("-publish_at", "-id")

    def lastmod(self, release):
        return release.updated_at


class CountrySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Country.objects.only("slug")


sitemaps = {"pages": PageSitemap, "news": ReleaseSitemap, "countries": CountrySitemap}
