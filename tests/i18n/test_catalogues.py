"""The French and Spanish catalogues translate every message the code marks, and no other."""

import gettext
import io

import pytest
from django.core.management import CommandError, call_command

from iomsite import catalogues

LANGUAGES = ["fr", "es"]


def keys(catalogue):
    return {(message.context, message.id) for message in catalogue if message.id}


@pytest.fixture(scope="module")
def extracted():
    return catalogues.extracted_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    assert catalogues.problems(catalogues.read_catalogue(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_messages_of_the_sources(language, extracted):
    catalogue = keys(catalogues.read_catalogue(language))
    missing = keys(extracted) - catalogue
    assert not missing, f"run `manage.py update_catalogues` and translate: {sorted(missing)}"
    assert not catalogue - keys(extracted), "messages no source marks: run update_catalogues"


def test_templates_and_python_are_extracted_with_contexts_and_plurals(extracted):
    found = keys(extracted)
    assert (None, "Skip to content") in found  # {% translate %}
    assert (None, "Member state since %(year)s") in found  # {% blocktranslate with %}
    assert (None, ("%(shown)s release", "%(shown)s releases")) in found  # ... count ... plural
    assert (None, "Nothing matches “%(query)s”.") in found  # in a template included in a page
    assert ("kind of release", "News") in found  # pgettext_lazy
    assert (None, "International Organization for Migration") in found  # gettext_noop
    assert (None, "Compare versions") in found  # an app's own templates


def test_a_new_message_in_a_template_is_found(tmp_path, settings, extracted):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "new.html").write_text(
        "{% load i18n %}<p>{% blocktranslate trimmed count n=k %}\n  One new\n  thing"
        "{% plural %}{{ n }} new things{% endblocktranslate %}</p>"
        '<p title="{% translate "A tooltip" context "hover" %}"></p>'
    )
    settings.BASE_DIR = tmp_path
    found = keys(catalogues.extracted_messages())
    assert found == {(None, ("One new thing", "%(n)s new things")), ("hover", "A tooltip")}


def test_update_catalogues_finds_nothing_to_change():
    out = io.StringIO()
    call_command("update_catalogues", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert all("unchanged" in line and "0 to translate" in line for line in lines)


@pytest.mark.parametrize(
    "language, expected", [("fr", "Salle de presse"), ("es", "Sala de prensa")]
)
def test_compile_catalogues_writes_what_gettext_reads(language, expected):
    call_command("compile_catalogues", language, verbosity=0)
    with catalogues.po_path(language).with_suffix(".mo").open("rb") as mo:
        translation = gettext.GNUTranslations(mo)
    assert translation.gettext("Newsroom") == expected
    assert translation.pgettext("kind of release", "News") in {"Actualité", "Noticia"}


def test_compile_catalogues_refuses_an_unknown_language():
    with pytest.raises(CommandError, match="No catalogue for de"):
        call_command("compile_catalogues", "de")


def test_update_catalogues_keeps_translations_adds_new_messages_and_drops_old_ones(
    tmp_path, settings
):
    settings.LOCALE_PATHS = [tmp_path]
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Newsroom"\nmsgstr "Salle de presse"\n\n'
        'msgid "A message no source marks"\nmsgstr "Un message"\n'
    )
    call_command("update_catalogues", verbosity=0)
    french = catalogues.read_catalogue("fr")
    assert french.get("Newsroom").string == "Salle de presse"
    assert french.get("Skip to content").string == ""
    assert french.get("A message no source marks") is None
    assert catalogues.read_catalogue("es").get("Newsroom").string == ""  # a new catalogue
