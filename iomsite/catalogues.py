"""The interface's translations: locale/<language>/LC_MESSAGES/django.po, kept in the repository,
compiled to django.mo by `make setup`.

Django's makemessages needs GNU gettext, which few machines have; Babel reads Python itself.
A template goes through Django's templatize() first, as makemessages does for xgettext: it
turns {% translate %} and {% blocktranslate %} into gettext() calls and blanks out the rest.
"""

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation import templatize

# Where messages are marked: our apps' Python and templates (migrations and commands aside: the
# developers and operators who read their output read English) and the site's templates.
PACKAGES = ("iomsite", "pages", "contacts", "news")
SKIPPED_FOLDERS = {"migrations", "management", "__pycache__"}
TEMPLATES = "templates"  # the site's folder, and each app's
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}
# Django's names for gettext, as makemessages passes them to xgettext.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ["Translators"]
PROJECT = "iomsite"


def translated_languages():
    """The languages with a catalogue: all but the one the sources are written in."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_path(language):
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def source_files():
    """Paths of the files messages are extracted from, relative to the project, in order."""
    base = Path(settings.BASE_DIR)
    found = []
    for folder in (*PACKAGES, TEMPLATES):
        for path in (base / folder).rglob("*"):
            parts = set(path.relative_to(base).parts)
            template = TEMPLATES in parts and path.suffix in TEMPLATE_SUFFIXES
            if (path.suffix == ".py" or template) and not SKIPPED_FOLDERS & parts:
                found.append(path.relative_to(base))
    return sorted(found)


def python_source(path):
    """The file as Python for Babel's extractor: templates through templatize()."""
    text = (Path(settings.BASE_DIR) / path).read_text(encoding="utf-8")
    if path.suffix != ".py":
        # templatize() keeps the template's indentation, which Python's tokenizer refuses;
        # line numbers stay the same.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).split("\n"))
    return io.BytesIO(text.encode("utf-8"))


def extracted_messages():
    """Every message the sources mark, as a catalogue template (no translations)."""
    template = Catalog(project=PROJECT, fuzzy=False)
    for path in source_files():
        messages = extract("python", python_source(path), KEYWORDS, COMMENT_TAGS)
        for lineno, message, comments, context in messages:
            template.add(
                message,
                locations=[(path.as_posix(), lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def read_catalogue(language):
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project=PROJECT, fuzzy=False)
    with path.open("rb") as po:
        return read_po(po, locale=language)


def updated_catalogue(language, template):
    """The language's catalogue with the template's messages: translations kept, new messages
    empty, changed ones carrying the nearest old translation marked fuzzy, the rest dropped."""
    catalogue = read_catalogue(language)
    catalogue.update(template, update_creation_date=False)
    catalogue.obsolete.clear()
    return catalogue


def po_text(catalogue):
    """The catalogue as a .po file. Without line numbers, so that a change in a source file
    changes the catalogue only where its messages change."""
    output = io.BytesIO()
    write_po(output, catalogue, width=100, include_lineno=False, ignore_obsolete=True)
    return output.getvalue()


def compile_catalogue(language):
    """Write the language's django.mo beside its .po; fuzzy translations are left out."""
    catalogue = read_catalogue(language)
    path = po_path(language).with_suffix(".mo")
    with path.open("wb") as mo:
        write_mo(mo, catalogue, use_fuzzy=False)
    return path


def problems(catalogue):
    """Messages a catalogue does not translate: ["fuzzy: ...", "untranslated: ..."]."""
    found = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            found.append(f"untranslated: {message.id!r}")
    return found
