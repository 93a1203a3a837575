from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header

from pages.content_version import cached_until_change
from pages.views import section_page

from . import vcards
from .models import Country, PressContact

COUNTRY_RELEASES = 6


def country_list(request):
    return TemplateResponse(
        request,
        "contacts/country_list.html",
        # A callable: the template calls it only when its cached list has to be built again.
        {"regions": countries_by_region, "page": section_page("where-we-work/")},
    )


def countries_by_region():
    countries = (
        Country.objects.select_related("region")
        .order_by("region__sort_order", "region__name", "name")
        .only("name", "slug", "presence", "member_since", "region__name", "region__slug")
    )
    return [
        (region, list(members))
        for region, members in groupby(countries, key=lambda country: country.region)
    ]


def country_detail(request, slug):
    # Kept until content changes, as the rest of the page is: a warm page runs no query.
    countries = Country.objects.select_related("region")
    country = cached_until_change(f"country:{slug}", lambda: countries.filter(slug=slug).first())
    if country is None:
        raise Http404("No country at this address.")
    parts = cached_until_change(f"country-parts:{country.pk}", lambda: country_parts(country))
    return TemplateResponse(
        request,
        "contacts/country_detail.html",
        {
            "country": country,
            "offices": parts["offices"],
            "contacts": parts["contacts"],
            "release_ids": parts["release_ids"],  # shown by news's {% release_cards %}
        },
    )


def country_parts(country):
    """A country's offices, press contacts and latest releases, kept until content changes."""
    return {
        "offices": list(country.offices.all()),
        "contacts": list(
            PressContact.objects.active().filter(office__country=country).select_related("office")
        ),
        "release_ids": list(
            country.releases.live().shown_in().values_list("pk", flat=True)[:COUNTRY_RELEASES]
        ),
    }


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


def contact_vcard(request, pk):
    """ "Save contact": the press contact's vCard, for address books."""
    contact = get_object_or_404(
        PressContact.objects.active().select_related("office__country"), pk=pk
    )
    response = HttpResponse(vcards.vcard(contact), content_type=vcards.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, vcards.filename(contact))
    return response
