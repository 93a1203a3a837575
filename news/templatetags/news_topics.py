from django import template
from django.conf import settings
from django.utils.translation import get_language
from taggit.models import Tag

from news.filters import names_by_slug

register = template.Library()


@register.filter
def topic_name(tag):
    """A topic's name in the page's language, from the names the filters keep (no query once
    they are cached)."""
    if get_language() == settings.LANGUAGE_CODE:
        return tag.name
    return names_by_slug(Tag).get(tag.slug, tag.name)
