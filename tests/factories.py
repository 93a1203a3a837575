"""Small keyword-default helpers that make rows for tests: make_release(title="…")."""

from datetime import timedelta
from io import BytesIO
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from contacts.models import Country, Office, PressContact
from news.models import Release, ReleaseContact
from pages.models import Image, Page
from pages.publishing import Status

_sequence = count(1)


def now():
    return timezone.now()


def yesterday():
    return timezone.now() - timedelta(days=1)


def tomorrow():
    return timezone.now() + timedelta(days=1)


def country(code="CN"):
    """Countries are loaded by a migration; tests pick them by ISO code."""
    return Country.objects.get(code=code)


def make_page(title=None, parent=None, **overrides):
    n = next(_sequence)
    title = title or f"Page {n}"
    fields = {"slug": f"page-{n}", "status": Status.PUBLISHED, "summary": f"About {title}."}
    fields.update(overrides)
    return Page.objects.create(title=title, parent=parent, **fields)


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


def make_release(title=None, contacts=(), tags=(), countries=(), **overrides):
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
    release = Release.objects.create(title=title, **fields)
    release.countries.add(*countries)
    release.sync_countries()
    if tags:
        release.tags.add(*tags)
    for order, contact in enumerate(contacts):
        ReleaseContact.objects.create(release=release, contact=contact, sort_order=order)
    return release


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


def admin_form_data(response, **changes):
    """The POST data of an admin add/change form as the page shows it, with changes:
    what an editor submits after editing a few fields."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        management = formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if isinstance(value, (list, tuple)):
                data[key] = [getattr(item, "pk", item) for item in value]
            else:
                data[key] = field.widget.format_value(value) if hasattr(value, "tzinfo") else value
    data.update(changes)
    return data
