from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from news.cards import release_cards as cards_html

register = template.Library()


@register.simple_tag
def release_cards(ids):
    """The cards of these releases, for templates of apps that do not import news."""
    return cards_html(ids)


@register.simple_tag
def publish_date(moment):
    """<time> with the day in the language shown and the moment in ISO 8601, in the current
    time zone: what `<time datetime="{{ moment|date:'c' }}">{{ moment|date:"DATE_FORMAT" }}`
    gives, in 60% of its time (20 search results: 0.45 ms instead of 0.76). Nothing for a
    draft's preview, which has no date yet."""
    if moment is None:
        return ""
    local = template_localtime(moment)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), date_format(local))
