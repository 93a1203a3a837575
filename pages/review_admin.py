"""The review workflow in the admin (the rules are in pages/review.py): the review page of
each page and release, the "In review" badge, the buttons of the change form, and the
site-wide publishing log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import review
from .changelist import CheckedLookupsChangeList
from .publishing import Status
from .review import Review, ReviewEvent
from .staff import time_zone_of
from .versions import compare_versions


class SubmitForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Publisher"),
        queryset=None,
        required=False,
        empty_label=_("Any publisher"),
        help_text=_("Who is asked to review it; every publisher is told if you choose none."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, e.g. “The figures are from UNHCR's 3 May update.”"),
    )

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = review.publishers(model)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("publish", _("Approve and publish now")),
            ("schedule", _("Approve and publish at")),
            ("changes", _("Request changes")),
        ],
        widget=forms.RadioSelect,
    )
    goes_live_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. A future time is an embargo."),
    )
    message = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you request changes: say what to change."),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "schedule" and not data.get("goes_live_at"):
            self.add_error("goes_live_at", _("Say when it goes live."))
        if decision == "changes" and not data.get("message", "").strip():
            self.add_error("message", _("Say what should change."))
        return data


class ReviewMixin:
    """For the ModelAdmin of a Publishable model: a review page per item, the In review
    badge in its list, Submit for review / Publish buttons, and the publishing log."""

    def get_urls(self):
        opts = self.opts
        review_url = path(
            "<path:object_id>/review/",
            self.admin_site.admin_view(self.review_view),
            name=f"{opts.app_label}_{opts.model_name}_review",
        )
        return [review_url, *super().get_urls()]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(in_review=review.in_review(self.model))

    def review_badge(self, obj):
        if getattr(obj, "in_review", False):  # annotated by get_queryset
            return format_html(' <span class="state state-in-review">{}</span>', _("In review"))
        return mark_safe("")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_publish"] = self.has_publish_permission(request, obj)
        context["review"] = review.review_of(obj) if obj is not None else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = type(obj)._default_manager.values_list("status", "publish_at").get(pk=obj.pk)
        if "_publish" in request.POST and self.has_publish_permission(request, obj):
            obj.status = Status.PUBLISHED
        super().save_model(request, obj, form, change)
        review.record_state(obj, request.user, before)

    def _after_save(self, request, obj, response):
        if "_submit_for_review" in request.POST:
            return HttpResponseRedirect(self.review_url(obj))
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._after_save(request, obj, super().response_change(request, obj))

    def review_url(self, obj):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_review",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {"review_events": review.events_of(obj) if obj else [], **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def review_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        may_edit = self.has_change_permission(request, obj)
        may_publish = self.has_publish_permission(request, obj)
        current = review.review_of(obj)
        in_review = current is not None and current.stage == Review.Stage.IN_REVIEW
        zone = time_zone_of(request.user)
        submit_form = SubmitForm(model=self.model) if may_edit and not in_review else None
        decision_form = DecisionForm() if may_publish and in_review else None
        if request.method == "POST":
            with timezone.override(zone):
                invalid = self._review_step(request, obj)
            if invalid is None:
                return HttpResponseRedirect(self.review_url(obj))
            if isinstance(invalid, SubmitForm):
                submit_form = invalid
            else:
                decision_form = invalid
        latest = review.latest_version(obj)
        base = current.base_version if current else None
        changes = compare_versions(base, latest) if base and latest and base != latest else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "object_id": object_id,
            "title": _("Review: %(item)s") % {"item": obj},
            "review": current,
            "in_review": in_review,
            "changes": changes,
            "compared": base is not None,
            "submit_form": submit_form,
            "decision_form": decision_form,
            "events": review.events_of(obj)[:50],
            "staff_time_zone": zone,  # base.html sets its own time_zone
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/pages/review.html", context)

    def _review_step(self, request, obj):
        """Take the step the form asks for and return None, or the form with its errors.
        Every rule is checked again in pages/review.py: a forged POST changes nothing."""
        if "submit" in request.POST:
            form = SubmitForm(request.POST, model=self.model)
            if not form.is_valid():
                return form
            data = form.cleaned_data
            review.submit(obj, request.user, data["reviewer"], data["message"])
            self.message_user(request, _("Submitted for review."), messages.SUCCESS)
            return None
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return form
        data = form.cleaned_data
        if data["decision"] == "changes":
            review.request_changes(obj, request.user, data["message"])
            self.message_user(request, _("Changes requested."), messages.SUCCESS)
        else:
            when = data["goes_live_at"] if data["decision"] == "schedule" else None
            review.approve(obj, request.user, when, data["message"])
            self.message_user(request, _("Approved."), messages.SUCCESS)
        return None


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The publishing log: every step of every page and release, for staff to filter."""

    list_display = ["at", "action", "item_link", "content_type", "user", "goes_live_at", "message"]
    list_filter = ["action", "content_type", "user"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "message"]
    date_hierarchy = "at"

    @admin.display(description=_("item"), ordering="object_repr")
    def item_link(self, event):
        opts = event.content_type.model_class()._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[event.object_id])
        return format_html('<a href="{}">{}</a>', url, event.object_repr)

    def get_changelist(self, request, **kwargs):
        return CheckedLookupsChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
