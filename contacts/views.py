from itertools import groupby

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from pages.views import section_page

from .models import Country, PressContact

COUNTRY_RELEASES = 6


def country_list(request):
    countries = (
        Country.objects.select_related("region")
        .order_by("region__sort_order", "region__name", "name")
        .only("name", "slug", "presence", "member_since", "region__name", "region__slug")
    )
    regions = [
        (region, list(members))
        for region, members in groupby(countries, key=lambda country: country.region)
    ]
    return TemplateResponse(
        request,
        "contacts/country_list.html",
        {"regions": regions, "page": section_page("where-we-work/")},
    )


def country_detail(request, slug):
    country = get_object_or_404(Country.objects.select_related("region"), slug=slug)
    offices = list(country.offices.all())
    contacts = list(
        PressContact.objects.active().filter(office__country=country).select_related("office")
    )
    # Through the reverse relation, so that contacts need not know about news.
    releases = country.releases.live().for_cards()[:COUNTRY_RELEASES]
    return TemplateResponse(
        request,
        "contacts/country_detail.html",
        {"country": country, "offices": offices, "contacts": contacts, "releases": releases},
    )


def media_contacts(request):
    contacts = (
        PressContact.objects.active()
        .select_related("office__country")
        .order_by("office__country__name", "name")
    )
    return TemplateResponse(
        request,
        "contacts/media_contacts.html",
        {"contacts": contacts, "page": section_page("media-contacts/")},
    )
