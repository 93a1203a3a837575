from html import escape

from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def filter_options(choices):
    """A filter's <option>s, e.g. "China (12)" (news.facets.Choice), each value and label
    escaped. Built here with the standard library's escape: the template loop, or
    format_html, over the panel's hundred options took a fifth of a search page's time."""
    return mark_safe(
        "".join(
            f'<option value="{escape(str(choice.value))}"{" selected" if choice.active else ""}>'
            f"{escape(choice.label)} ({written_count(choice.count)})</option>"
            for choice in choices
        )
    )


def written_count(count):
    """The count with the language's thousands separator. Under a thousand there is none to
    add: written directly, as number_format() took 7 µs of each option's 12."""
    return str(count) if count < 1000 else number_format(count, force_grouping=True)
