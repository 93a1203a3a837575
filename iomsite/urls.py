from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path, re_path

from . import views
from .sitemaps import news_sitemap, sitemaps

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-news.xml", news_sitemap, name="sitemap-news"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap-section"),
    path("api/", include("iomsite.api")),
]

if settings.DEBUG:
    from .media import serve_media

    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_media))

# What visitors read, in English at these addresses and under /fr/ and /es/ in French and
# Spanish (iomsite.languages). Pages last, so that every other address wins over a page's.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("news/", include("news.urls")),
    path("subscribe/", include("news.subscription_urls")),
    path("", include("contacts.urls")),
    path("", include("pages.urls")),
    prefix_default_language=False,
)
