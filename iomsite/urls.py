from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path, re_path

from . import views
from .sitemaps import news_sitemap, sitemaps

urlpatterns = [
    path("", views.home, name="home"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("search/", views.search, name="search"),
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
    path("news/", include("news.urls")),
    path("subscribe/", include("news.subscription_urls")),
    path("", include("contacts.urls")),
]

if settings.DEBUG:
    from .media import serve_media

    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", serve_media))

# Last, so that every other address wins over a page of the same name.
urlpatterns.append(path("", include("pages.urls")))
