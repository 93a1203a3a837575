from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.release_list, name="list"),
    path("<slug:slug>/", views.release_detail, name="detail"),
]
