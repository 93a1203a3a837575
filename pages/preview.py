"""What staff see that the public does not: items in any state, and the admin's preview of the
public page built from the unsaved form data. Such responses are never cached or indexed."""

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.forms.formsets import all_valid
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .publishing import State
from .richtext import RichTextField, sanitize_html


def may_preview(request, model):
    """Staff who may edit `model` see its items in any state (the admin's "view on site" is
    their preview)."""
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def visible_to(request, queryset):
    """Live items for the public; everything for staff who may edit them."""
    return queryset if may_preview(request, queryset.model) else queryset.live()


def mark_private(response):
    """Never cached by a browser, proxy or CDN, never indexed: previews and embargoed releases."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def mark_preview(response, item):
    """A page that is not live yet must never be cached or indexed by anyone."""
    if not item.is_live:
        mark_private(response)
    return response


def sanitize_rich_text(instance):
    """What saving would store: the preview must show the same sanitized HTML."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, RichTextField):
            setattr(instance, field.attname, sanitize_html(getattr(instance, field.attname)))


class PreviewMixin:
    """Adds a "Preview" button to the change form (templates/admin/<app>/<model>/submit_line.html)
    that posts the form, unsaved, to a view rendering the public template.

    The model admin implements render_preview(request, obj, form, formsets)."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("add/preview/", preview, name=f"{prefix}_preview_add"),
            path("<path:object_id>/preview/", preview, name=f"{prefix}_preview"),
        ] + super().get_urls()

    def preview_view(self, request, object_id=None):
        # In a transaction as the admin's own change view: validating the form locks the row
        # (the stale-edit check), which PostgreSQL refuses outside one.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return self._preview(request, object_id)

    def _preview(self, request, object_id):
        # The same permission as saving the form: change for this record, add for a new one.
        obj = None
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        change = obj is not None
        ModelForm = self.get_form(
            request, obj, change=change, fields=flatten_fieldsets(self.get_fieldsets(request, obj))
        )
        form = ModelForm(request.POST, request.FILES, instance=obj)
        # The admin's own way of building the inline formsets, so they validate as on save.
        formsets, _inlines = self._create_formsets(request, form.instance, change=change)
        form_valid = form.is_valid()
        if not (all_valid(formsets) and form_valid):  # both run, so every error is shown
            return TemplateResponse(
                request,
                "admin/preview_errors.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "original": obj,
                    "title": _("Preview: correct the form first"),
                    "form": form,
                    "formsets": formsets,
                },
            )
        preview = form.instance  # changed in memory only: nothing is saved
        sanitize_rich_text(preview)
        scheduled = preview.state == State.SCHEDULED
        response = self.render_preview(
            request,
            preview,
            form,
            formsets,
            preview=True,
            preview_goes_live_at=preview.publish_at if scheduled else None,
            noindex=True,
        )
        return mark_private(response)
