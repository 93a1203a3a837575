"""Release cards, the most shown piece of the site: home, newsroom, country pages, related news.

Each card is rendered once per content version and language and kept in this process's memory
(the template fragment cache), so a list of cards reads from the database only the releases
whose card is not kept yet: one query at most, none once they all are.
"""

from django.core.cache import InvalidCacheBackendError, caches
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pages.content_version import content_version

from .models import Release

CARD_SECONDS = 3600


def release_cards(ids):
    """The cards of these live releases, in the order of `ids`, as one piece of HTML."""
    return joined(rendered_cards(ids), ids)


def rendered_cards(ids):
    """{id: card HTML} of these live releases, reading only those without a kept card."""
    fragments = fragment_cache()
    prefix = f"release-card:{content_version()}:{get_language()}"
    keys = {pk: f"{prefix}:{pk}" for pk in ids}
    kept = fragments.get_many(keys.values())
    cards = {pk: kept[key] for pk, key in keys.items() if key in kept}
    # Not even an empty queryset when all are kept: building its SQL costs a millisecond.
    if missing := [pk for pk in ids if pk not in cards]:
        rendered = {
            release.pk: render_to_string("includes/release_card.html", {"release": release})
            for release in Release.objects.live().for_cards().filter(pk__in=missing)
        }
        fragments.set_many({keys[pk]: card for pk, card in rendered.items()}, CARD_SECONDS)
        cards |= rendered
    return cards


def joined(cards, ids):
    return mark_safe("".join(cards[pk] for pk in ids if pk in cards))


def fragment_cache():
    """Where {% cache %} keeps fragments: "template_fragments" if configured, as Django does."""
    try:
        return caches["template_fragments"]
    except InvalidCacheBackendError:
        return caches["default"]
