"""Preview from the admin's edit form: the public page built from the unsaved form data."""

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.forms.formsets import all_valid
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .publishing import State, mark_private
from .richtext import RichTextField, sanitize_html


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
