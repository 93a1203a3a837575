from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pages.autocomplete import CheckedAutocompleteAdmin
from pages.versions import HistoryAdmin

from .models import Country, Office, PressContact, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_fr", "name_es", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "name_fr", "name_es"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "code", "region", "member_since", "presence"]
    list_filter = ["region", "presence"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "code", "slug", "region", "member_since", "presence", "summary", "body"]


@admin.register(Office)
class OfficeAdmin(CheckedAutocompleteAdmin, HistoryAdmin):
    list_display = ["name", "kind", "country", "city", "email", "phone"]
    list_filter = ["kind", "country__region"]
    list_select_related = ["country"]
    search_fields = ["name", "city", "country__name"]
    autocomplete_fields = ["country"]
    fields = [
        ("name", "name_fr", "name_es"),
        "kind",
        "country",
        ("city", "city_fr", "city_es"),
        "address",
        "email",
        "phone",
    ]


@admin.register(PressContact)
class PressContactAdmin(CheckedAutocompleteAdmin, HistoryAdmin):
    list_display = ["name", "job_title", "office", "email", "phone_display", "active"]
    list_filter = ["active", "office__country__region"]
    list_select_related = ["office"]
    search_fields = ["name", "email", "office__name", "office__country__name"]
    autocomplete_fields = ["office"]
    fields = [
        "name",
        ("job_title", "job_title_fr", "job_title_es"),
        "office",
        "email",
        "phone",
        "mobile",
        "languages",
        "active",
    ]

    @admin.display(description=_("phone"), ordering="phone")
    def phone_display(self, obj):
        return obj.phone_display
