import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag

from iomsite.backup import CONTENT_APPS, CONTENT_MODELS, DERIVED_MODELS, LEFT_OUT_MODELS
from news.models import Release, ReleaseAlert, Subscriber, TopicName
from pages.models import Page
from pages.publishing import Status
from pages.review import ReviewEvent, record
from tests.factories import (
    country,
    image_upload,
    make_contact,
    make_embargo_link,
    make_image,
    make_office,
    make_page,
    make_page_translation,
    make_release,
    now,
    tomorrow,
)

pytestmark = pytest.mark.django_db
# Flushing truncates tables, which PostgreSQL refuses inside the test's own transaction; the
# countries the migrations loaded come back after the test from the serialized copy.
restore_after_flush = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def content(django_user_model):
    editor = django_user_model.objects.create_user("editor", "editor@iom.int", "x", first_name="Ed")
    image = make_image(
        "Water point", caption="A queue", credit="IOM/Test", file=image_upload(size=(120, 80))
    )
    section = make_page("Who we are", hero_image=image, created_by=editor, updated_by=editor)
    make_page("Our history", parent=section, status=Status.DRAFT)
    make_page_translation(section, title="Qui sommes-nous")
    office = make_office("IOM Beijing", country=country("CN"), city="Beijing")
    contact = make_contact("Ellen Wong", office=office, job_title="Media officer")
    original = make_release(
        "Migrants helped",
        contacts=[contact, make_contact("Second contact")],
        tags=["Climate", "Labour migration"],
        countries=[country("CN"), country("FR")],
        dateline_country=country("CN"),
        image=image,
        created_by=editor,
    )
    make_release("Aide aux migrants", language="fr", translation_of=original, tags=["Climate"])
    TopicName.objects.create(tag=Tag.objects.get(name="Climate"), name_fr="Climat")
    make_embargo_link(make_release("Embargoed", publish_at=tomorrow()))
    original.slug = "migrants-helped-in-china"
    original.save()  # the old address now redirects
    country_cn = country("CN")
    country_cn.summary = "Edited by an editor."
    country_cn.save()
    subscriber = Subscriber.objects.create(
        email="reporter@example.org", filters={"country": [country_cn.pk]}, confirmed_at=now()
    )
    subscriber.consents.create(action="confirmed", form="/subscribe/", alerts="About China")
    alert = ReleaseAlert.objects.create(release=original, story=original.pk, status="sending")
    alert.deliveries.create(subscriber=subscriber)
    record(original, ReviewEvent.Action.PUBLISHED, editor)
    return original


def export(tmp_path, name):
    path = tmp_path / name
    call_command("export_content", output=str(path), verbosity=0)
    return json.loads(path.read_text())


def comparable(backup):
    return {key: value for key, value in backup.items() if key != "exported_at"}


def test_every_content_model_is_backed_up():
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            assert model._meta.label in CONTENT_MODELS + DERIVED_MODELS + LEFT_OUT_MODELS


@restore_after_flush
def test_export_flush_import_gives_back_every_row(client, content, tmp_path):
    release_page = client.get(content.get_absolute_url()).content
    first = export(tmp_path, "first.json")
    assert first["format_version"] == 1
    assert {item["model"] for item in first["objects"]} == {
        label.lower() for label in CONTENT_MODELS
    }
    assert not any("password" in user for user in first["users"])

    call_command("flush", interactive=False, verbosity=0)
    assert not Release.objects.exists()
    call_command("import_content", str(tmp_path / "first.json"), verbosity=0)

    second = export(tmp_path, "second.json")
    assert comparable(second) == comparable(first)
    assert client.get(content.get_absolute_url()).content == release_page
    # Sequences follow the restored ids: new records can still be added.
    highest = max(Page.objects.values_list("pk", flat=True))
    assert make_page("After the restore").pk > highest
    assert make_release("After the restore").pk > max(
        item["pk"] for item in first["objects"] if item["model"] == "news.release"
    )


@restore_after_flush
def test_restored_authors_cannot_sign_in_until_given_a_password(
    content, tmp_path, django_user_model
):
    export(tmp_path, "backup.json")
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_content", str(tmp_path / "backup.json"), verbosity=0)
    editor = django_user_model.objects.get(username="editor")
    assert editor.first_name == "Ed"
    assert not editor.has_usable_password()
    assert Page.objects.get(title="Who we are").created_by == editor


@restore_after_flush
def test_dry_run_keeps_nothing(content, tmp_path):
    export(tmp_path, "backup.json")
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_content", str(tmp_path / "backup.json"), dry_run=True, verbosity=0)
    assert not Release.objects.exists()


def test_import_refuses_a_database_with_content_unless_told_to_replace(content, tmp_path):
    backup = export(tmp_path, "backup.json")
    make_release("Written after the backup")
    with pytest.raises(CommandError, match="already has content"):
        call_command("import_content", str(tmp_path / "backup.json"), verbosity=0)
    assert Release.objects.filter(title="Written after the backup").exists()
    call_command("import_content", str(tmp_path / "backup.json"), replace=True, verbosity=0)
    assert not Release.objects.filter(title="Written after the backup").exists()
    assert comparable(export(tmp_path, "again.json")) == comparable(backup)


def test_import_refuses_an_unknown_format_and_changes_nothing(content, tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"format_version": 99, "objects": []}))
    with pytest.raises(CommandError, match="Unknown backup format"):
        call_command("import_content", str(path), replace=True, verbosity=0)
    assert Release.objects.count() == 3


def test_a_failure_halfway_restores_nothing(content, tmp_path):
    backup = export(tmp_path, "backup.json")
    broken = dict(backup, objects=[*backup["objects"], {"model": "news.release", "pk": 1}])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(Exception):  # noqa: B017 - whichever error the bad row raises
        call_command("import_content", str(path), replace=True, verbosity=0)
    assert comparable(export(tmp_path, "after.json")) == comparable(backup)


def test_media_paths_are_listed(content, tmp_path):
    backup = export(tmp_path, "backup.json")
    image_file = next(item for item in backup["objects"] if item["model"] == "pages.image")
    assert image_file["fields"]["file"] in backup["media"]
    assert any(path.startswith("renditions/") for path in backup["media"])
