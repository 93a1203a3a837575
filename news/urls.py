from django.urls import path

from . import embargo, views

app_name = "news"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("embargo/<slug:token>/", embargo.embargoed_release, name="embargo"),
    path("<slug:slug>/", views.release_detail, name="detail"),
]
