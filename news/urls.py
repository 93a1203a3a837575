from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("feed/", feeds.LatestReleasesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestReleasesAtomFeed(), name="atom"),
    path("<slug:slug>/", views.release_detail, name="detail"),
]
