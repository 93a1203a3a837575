import csv

import reversion
from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin
from taggit.forms import TagWidget
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from pages.admin import PublishableAdmin, PublishingStateFilter
from pages.autocomplete import CheckedAutocompleteAdmin
from pages.preview import PreviewMixin
from pages.publishing import State
from pages.translation_admin import TranslatedAdminMixin, TranslationFormMixin

from .alerts import alert_summary
from .models import (
    EMBARGO_LINK_LIFETIME,
    Consent,
    EmbargoLink,
    Release,
    ReleaseContact,
    Subscriber,
    TopicName,
)
from .search import editor_prefixes, editor_search
from .subscriptions import describe
from .tagging import CheckedTagField
from .views import render_release


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


class ReleaseContactInline(CheckedAutocompleteAdmin, admin.TabularInline):
    model = ReleaseContact
    autocomplete_fields = ["contact"]
    extra = 1
    fields = ["contact", "sort_order"]


class EmbargoLinkForm(forms.ModelForm):
    link = forms.CharField(
        label=_("private link"),
        required=False,
        disabled=True,
        help_text=_("Copy it into your email to journalists. Shown once saved."),
        widget=forms.TextInput(attrs={"readonly": True, "size": 30}),
    )
    revoke = forms.BooleanField(
        label=_("revoke"), required=False, help_text=_("The link stops working at once.")
    )

    class Meta:
        model = EmbargoLink
        fields = ["shared_with", "expires_at"]

    def __init__(self, *args, site_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["link"].initial = site_url + self.instance.get_absolute_url()
        if self.instance.revoked_at:
            self.fields["revoke"].initial = True
            self.fields["revoke"].disabled = True

    def save(self, commit=True):
        if self.cleaned_data.get("revoke") and not self.instance.revoked_at:
            self.instance.revoked_at = timezone.now()
        return super().save(commit)


class EmbargoLinkFormSet(BaseInlineFormSet):
    site_url = ""  # set per request by EmbargoLinkInline.get_formset

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "site_url": self.site_url}

    def clean(self):
        super().clean()
        release = self.instance  # carries the unsaved changes of the release form
        for form in self.forms:
            if not form.has_changed() or not form.is_valid():
                continue
            link = form.instance
            if link.pk is None and release.state != State.SCHEDULED:
                form.add_error(
                    None,
                    _(
                        "Embargo links are for scheduled releases: set the status to Published "
                        "and “publish at” to a future time first."
                    ),
                )
            elif link.expires_at is None:
                link.expires_at = release.publish_at + EMBARGO_LINK_LIFETIME
            elif release.publish_at and link.expires_at < release.publish_at:
                embargo = timezone.localtime(release.publish_at).strftime("%d %b %Y %H:%M %Z")
                form.add_error(
                    "expires_at",
                    _("A link cannot expire before the embargo lifts (%(when)s).")
                    % {"when": embargo},
                )


