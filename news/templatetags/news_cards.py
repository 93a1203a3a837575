from django import template

from news.cards import release_cards as cards_html

register = template.Library()


@register.simple_tag
def release_cards(ids):
    """The cards of these releases, for templates of apps that do not import news."""
    return cards_html(ids)
