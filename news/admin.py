from django.contrib import admin
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget
from taggit.managers import TaggableManager
from taggit.models import Tag

from pages.admin import PublishableAdmin, PublishingStateFilter

from .models import Release, ReleaseContact


class TagAutocompleteWidget(TagWidget):
    """Taggit's comma-separated box, enhanced in the browser into a searchable multi-select."""

    class Media:
        js = [
            "admin/js/vendor/jquery/jquery.js",
            "admin/js/vendor/select2/select2.full.js",
            "admin/js/jquery.init.js",
            "news/tag-autocomplete.js",
        ]
        css = {"screen": ["admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css"]}


class ReleaseContactInline(admin.TabularInline):
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

    def get_urls(self):
        return [
            path(
                "tags/autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete),
                name="news_release_tag_autocomplete",
            ),
            *super().get_urls(),
        ]

    def tag_autocomplete(self, request):
        """Existing topics matching what the editor types, in select2's format."""
        if not self.has_view_or_change_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        term = request.GET.get("term", "")[:100]
        names = Tag.objects.filter(name__icontains=term).order_by("name")
        results = [{"id": name, "text": name} for name in names.values_list("name", flat=True)[:20]]
        return JsonResponse({"results": results})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            url = f"{self.admin_site.name}:news_release_tag_autocomplete"
            kwargs["widget"] = TagAutocompleteWidget(
                attrs={"data-tag-autocomplete-url": reverse(url)}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_countries()
