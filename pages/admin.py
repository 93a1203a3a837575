from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .autocomplete import CheckedAutocompleteAdmin
from .changelist import CheckedDatesChangeList
from .models import Image, Page
from .publishing import State


class PublishingStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status="published")
        match self.value():
            case State.DRAFT:
                return queryset.exclude(status="published")
            case State.SCHEDULED:
                return published.filter(publish_at__gt=now)
            case State.LIVE:
                return queryset.live(now)
            case State.EXPIRED:
                return published.filter(unpublish_at__lte=now)
        return queryset


@admin.action(description=_("Publish selected items now"), permissions=["change"])
def publish(modeladmin, request, queryset):
    count = queryset.publish(user=request.user)
    modeladmin.message_user(
        request,
        ngettext("%d item published.", "%d items published.", count) % count,
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish selected items"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    count = queryset.unpublish(user=request.user)
    modeladmin.message_user(
        request,
        ngettext("%d item unpublished.", "%d items unpublished.", count) % count,
        messages.SUCCESS,
    )


class PublishableAdmin(CheckedAutocompleteAdmin, admin.ModelAdmin):
    """What every publishable model's admin shares: state badges, filters, bulk actions,
    and stamping who created and last changed a record."""

    actions = [publish, unpublish]

    class Media:
        css = {"all": ["pages/admin.css"]}

    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    publishing_fieldset = (
        _("Publishing"),
        {"fields": ["status", "publish_at", "unpublish_at"]},
    )
    history_fieldset = (
        _("History"),
        {
            "fields": ["created_at", "created_by", "updated_at", "updated_by"],
            "classes": ["collapse"],
        },
    )

    @admin.display(description=_("state"))
    def state_badge(self, obj):
        state = obj.state
        when = ""
        if state == State.SCHEDULED:
            when = timezone.localtime(obj.publish_at).strftime(" %d %b %Y %H:%M %Z")
        elif state == State.EXPIRED:
            when = timezone.localtime(obj.unpublish_at).strftime(" %d %b %Y %H:%M %Z")
        return format_html('<span class="state state-{}">{}{}</span>', state, state.label, when)

    def get_changelist(self, request, **kwargs):
        return CheckedDatesChangeList

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = [
        "title",
        "path_display",
        "state_badge",
        "show_in_menu",
        "sort_order",
        "updated_at",
    ]
    list_editable = ["sort_order"]
    list_filter = [PublishingStateFilter, "show_in_menu"]
    search_fields = ["title", "path", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "hero_image"]
    list_select_related = ["parent"]
    ordering = ["path"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "summary", "body", "hero_image"]}),
        PublishableAdmin.publishing_fieldset,
        (_("Menu"), {"fields": ["menu_title", "show_in_menu", "sort_order"]}),
        (
            _("Advanced options"),
            {
                "fields": ["seo_title", "search_description", "template_name"],
                "classes": ["collapse"],
            },
        ),
        PublishableAdmin.history_fieldset,
    ]

    @admin.display(description=_("address"), ordering="path")
    def path_display(self, obj):
        return obj.path_display


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "title", "alt_text", "credit", "width", "height", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "width", "height", "uploaded_at", "uploaded_by"]
    fields = [
        "file",
        "preview",
        "title",
        "alt_text",
        "decorative",
        "caption",
        "credit",
        "focal_x",
        "focal_y",
        "width",
        "height",
        "uploaded_at",
        "uploaded_by",
    ]

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        url = obj.rendition_url("card")
        return format_html('<img src="{}" alt="" width="80">', url) if url else ""

    @admin.display(description=_("preview"))
    def preview(self, obj):
        url = obj.rendition_url("wide")
        return format_html('<img src="{}" alt="{}" width="480">', url, obj.alt) if url else "—"

    def get_changelist(self, request, **kwargs):
        return CheckedDatesChangeList

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
