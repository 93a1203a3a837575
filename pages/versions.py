"""History, comparison, revert and recovery in the admin, with django-reversion.

Every admin save is a version. Looking at, comparing, reverting and recovering versions
all need the change permission: old versions may hold text that was taken down on purpose.
"""

import difflib
import re
from datetime import datetime

import reversion
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag, TaggedItemBase

from .changelist import CheckedLookupsChangeList

WORDS = re.compile(r"\S+|\s+")


def word_diff(old, new):
    """Escaped HTML showing the words removed from `old` and added in `new`."""
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_words[old_start:old_end])
        added = "".join(new_words[new_start:new_end])
        if operation == "equal":
            parts.append(format_html("{}", removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return format_html_join("", "{}", ((part,) for part in parts))


def readable_value(field, value):
    """A field's stored value as an editor would name it: choice labels, related titles."""
    if value in (None, "", []):
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ManyToManyField):
        related = field.related_model._default_manager.filter(pk__in=value)
        return ", ".join(sorted(str(item) for item in related))
    if field.is_relation:
        item = field.related_model._default_manager.filter(pk=value).first()
        return str(item) if item else _("(deleted, id %(id)s)") % {"id": value}
    return str(value)


def related_reprs(version):
    """What else was saved in the same revision (inline press contacts, tags), by kind."""
    related = {}
    for other in version.revision.version_set.exclude(pk=version.pk).select_related("content_type"):
        model = other.content_type.model_class()
        if model is not None and issubclass(model, TaggedItemBase):
            # "Release X tagged with Climate" says less than "Climate".
            label, text = _("tags"), str(Tag.objects.filter(pk=other.field_dict["tag_id"]).first())
        else:
            label = model._meta.verbose_name_plural if model else other.content_type.model
            text = other.object_repr
        related.setdefault(str(label), []).append(text)
    return {label: ", ".join(sorted(texts)) for label, texts in related.items()}


def compare_versions(old, new):
    """(label, diff) for each field that differs between two versions."""
    model = new._model
    old_values, new_values = old.field_dict, new.field_dict
    rows = []
    # Tags are not a ManyToManyField: they come as the related taggit versions below.
    many_to_many = [f for f in model._meta.many_to_many if isinstance(f, models.ManyToManyField)]
    for field in [*model._meta.concrete_fields, *many_to_many]:
        if field.attname not in new_values and field.attname not in old_values:
            continue
        before = readable_value(field, old_values.get(field.attname))
        after = readable_value(field, new_values.get(field.attname))
        if before != after:
            rows.append((str(field.verbose_name), word_diff(before, after)))
    old_related, new_related = related_reprs(old), related_reprs(new)
    for label in sorted(old_related.keys() | new_related.keys()):
        before, after = old_related.get(label, ""), new_related.get(label, "")
        if before != after:
            rows.append((label, word_diff(before, after)))
    return rows


def add_versions(queryset, comment):
    """Record a version of each item after a bulk update, which saves no model and so
    would otherwise leave no trace in the history. The admin's changelist opened the revision."""
    if reversion.is_active():
        for item in queryset:
            reversion.add_to_revision(item)
        reversion.set_comment(comment)


class HistoryAdmin(VersionAdmin):
    """A VersionAdmin whose history lets editors compare two versions, and whose history,
    revert and recover views need the change permission."""

    object_history_template = "admin/pages/object_history.html"
    history_latest_first = True

    def get_changelist(self, request, **kwargs):
        return CheckedLookupsChangeList

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{opts.app_label}_{opts.model_name}_compare",
        )
        return [compare, *super().get_urls()]

    def _permitted_object(self, request, object_id, may_change=True):
        """The object, if the user may change it (or, for reading its history, view it)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, obj)
            if may_change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # Reading who changed what is open to viewers, as in Django's own history.
        obj = self._permitted_object(request, object_id, may_change=False)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        context = {"versions": versions, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def refuse_restore(self, request, version_id, obj):
        """A response refusing to revert to or recover this version, or None to go ahead."""
        return None

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self._permitted_object(request, object_id)
        if refused := self.refuse_restore(request, version_id, obj):
            return refused
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if refused := self.refuse_restore(request, version_id, None):
            return refused
        return super().recover_view(request, version_id, extra_context)

    def compare_view(self, request, object_id):
        obj = self._permitted_object(request, object_id, may_change=False)
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            old = get_object_or_404(versions, pk=int(request.GET.get("from", "")))
            new = get_object_or_404(versions, pk=int(request.GET.get("to", "")))
        except ValueError:
            raise Http404 from None
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "object_id": object_id,
            "title": _("Changes to %(name)s") % {"name": obj},
            "old": old,
            "new": new,
            "rows": compare_versions(old, new),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/pages/version_compare.html", context)
