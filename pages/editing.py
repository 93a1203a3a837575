"""The change form of pages and releases made for writing: full-width title and summary with
live character counts, the public address under the slug, images chosen from thumbnails
(pages/static/pages/editing.js does the live part; without it the form works as before)."""

from copy import copy

from django.conf import settings
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _

from .models import Image

# What search engines and social cards show before cutting a text short.
COUNTED_FIELDS = {
    "title": (60, _("Search results show about 60 characters of a title, social cards about 70.")),
    "summary": (
        160,
        _("Search results show about 160 characters of a description, social cards about 200."),
    ),
}
SLUG_MARK = "slug-goes-here"


class EditingMixin:
    """For the ModelAdmin of a Publishable model with a slug and get_absolute_url()."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        fields = form.base_fields
        for name, (limit, hint) in COUNTED_FIELDS.items():
            if name in fields:
                fields[name].widget.attrs.update(
                    {"class": "full-width", "data-count-limit": limit, "data-count-hint": hint}
                )
        if "slug" in fields:
            fields["slug"].widget.attrs["data-address"] = self.address_pattern(obj)
            fields["slug"].widget.attrs["data-address-mark"] = SLUG_MARK
        for name, field in fields.items():
            if getattr(field, "queryset", None) is not None and field.queryset.model is Image:
                widget = getattr(field.widget, "widget", field.widget)  # inside the wrapper
                widget.attrs["data-thumbnails"] = "true"
                chosen = getattr(obj, name, None) if obj else None
                if chosen is not None:
                    widget.attrs["data-thumbnail"] = chosen.rendition_url("card")
        return form

    def address_pattern(self, obj):
        """The item's full public address with SLUG_MARK for its slug."""
        item = copy(obj) if obj is not None else self.model()
        item.slug = SLUG_MARK
        if hasattr(item, "compute_path"):  # a page's address starts with its parent's
            item.path = item.compute_path()
        return settings.SITE_URL + item.get_absolute_url()


class ThumbnailAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, with a thumbnail for each image."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Image):
            result["thumbnail"] = obj.rendition_url("card")
        return result
