import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Office, PressContact
from news.models import Release
from tests.factories import country, make_contact, make_office

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "iomsite" / "demo" / "seed_release.txt"
CAPTURES = Path(__file__).resolve().parent / "captures"

GENEVA_CAPTURE = """\
Home
Newsroom
IOM Welcomes New Funding for Migrant Health
Geneva – IOM welcomed today a new contribution to its migrant health programmes.
“This funding will save lives,” said the Director of Migration Health.
The programmes run in 40 countries.
For more information, please contact
Paul Dillon, IOM Geneva, Tel: +41 22 717 9111, Email: PDillon@iom.int
"""


def run_import(*args):
    """Run the command with --format json; returns the rows and whether it reported failure."""
    lines, failed = [], False

    class Capture:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    try:
        call_command("import_releases", *map(str, args), "--format", "json", stdout=Capture())
    except CommandError:
        failed = True
    rows = [json.loads(line) for text in lines for line in text.splitlines() if line.strip()]
    return rows, failed


def test_the_seed_imports_to_exactly_the_seed_release():
    [row], failed = run_import(SEED)
    assert not failed
    assert row["status"] == "created"
    assert row["country"] == "CN" and row["dateline"] == "China" and row["language"] == "en"
    assert row["contacts"] == ["ewong@iom.int"]
    release = Release.objects.get()
    assert release.title == (
        "Director General launches EU-China migration and mobility seminar in Beijing"
    )
    assert release.status == "draft"  # imports wait for an editor unless --publish
    assert release.body.startswith("<p>Migration flows between China and the European Union")
    assert release.body.count("<blockquote>") == 3 and release.body.count("<p>") == 7
    assert "WHO WE ARE" not in release.body and "Take Action" not in release.body
    contact = PressContact.objects.get()
    assert (contact.name, contact.phone, contact.office.name, contact.office.country.code) == (
        "Ellen Wong", "+8618501187152", "IOM Beijing", "CN",
    )  # fmt: skip


def test_a_directory_with_a_broken_file_imports_the_rest_and_fails_loudly(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "geneva.txt").write_text(GENEVA_CAPTURE)
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.html").write_text("   ")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # not a capture: not picked up
    rows, failed = run_import(tmp_path)
    assert failed
    statuses = {Path(row["file"]).name: (row["status"], row["errors"]) for row in rows}
    assert statuses == {
        "binary.txt": ("failed", ["binary file"]),
        "empty.html": ("failed", ["empty file"]),
        "geneva.txt": ("created", []),
        "seed.txt": ("created", []),
    }
    assert Release.objects.count() == 2


def test_running_the_same_import_twice_changes_nothing(tmp_path):
    (tmp_path / "geneva.txt").write_text(GENEVA_CAPTURE)
    run_import(tmp_path)
    before = list(Release.objects.values())
    rows, failed = run_import(tmp_path)
    assert [row["status"] for row in rows] == ["unchanged"] and not failed
    assert list(Release.objects.values()) == before
    assert PressContact.objects.count() == 1


def test_a_changed_file_updates_its_release(tmp_path):
    capture = tmp_path / "geneva.txt"
    capture.write_text(GENEVA_CAPTURE)
    run_import(capture)
    capture.write_text(GENEVA_CAPTURE.replace("40 countries", "41 countries"))
    [row], _ = run_import(capture)
    assert row["status"] == "updated"
    assert "41 countries" in Release.objects.get().body


def test_contacts_are_matched_by_email_and_datelines_by_office_city(tmp_path):
    make_office("IOM Headquarters", country=country("CH"), city="Geneva")
    existing = make_contact("Paul Dillon (edited)", email="pdillon@iom.int")
    (tmp_path / "geneva.txt").write_text(GENEVA_CAPTURE)
    [row], _ = run_import(tmp_path)
    assert row["country"] == "CH" and row["dateline"] == "Geneva" and row["warnings"] == []
    release = Release.objects.get()
    assert list(release.contacts.all()) == [existing]
    assert "<blockquote><p>“This funding will save lives,”" in release.body
    assert PressContact.objects.count() == 1


def test_unmatched_dateline_is_a_warning_and_new_contacts_get_their_office(tmp_path):
    (tmp_path / "geneva.txt").write_text(GENEVA_CAPTURE)
    [row], failed = run_import(tmp_path)
    assert not failed and row["status"] == "created"
    assert any("Geneva" in warning for warning in row["warnings"])
    contact = PressContact.objects.get(email="pdillon@iom.int")
    assert contact.phone == "+41227179111"


def test_dry_run_writes_nothing_and_publish_publishes(tmp_path):
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    call_command("import_releases", str(tmp_path), "--dry-run", verbosity=0)
    assert not Release.objects.exists() and not Office.objects.exists()
    call_command("import_releases", str(tmp_path), "--publish", verbosity=0)
    assert Release.objects.get().is_live


def test_text_report_summarises(tmp_path, capsys):
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    call_command("import_releases", str(tmp_path))
    assert "1 created, 0 updated, 0 unchanged, 0 failed." in capsys.readouterr().out


def test_no_files_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No .txt, .html or .json files"):
        call_command("import_releases", str(tmp_path))


def test_export_then_import_into_an_empty_database_loses_nothing(tmp_path):
    make_office("IOM Headquarters", country=country("CH"), city="Geneva")
    for capture in [SEED, *sorted(CAPTURES.glob("*.*"))]:
        run_import(capture)
    release = Release.objects.get(dateline_country__code="CN")
    release.tags.set(["Migration governance", "EU"])
    release.countries.add(country("BE"))
    release.featured = True
    release.save()
    export = tmp_path / "releases.json"
    call_command("export_releases", "--output", str(export), verbosity=0)
    first = json.loads(export.read_text())

    Release.objects.all().delete()
    PressContact.objects.all().delete()
    Office.objects.all().delete()
    rows, failed = run_import(export)
    assert not failed and {row["status"] for row in rows} == {"created"}
    call_command("export_releases", "--output", str(export), verbosity=0)
    second = json.loads(export.read_text())
    assert second["releases"] == first["releases"]
    assert len(second["releases"]) == Release.objects.count() >= 8