class EmbargoLinkInline(admin.TabularInline):
    """Private links to a scheduled release, for journalists; revoked rather than deleted."""

    model = EmbargoLink
    form = EmbargoLinkForm
    formset = EmbargoLinkFormSet
    fields = ["shared_with", "expires_at", "link", "link_state", "revoke", "created_by"]
    readonly_fields = ["link_state", "created_by"]
    extra = 0
    can_delete = False

    @admin.display(description=_("state"))
    def link_state(self, link):
        if link.pk is None:
            return ""
        if link.revoked_at:
            return format_html('<span class="state state-expired">{}</span>', _("Revoked"))
        if link.expires_at <= timezone.now():
            return format_html('<span class="state state-expired">{}</span>', _("Expired"))
        return format_html('<span class="state state-live">{}</span>', _("Active"))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class on every call
        formset.site_url = request.build_absolute_uri("/").removesuffix("/")
        return formset

    # The links are as confidential as the release: only its editors see, create or revoke them.
    def _may_edit_release(self, request, obj):
        return self.admin_site.get_model_admin(Release).has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._may_edit_release(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit_release(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit_release(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(TranslatedAdminMixin, TranslationFormMixin, PreviewMixin, PublishableAdmin):
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
    inlines = [ReleaseContactInline, EmbargoLinkInline]
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
        (_("Email alert"), {"fields": ["email_alert"]}),
        PublishableAdmin.history_fieldset,
    ]
    # Shown above the form of a translation.
    translation_fieldset = (_("Original"), {"fields": ["original_text", "up_to_date"]})
    readonly_fields = [*PublishableAdmin.readonly_fields, "email_alert", "original_text"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.translation_of_id:
            return [self.translation_fieldset, *fieldsets]
        return fieldsets

    # Translators (news.translate_release) change versions in other languages, never an
    # original, and never what makes a release a version of another.
    def may_translate(self, request):
        user = request.user
        return user.has_perm("news.add_release") or user.has_perm("news.translate_release")

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        is_translation = obj is not None and obj.translation_of_id is not None
        return is_translation and request.user.has_perm("news.translate_release")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("news.change_release"):
            readonly = [*readonly, "language", "translation_of"]
        return readonly

    def is_original(self, release):
        return release.translation_of_id is None

    def original_language(self, release):
        return release.language

    def original_of(self, release):
        return release.translation_of

    def original_queryset(self):
        return Release.objects.filter(translation_of=None).only(
            "language", "slug", *Release.TRANSLATED_FIELDS
        )

    def translations_by_original(self, originals):
        found = {}
        translations = Release.objects.filter(translation_of__in=originals).only(
            "translation_of_id", "language", "status", "publish_at", "unpublish_at",
            "source_digest",
        )  # fmt: skip
        for translation in translations:
            found.setdefault(translation.translation_of_id, {})[translation.language] = translation
        return found

    @admin.display(description=_("subscribers"))
    def email_alert(self, release):
        return alert_summary(release)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip() or editor_prefixes(search_term) is None:
            return super().get_search_results(request, queryset, search_term)
        return editor_search(queryset, search_term), False

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if changelist.query and editor_prefixes(changelist.query) is not None:
            # Its first and last dates read releases in date order until they met the found
            # ones, most of the table when they are the most recent.
            changelist.date_hierarchy = None
        return changelist

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

    def reversion_register(self, model, **kwargs):
        if model is Release:
            # Versions hold the release's tags too, so reverting brings its topics back.
            if not reversion.is_registered(TaggedItem):
                reversion.register(TaggedItem)
            kwargs["follow"] = (*kwargs.get("follow", ()), "tagged_items")
        super().reversion_register(model, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_countries()

    def save_formset(self, request, form, formset, change):
        if formset.model is EmbargoLink:
            for link_form in formset.forms:
                if link_form.instance.pk is None:
                    link_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def render_preview(self, request, release, form, formsets, **extra_context):
        """The release page with the form's unsaved contacts, topics and countries."""
        contacts = None  # the stored ones, when the user may not edit them
        contact_formset = next((fs for fs in formsets if fs.model is ReleaseContact), None)
        if contact_formset is not None:
            kept = [
                row
                for row in (f.cleaned_data for f in contact_formset.forms)
                if row.get("contact") and not row.get("DELETE")
            ]
            contacts = [row["contact"] for row in sorted(kept, key=lambda row: row["sort_order"])]
        tags = None
        if "tags" in form.cleaned_data:
            tags = [Tag(name=name) for name in form.cleaned_data["tags"]]
        countries = {country.pk for country in form.cleaned_data.get("countries", [])}
        if release.dateline_country_id:
            countries.add(release.dateline_country_id)
        return render_release(
            request, release, contacts=contacts, tags=tags, countries=countries, **extra_context
        )


class ConsentInline(admin.TabularInline):
    model = Consent
    fields = ["at", "action", "alerts", "form"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Waiting for confirmation"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@admin.action(description=_("Export the selected subscribers as CSV"), permissions=["view"])
def export_subscribers_csv(modeladmin, request, queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
    writer = csv.writer(response)
    writer.writerow(["email", "language", "alerts", "confirmed_at", "created_at"])
    for subscriber in queryset.order_by("email"):
        writer.writerow(
            csv_cell(value)
            for value in [
                subscriber.email,
                subscriber.language,
                describe(subscriber.filters, subscriber.language),
                subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
                subscriber.created_at.isoformat(),
            ]
        )
    return response


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Read-only: people subscribe and change their alerts themselves (with their consent on
    record); staff find them, export them, and delete them on request, with all their data."""

    list_display = ["email", "alerts", "language", "confirmed_at", "created_at"]
    list_filter = [ConfirmedFilter, "language"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "alerts", "language", "confirmed_at", "created_at"]
    readonly_fields = fields
    inlines = [ConsentInline]
    actions = [export_subscribers_csv]

    @admin.display(description=_("alerts"))
    def alerts(self, subscriber):
        return describe(subscriber.filters, subscriber.language)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TopicNameInline(admin.StackedInline):
    model = TopicName
    can_delete = False


admin.site.unregister(Tag)


@admin.register(Tag)
class TopicAdmin(TagAdmin):
    """Taggit's admin of topics, with their names in French and Spanish."""

    inlines = [TopicNameInline, *TagAdmin.inlines]
