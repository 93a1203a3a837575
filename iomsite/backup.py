"""A complete, versioned copy of the site's content as JSON, and its restore.

What is in it: every row of the content models below (with primary keys, so links between
records and the addresses of pages survive), the tags, the people named as authors (names
and emails only: no passwords, permissions or sessions), and the list of media files the
records point to. The media files themselves live in object storage, backed up with it.
References to users and content types are written as natural keys (a username, an
"app.model" pair), so a backup restores into a database whose ids for those differ.
"""

import datetime
import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from pages.images import rendition_paths

FORMAT_VERSION = 1
# In the order they are restored: whatever a model points to comes before it.
CONTENT_MODELS = [
    "pages.Image",
    "pages.Page",
    "pages.PageTranslation",
    "contacts.Region",
    "contacts.Country",
    "contacts.Office",
    "contacts.PressContact",
    "taggit.Tag",
    "news.TopicName",
    "news.Release",
    "news.ReleaseContact",
    "news.EmbargoLink",
    # Email alerts: subscribers with their consent records (personal data, restored with the
    # rest), and which releases were mailed, so that a restore sends no alert twice.
    "news.Subscriber",
    "news.Consent",
    "news.ReleaseAlert",
    "news.Delivery",
    "taggit.TaggedItem",
    "pages.SlugRedirect",
    # The publishing log: who submitted, approved, published what, and when.
    "pages.ReviewEvent",
]
# Not backed up: the database derives their rows from the content, on restore too.
DERIVED_MODELS = ["news.TitleWord", "news.SearchDocument"]
# Not backed up either: where reviews stand points into the history (django-reversion's
# versions, not in the backup), and staff preferences belong to accounts. After a restore,
# items in review are submitted again; the publishing log keeps the steps taken.
LEFT_OUT_MODELS = ["pages.Review", "pages.StaffPreferences"]
# Apps whose every model must be in one of the lists above (a test checks it).
CONTENT_APPS = ["pages", "contacts", "news"]
USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "date_joined"]


class BackupError(Exception):
    pass


def content_models():
    return [apps.get_model(label) for label in CONTENT_MODELS]


def media_paths():
    """Every stored file a record points to: originals and renditions."""
    Image = apps.get_model("pages.Image")
    paths = set()
    for file, renditions in Image.objects.values_list("file", "renditions"):
        paths.add(file)
        paths.update(rendition_paths(renditions))
    return sorted(path for path in paths if path)


def schema():
    """The last migration applied in each app, so that a restore can warn about a mismatch."""
    applied = MigrationRecorder(connection).applied_migrations()
    latest = {}
    for app_label, name in sorted(applied):
        if app_label in CONTENT_APPS or app_label == "taggit":
            latest[app_label] = name
    return latest


def export_content():
    objects = []
    for model in content_models():
        objects += serializers.serialize(
            "python", model.objects.order_by("pk"), use_natural_foreign_keys=True
        )
    users = list(get_user_model().objects.order_by("username").values(*USER_FIELDS))
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "site": settings.SITE_NAME,
        "schema": schema(),
        "users": users,
        "objects": objects,
        "media": media_paths(),
    }


class FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder rounds times to milliseconds, which a restore would lose."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(backup):
    return json.dumps(backup, cls=FullPrecisionEncoder, indent=1, ensure_ascii=False)


def has_content():
    """Anything but the countries and regions that migrations load."""
    preloaded = {"contacts.Region", "contacts.Country"}
    return any(
        apps.get_model(label).objects.exists() for label in CONTENT_MODELS if label not in preloaded
    )


def delete_content():
    Page = apps.get_model("pages.Page")
    Page.objects.update(parent=None)  # pages protect their children from deletion
    for model in reversed(content_models()):
        model.objects.all().delete()


def restore_users(users):
    User = get_user_model()
    created = 0
    for fields in users:
        defaults = {key: value for key, value in fields.items() if key != "username"}
        _, was_created = User.objects.get_or_create(
            username=fields["username"], defaults=defaults | {"password": make_password(None)}
        )
        created += was_created
    return created


def import_content(backup, replace=False):
    """Restore a backup inside the caller's transaction. Returns counts and warnings."""
    if backup.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Unknown backup format {backup.get('format_version')!r}; "
            f"this version reads format {FORMAT_VERSION}."
        )
    if has_content() and not replace:
        raise BackupError(
            "The database already has content. Restore into an empty database (after "
            "migrate), or pass --replace to delete the existing content first."
        )
    warnings = []
    if backup.get("schema") != schema():
        warnings.append(
            f"The backup was taken at migrations {backup.get('schema')}, this database is at "
            f"{schema()}; restore with the code version that took it, then migrate."
        )
    delete_content()
    users_created = restore_users(backup["users"])
    deferred = []
    counts = {}
    for item in serializers.deserialize(
        "python", backup["objects"], handle_forward_references=True
    ):
        item.save()
        if item.deferred_fields:
            deferred.append(item)
        label = item.object._meta.label
        counts[label] = counts.get(label, 0) + 1
    for item in deferred:
        item.save_deferred_fields()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), content_models()):
            cursor.execute(statement)
    missing = [path for path in backup["media"] if not default_storage.exists(path)]
    if missing:
        warnings.append(f"{len(missing)} media files are missing from storage, e.g. {missing[0]}.")
    return {"objects": counts, "users_created": users_created, "warnings": warnings}
