from django.urls import path

from . import embargo, feeds, press_kits, views

app_name = "news"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("embargo/<slug:token>/", embargo.embargoed_release, name="embargo"),
    path(
        "embargo/<slug:token>/press-kit.zip",
        press_kits.embargoed_press_kit,
        name="embargo-press-kit",
    ),
    path("feed/", feeds.LatestReleasesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestReleasesAtomFeed(), name="atom"),
    path("<slug:slug>/", views.release_detail, name="detail"),
    path("<slug:slug>/press-kit.zip", press_kits.release_press_kit, name="press-kit"),
]
