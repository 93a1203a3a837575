"""Small keyword-default helpers that make rows for tests: make_release(title="…")."""

from datetime import timedelta
from importlib import import_module
from io import BytesIO
from itertools import count

from django.apps import apps as django_apps
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from taggit.models import Tag, TaggedItem

from contacts.models import Country, Office, PressContact
from news.models import EmbargoLink, Release, ReleaseContact, Subscriber
from pages.models import Image, Page, PageTranslation
from pages.publishing import Status

_sequence = count(1)


def now():
    return timezone.now()


def yesterday():
    return timezone.now() - timedelta(days=1)


def tomorrow():
    return timezone.now() + timedelta(days=1)


def in_hours(hours):
    return timezone.now() + timedelta(hours=hours)


def country(code="CN"):
    """Countries are loaded by a migration; tests pick them by ISO code. A transactional test
    before this one may have emptied the tables: the migration's loader then runs again."""
    if not Country.objects.exists():
        import_module("contacts.migrations.0002_countries").load_countries(django_apps, None)
    return Country.objects.get(code=code)


def make_page(title=None, parent=None, **overrides):
    n = next(_sequence)
    title = title or f"Page {n}"
    fields = {"slug": f"page-{n}", "status": Status.PUBLISHED, "summary": f"About {title}."}
    fields.update(overrides)
    return Page.objects.create(title=title, parent=parent, **fields)


def make_page_translation(page, language="fr", **overrides):
    """A live translation of `page`, made from its current text."""
    fields = {
        "title": f"{page.title} ({language})",
        "status": Status.PUBLISHED,
        "source_digest": page.text_digest(),
    }
    fields.update(overrides)
    return PageTranslation.objects.create(page=page, language=language, **fields)


def make_office(name=None, **overrides):
    n = next(_sequence)
    fields = {"kind": "country", "country": country(), "city": "Beijing"}
    fields.update(overrides)
    return Office.objects.create(name=name or f"IOM Office {n}", **fields)


def make_contact(name=None, **overrides):
    n = next(_sequence)
    fields = {"email": f"press{n}@iom.int", "phone": "+41227179111"}
    fields.update(overrides)
    if "office" not in fields:
        fields["office"] = make_office()
    return PressContact.objects.create(name=name or f"Contact {n}", **fields)


def release_row(title=None, **overrides):
    """An unsaved live release, for Release.objects.bulk_create()."""
    n = next(_sequence)
    title = title or f"Release {n}"
    fields = {
        "slug": f"release-{n}",
        "status": Status.PUBLISHED,
        "publish_at": yesterday(),
        "summary": f"Summary of {title}.",
        "body": f"<p>Body of {title}.</p>",
    }
    fields.update(overrides)
    return Release(title=title, **fields)


def make_release(title=None, contacts=(), tags=(), countries=(), **overrides):
    release = release_row(title, **overrides)
    release.save()
    release.countries.add(*countries)
    release.sync_countries()
    if tags:
        release.tags.add(*tags)
    for order, contact in enumerate(contacts):
        ReleaseContact.objects.create(release=release, contact=contact, sort_order=order)
    return release


def make_releases(number, countries=(), tags=(), contacts=(), **overrides):
    """`number` live releases in a few bulk queries, for tests that need many rows."""
    releases = Release.objects.bulk_create(release_row(**overrides) for _ in range(number))
    ReleaseContact.objects.bulk_create(
        ReleaseContact(release=release, contact=contact, sort_order=order)
        for release in releases
        for order, contact in enumerate(contacts)
    )
    through = Release.countries.through
    through.objects.bulk_create(
        through(release=release, country=place) for release in releases for place in countries
    )
    tag_objects = [Tag.objects.get_or_create(name=name, slug=slugify(name))[0] for name in tags]
    content_type = ContentType.objects.get_for_model(Release)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=content_type, object_id=release.pk)
        for release in releases
        for tag in tag_objects
    )
    return releases


def image_upload(name="photo.jpg", size=(1200, 800), image_format="JPEG", color="navy"):
    buffer = BytesIO()
    PILImage.new("RGB", size, color).save(buffer, image_format)
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_image(title=None, **overrides):
    fields = {"alt_text": "Families queue for water", "credit": "IOM/Test"}
    fields.update(overrides)
    fields.setdefault("file", image_upload())
    return Image.objects.create(title=title or f"Image {next(_sequence)}", **fields)


def make_embargo_link(release, **overrides):
    fields = {"shared_with": "Geneva press corps", "expires_at": release.publish_at + timedelta(7)}
    fields.update(overrides)
    return EmbargoLink.objects.create(release=release, **fields)


def make_staff_user(*permissions, username=None):
    """A staff member holding only the given permissions, e.g. "news.change_release"."""
    user = User.objects.create_user(
        username or f"staff{next(_sequence)}", password="pass", is_staff=True
    )
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_subscriber(email=None, confirmed=True, **overrides):
    """A subscriber to email alerts, confirmed an hour ago unless `confirmed` is False;
    `filters` as stored: {"country": [ids], "kind": ["news"], ...}."""
    fields = {"email": email or f"reporter{next(_sequence)}@example.org"}
    if confirmed:
        fields["confirmed_at"] = in_hours(-1)
    fields.update(overrides)
    return Subscriber.objects.create(**fields)
