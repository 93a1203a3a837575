"""A French or Spanish capture that names its original joins the original's translation group."""

import pytest

from news.models import Release
from tests.news.test_import_command import GENEVA_CAPTURE, run_import

pytestmark = pytest.mark.django_db

FRENCH_CAPTURE = """\
Accueil
L'OIM salue un nouveau financement pour la santé des migrants
Genève – L'OIM a salué aujourd'hui une nouvelle contribution à ses programmes de santé des migrants.
« Ce financement sauvera des vies », a déclaré le directeur de la santé des migrations.
Les programmes sont menés dans 40 pays.
Version originale : {original}
Pour plus d'informations, veuillez contacter
Paul Dillon, OIM Genève, Tél. : +41 22 717 9111, Email : PDillon@iom.int
"""


@pytest.mark.parametrize(
    "original",
    [
        "https://www.iom.int/news/iom-welcomes-new-funding-for-migrant-health",
        "IOM Welcomes New Funding for Migrant Health",
    ],
)
def test_a_translation_naming_its_original_is_linked_to_it(tmp_path, original):
    (tmp_path / "a-english.txt").write_text(GENEVA_CAPTURE)
    (tmp_path / "b-french.txt").write_text(FRENCH_CAPTURE.format(original=original))
    rows, failed = run_import(tmp_path)
    assert not failed, rows
    french = Release.objects.get(language="fr")
    assert french.translation_of == Release.objects.get(language="en")
    assert french.body.count("Version originale") == 0  # metadata, not text


def test_a_translation_whose_original_is_missing_is_imported_alone_and_said_so(tmp_path):
    (tmp_path / "french.txt").write_text(FRENCH_CAPTURE.format(original="/news/no-such-release"))
    (row,), failed = run_import(tmp_path)
    assert not failed
    assert row["status"] == "created"
    assert "Its original, no-such-release, is not on the site" in row["warnings"]
    assert Release.objects.get().translation_of is None
