"""Content in French and Spanish: what pages, releases and the names visitors read share.

A page has one tree and one PageTranslation per other language, each published on its own; a
release has one Release per language, linked to its original by `translation_of`. Either kind
of translation keeps `source_digest`, the digest of the original's text it was made from: when
the original's text changes, the translation is out of date until a translator marks it so.
Names of regions, offices, contacts and topics have a column per other language (`name_fr`),
read through `localized()`, which falls back to the English value.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages content is translated into: every language of the site but the default.
TRANSLATION_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]

# The help text of a name's column in another language.
FALLBACK_HELP = _("Leave empty to show the English one.")


class TranslationState(models.TextChoices):
    MISSING = "missing", _("Missing")
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    OUT_OF_DATE = "out-of-date", _("Out of date")


def text_digest(item, fields):
    """A digest of the text fields of an original: its translations store the one they were
    made from."""
    text = "\x1f".join(str(getattr(item, name) or "") for name in fields)
    return hashlib.sha256(text.encode()).hexdigest()


def translation_state(translation, original_digest):
    """Where a translation stands: a draft, live, or live but made from an older original."""
    if translation is None:
        return TranslationState.MISSING
    if translation.source_digest != original_digest:
        return TranslationState.OUT_OF_DATE
    return TranslationState.LIVE if translation.is_live else TranslationState.DRAFT


def localized(item, field):
    """`item.<field>` in the active language (`<field>_fr`), or the English value when that is
    empty."""
    language = get_language()
    if language != settings.LANGUAGE_CODE:
        if value := getattr(item, f"{field}_{language}", ""):
            return value
    return getattr(item, field)


def language_fields(*fields):
    """The per-language columns of `fields`, e.g. ("name",) -> ["name_fr", "name_es"]: what
    `.only()` must load for `localized()`."""
    return [f"{field}_{code}" for field in fields for code, _name in TRANSLATION_LANGUAGES]
