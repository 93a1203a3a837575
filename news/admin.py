from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from pages.admin import PublishableAdmin, PublishingStateFilter
from pages.autocomplete import CheckedAutocompleteAdmin

from .models import Release, ReleaseContact
from .tagging import CheckedTagField


class ReleaseContactInline(CheckedAutocompleteAdmin, admin.TabularInline):
    model = ReleaseContact
    autocomplete_fields = ["contact"]
    extra = 1
    fields = ["contact", "sort_order"]


@admin.register(Release)
class ReleaseAdmin(PublishableAdmin):
    list_display = [
        "title",
        "kind",
        "dateline_country",
        "language",
        "state_badge",
        "publish_at",
        "featured",
    ]
    list_filter = [
        PublishingStateFilter,
        "kind",
        "language",
        "featured",
        "dateline_country__region",
    ]
    list_select_related = ["dateline_country"]
    search_fields = ["title", "summary", "slug"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["dateline_country", "countries", "image", "translation_of"]
    inlines = [ReleaseContactInline]
    formfield_overrides = {TaggableManager: {"form_class": CheckedTagField}}
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    ("dateline_country", "dateline"),
                    "summary",
                    "body",
                    "image",
                    "tags",
                    "countries",
                ]
            },
        ),
        PublishableAdmin.publishing_fieldset,
        (_("Language and placement"), {"fields": ["language", "translation_of", "featured"]}),
        PublishableAdmin.history_fieldset,
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_countries()
