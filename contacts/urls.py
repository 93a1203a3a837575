from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("where-we-work/", views.country_list, name="countries"),
    path("where-we-work/<slug:slug>/", views.country_detail, name="country"),
    path("media-contacts/", views.media_contacts, name="media"),
    path("media-contacts/<int:pk>.vcf", views.contact_vcard, name="vcard"),
]
