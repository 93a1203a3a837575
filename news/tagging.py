from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField
from taggit.models import Tag

# A tag's slug may get a "_12" suffix when another tag has the same one; both must fit.
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length - 10


class CheckedTagField(TagField):
    """Taggit's comma-separated field, refusing a topic longer than the database stores
    (which would otherwise fail the save on PostgreSQL)."""

    def clean(self, value):
        tags = super().clean(value)
        too_long = [tag for tag in tags if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Each topic may have at most %(limit)d characters.") % {"limit": TAG_MAX_LENGTH}
            )
        return tags
