from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("<path:path>/", views.page_detail, name="detail"),
]
