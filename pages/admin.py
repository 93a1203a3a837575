from django.contrib import admin, messages
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override
from reversion.models import Version

from .autocomplete import CheckedAutocompleteAdmin
from .editing import EditingMixin
from .forms import PublishableAdminForm
from .images import LibraryImageFormField
from .models import Image, Page, PageTranslation, SlugRedirect
from .preview import PreviewMixin
from .publishing import State, Status
from .review import record_states, states_of
from .review_admin import ReviewMixin
from .translation_admin import TranslatedAdminMixin, TranslationFormMixin
from .versions import HistoryAdmin, add_versions
from .views import render_page

PUBLISHING_FIELDS = ("status", "publish_at", "unpublish_at")


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


def change_publication(modeladmin, request, queryset, change, note, message):
    """A bulk publish or unpublish: the change, a version for the history, a message."""
    before = states_of(queryset)
    count = change(user=request.user)
    add_versions(queryset, note)
    record_states(queryset, request.user, before)
    modeladmin.message_user(request, message(count) % count, messages.SUCCESS)


@admin.action(description=_("Publish selected items now"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    change_publication(
        modeladmin, request, queryset, queryset.publish, _("Published from the list."),
        lambda count: ngettext("%d item published.", "%d items published.", count),
    )  # fmt: skip


@admin.action(description=_("Unpublish selected items"), permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    change_publication(
        modeladmin, request, queryset, queryset.unpublish, _("Unpublished from the list."),
        lambda count: ngettext("%d item unpublished.", "%d items unpublished.", count),
    )  # fmt: skip


class PublishableAdmin(ReviewMixin, EditingMixin, CheckedAutocompleteAdmin, HistoryAdmin):
    """What every publishable model's admin shares: state badges, filters, bulk actions,
    versions, publishing only for publishers, refusing stale saves, stamping who created and
    last changed a record, the review workflow and a form made for writing."""

    form = PublishableAdminForm
    actions = [publish, unpublish]

    class Media:
        css = {"all": ["pages/admin.css"]}

    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    publishing_fieldset = (_("Publishing"), {"fields": PUBLISHING_FIELDS})
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
        badge = format_html('<span class="state state-{}">{}{}</span>', state, state.label, when)
        return badge + self.review_badge(obj)

    def has_publish_permission(self, request, obj=None):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def has_delete_permission(self, request, obj=None):
        published = obj is not None and obj.status == Status.PUBLISHED
        if published and not self.has_publish_permission(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def locked_publishing_fields(self, request, obj):
        """Publishing fields this user may not change on this item."""
        if self.has_publish_permission(request, obj):
            return []
        if obj is not None and obj.status == Status.PUBLISHED:
            return list(PUBLISHING_FIELDS)
        return ["status"]

    def refuse_restore(self, request, version_id, obj):
        """Reverting or recovering would publish, unpublish or reschedule: publishers only."""
        if self.has_publish_permission(request, obj):
            return None
        version = Version.objects.filter(pk=version_id).first()
        if version is None:
            return None
        current = obj or self.model()  # a recovered item would otherwise start as a draft
        if all(
            version.field_dict.get(name) == getattr(current, name) for name in PUBLISHING_FIELDS
        ):
            return None
        self.message_user(
            request,
            _(
                "That version has a different publishing status or schedule; "
                "ask a publisher to restore it."
            ),
            messages.ERROR,
        )
        opts = self.opts
        if obj is None:
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_recoverlist")
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", obj.pk)

    def get_readonly_fields(self, request, obj=None):
        locked = self.locked_publishing_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), *locked]

    def get_fieldsets(self, request, obj=None):
        hidden = (None, {"fields": ["opened_version"], "classes": ["hidden"]})
        return [*super().get_fieldsets(request, obj), hidden]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.locked_fields = self.locked_publishing_fields(request, obj)
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Page)
class PageAdmin(TranslatedAdminMixin, PreviewMixin, PublishableAdmin):
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

    def render_preview(self, request, page, form, formsets, **extra_context):
        page.path = page.compute_path()  # where it will be once saved
        return render_page(request, page, **extra_context)

    def original_queryset(self):
        return Page.objects.order_by("path").only("path", *Page.TRANSLATED_FIELDS)

    def translations_by_original(self, originals):
        found = {}
        translations = PageTranslation.objects.filter(page__in=originals).only(
            "page_id", "language", "status", "publish_at", "unpublish_at", "source_digest"
        )
        for translation in translations:
            found.setdefault(translation.page_id, {})[translation.language] = translation
        return found

    def may_translate(self, request):
        return request.user.has_perm("pages.add_pagetranslation")


@admin.register(PageTranslation)
class PageTranslationAdmin(TranslationFormMixin, PreviewMixin, PublishableAdmin):
    list_display = ["title", "page", "language", "state_badge", "updated_at"]
    list_filter = [PublishingStateFilter, "language"]
    list_select_related = ["page"]
    search_fields = ["title", "page__path", "summary"]
    autocomplete_fields = ["page"]
    fieldsets = [
        (_("Original"), {"fields": ["original_text"]}),
        (None, {"fields": ["page", "language", "title", "summary", "body", "up_to_date"]}),
        PublishableAdmin.publishing_fieldset,
        (_("Menu"), {"fields": ["menu_title"]}),
        (
            _("Advanced options"),
            {"fields": ["seo_title", "search_description"], "classes": ["collapse"]},
        ),
        PublishableAdmin.history_fieldset,
    ]
    readonly_fields = [*PublishableAdmin.readonly_fields, "original_text"]

    def get_readonly_fields(self, request, obj=None):
        # A translation stays the version of its page in its language.
        fixed = ["page", "language"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *fixed]

    def original_of(self, translation):
        return translation.page if translation.page_id else None

    def render_preview(self, request, translation, form, formsets, **extra_context):
        page = translation.page
        page.show_translation(translation)
        with override(translation.language):
            return render_page(request, page, **extra_context).render()


@admin.register(Image)
class ImageAdmin(HistoryAdmin):
    list_display = ["thumbnail", "title", "alt_text", "credit", "width", "height", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "width", "height", "uploaded_at", "uploaded_by"]
    formfield_overrides = {models.ImageField: {"form_class": LibraryImageFormField}}
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def reversion_register(self, model, **kwargs):
        # Renditions are made again from the file and focal point of the version reverted to.
        super().reversion_register(model, exclude=["renditions"], **kwargs)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["old_path"]
    readonly_fields = ["old_path", "content_type", "object_id", "created_at"]

    def has_add_permission(self, request):
        return False  # made when a published item's address changes
