from django.urls import path

from . import embargo, feeds, views

app_name = "news"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("embargo/<slug:token>/", embargo.embargoed_release, name="embargo"),
    path("feed/", feeds.LatestReleasesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestReleasesAtomFeed(), name="atom"),
    path("<slug:slug>/", views.release_detail, name="detail"),
]
