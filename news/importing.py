"""Writing imported press releases to the database: captures parsed by `news.importer`, and
the JSON that `export_releases` writes. Used by the import_releases command."""

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from contacts.models import Country, Office, PressContact
from contacts.phones import to_e164
from pages.models import Image
from pages.publishing import Status

from .importer import CaptureError, parse_capture
from .models import Release, ReleaseContact

CAPTURE_SUFFIXES = {".txt", ".html", ".htm"}
EXPORT_SUFFIX = ".json"
EXPORT_FORMAT = "iomsite-releases"
EXPORT_VERSION = 1


@dataclass
class ImportResult:
    """What happened to one file (or one release of an export file): the --format json row."""

    file: str
    status: str = "failed"  # created, updated, unchanged or failed
    url: str = ""
    title: str = ""
    dateline: str = ""
    country: str = ""
    language: str = ""
    contacts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    release: Release | None = field(default=None, repr=False)

    def as_dict(self):
        # Not dataclasses.asdict(): it would deep-copy the release too.
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "release"}


def find_files(paths):
    """Files to import under the given paths (directories recursively), in a stable order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                child
                for child in path.rglob("*")
                if child.is_file() and child.suffix.lower() in CAPTURE_SUFFIXES | {EXPORT_SUFFIX}
            )
        else:
            yield path


def fold(text):
    """Case- and accent-insensitive form for matching place names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


class ReleaseImporter:
    def __init__(self, publish=False):
        self.publish = publish
        countries = list(Country.objects.all())
        self.countries_by_code = {country.code: country for country in countries}
        self.countries_by_name = {fold(country.name): country for country in countries}
        self.countries_by_city = {
            fold(office.city): office.country
            for office in Office.objects.select_related("country").exclude(city="")
        }
        # Contacts already in the database, by email: a batch names the same few people often.
        # Only rows read from the database go in, never ones a failed file may roll back.
        self.stored_contacts = {}

    def import_path(self, path):
        """Import one file; returns one result per release it holds. Never raises for bad data."""
        path = Path(path)
        try:
            data = path.read_bytes()
            if path.suffix.lower() == EXPORT_SUFFIX:
                return self._import_export_file(path, data)
            return [self._import_capture(path, data)]
        except (OSError, CaptureError, ValueError) as error:
            return [ImportResult(file=str(path), errors=[str(error) or type(error).__name__])]

    def _import_capture(self, path, data):
        result = ImportResult(file=str(path))
        parsed = parse_capture(data, path.name)
        result.warnings = list(parsed.warnings)
        country = self._country_for(parsed.country_code, parsed.dateline, result)
        key = f"capture:{slugify(parsed.title)[:200]}"
        fields = {
            "title": parsed.title,
            "dateline": "" if country and parsed.dateline == country.name else parsed.dateline,
            "dateline_country": country,
            "summary": parsed.summary,
            "body": parsed.body_html,
            "language": parsed.language,
        }
        if parsed.published_at:
            fields["publish_at"] = parsed.published_at
        return self._save(
            result,
            lookup={"source_key": key},
            fields=fields | {"source_key": key},
            digest=hashlib.sha256(data).hexdigest(),
            tags=parsed.tags,
            countries=[country] if country else [],
            contacts=[_capture_contact(contact, country) for contact in parsed.contacts],
        )

    def _import_export_file(self, path, data):
        document = json.loads(data)
        if document.get("format") != EXPORT_FORMAT or document.get("version") != EXPORT_VERSION:
            raise ValueError(f"not an {EXPORT_FORMAT} version {EXPORT_VERSION} file")
        return [
            self._import_record(f"{path}#{number}", record)
            for number, record in enumerate(document["releases"], start=1)
        ]

    def _import_record(self, label, record):
        result = ImportResult(file=label)
        try:
            countries = [self.countries_by_code[code] for code in record["countries"]]
            fields = {
                name: record[name]
                for name in ("title", "slug", "kind", "language", "status", "featured", "dateline",
                             "summary", "body", "source_key")
            }  # fmt: skip
            fields |= {
                "publish_at": parse_datetime(record["publish_at"] or ""),
                "unpublish_at": parse_datetime(record["unpublish_at"] or ""),
                "dateline_country": self.countries_by_code.get(record["dateline_country"]),
                "image": Image.objects.filter(file=record["image"]).first()
                if record["image"]
                else None,
                "translation_of": Release.objects.filter(slug=record["translation_of"]).first()
                if record["translation_of"]
                else None,
            }
            contacts = record["contacts"]
        except (KeyError, TypeError) as error:
            result.errors.append(f"not a release record: missing or bad {error}")
            return result
        canonical = json.dumps(record, sort_keys=True).encode()
        return self._save(
            result,
            lookup={"slug": record["slug"]},
            fields=fields,
            digest=hashlib.sha256(canonical).hexdigest(),
            tags=record["tags"],
            countries=countries,
            contacts=contacts,
            keep_status=True,
        )

    def _save(self, result, lookup, fields, digest, tags, countries, contacts, keep_status=False):
        try:
            with transaction.atomic():
                release = Release.objects.filter(**lookup).first()
                result.status = "updated" if release else "created"
                if release and release.source_hash == digest:
                    result.status = "unchanged"
                    result.contacts = list(
                        release.release_contacts.values_list("contact__email", flat=True)
                    )
                else:
                    new = release is None
                    release = self._write(release, fields, digest, keep_status)
                    self._link_related(release, new, countries, tags, contacts, result)
        except (ValidationError, DatabaseError) as error:
            result.status = "failed"
            result.errors.append(_describe(error))
            return result
        result.release = release
        result.url = release.get_absolute_url()
        result.title = release.title
        result.dateline = release.dateline_text
        result.country = release.dateline_country.code if release.dateline_country else ""
        result.language = release.language
        return result

    def _write(self, release, fields, digest, keep_status):
        release = release or Release()
        for name, value in fields.items():
            setattr(release, name, value)
        release.source_hash = digest
        if not release.slug:
            release.slug = self._unique_slug(release.title)
        if not keep_status and self.publish:
            release.status = Status.PUBLISHED
            release.publish_at = release.publish_at or timezone.now()
        # The related rows were just read from the database: no need to check they exist.
        release.full_clean(
            exclude=["dateline_country", "image", "translation_of"],
            validate_unique=False,
            validate_constraints=False,
        )
        release.save()
        return release

    @staticmethod
    def _unique_slug(title):
        base = slugify(title)[:240] or "release"
        slug, number = base, 1
        while Release.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def _country_for(self, code, place, result):
        if code:
            return self.countries_by_code.get(code)
        if not place:
            return None
        for candidate in [place, *place.split(",")]:
            folded = fold(candidate)
            country = self.countries_by_name.get(folded) or self.countries_by_city.get(folded)
            if country:
                # The parser knew no office cities; the database did.
                result.warnings = [w for w in result.warnings if not w.startswith("Dateline ")]
                return country
        return None

    def _link_related(self, release, new, countries, tags, contacts, result):
        """Countries (the dateline's included), topics and press contacts, as the file says.
        A new release has none yet, so nothing needs clearing: a few queries less per file."""
        countries = {*countries, *([release.dateline_country] if release.dateline_country else [])}
        if new:
            # Straight into the link table: add() would first read what is there.
            through = Release.countries.through
            through.objects.bulk_create(
                through(release=release, country=country) for country in countries
            )
            if tags:
                release.tags.add(*tags)
        else:
            release.countries.set(countries)
            release.tags.set(tags, clear=True)
            ReleaseContact.objects.filter(release=release).delete()
        links = []
        for order, data in enumerate(contacts):
            contact = self._contact_for(data, result)
            if contact and contact.pk not in {link.contact_id for link in links}:
                links.append(ReleaseContact(release=release, contact=contact, sort_order=order))
        ReleaseContact.objects.bulk_create(links)
        result.contacts = [link.contact.email for link in links]

    def _contact_for(self, data, result):
        """The press contact with this email, created if new. Existing contacts are left as
        editors keep them. `data` is an exported contact: name, email, phones, office..."""
        if not data.get("email"):
            result.warnings.append(f"Contact {data['name']} has no email address; not linked")
            return None
        email = data["email"].lower()
        contact = self.stored_contacts.get(email)
        if contact is None:
            contact = PressContact.objects.filter(email=email).first()
        if contact:
            self.stored_contacts[email] = contact
            return contact
        contact = PressContact(
            name=data["name"],
            job_title=data.get("job_title", ""),
            email=data["email"],
            languages=data.get("languages", ""),
            active=data.get("active", True),
            office=self._office_for(data.get("office"), result),
        )
        for name in ("phone", "mobile"):
            number = data.get(name, "")
            if number:
                try:
                    setattr(contact, name, to_e164(number))
                except ValidationError:
                    result.warnings.append(f"{contact.name}: {name} {number!r} is not valid")
        contact.full_clean()
        contact.save()
        return contact

    def _office_for(self, spec, result):
        """The office named in `spec` ({name, kind, country, city}), created if new."""
        if not spec:
            return None
        office = Office.objects.filter(name__iexact=spec["name"]).first()
        if office:
            return office
        country = self.countries_by_code.get(spec.get("country") or "")
        if country is None:
            result.warnings.append(f"Office {spec['name']!r} is unknown and has no country")
            return None
        city = spec.get("city") or spec["name"].removeprefix("IOM ").removeprefix("OIM ").strip()
        kind = spec.get("kind") or Office.Kind.COUNTRY
        return Office.objects.create(name=spec["name"], kind=kind, country=country, city=city)


def contact_record(contact):
    """A press contact as export files and imports describe it."""
    office = contact.office
    return {
        "name": contact.name,
        "job_title": contact.job_title,
        "email": contact.email,
        "phone": contact.phone,
        "mobile": contact.mobile,
        "languages": contact.languages,
        "active": contact.active,
        "office": {
            "name": office.name,
            "kind": office.kind,
            "country": office.country.code,
            "city": office.city,
        }
        if office
        else None,
    }


def _capture_contact(parsed, country):
    office = {"name": parsed.office, "country": country.code if country else ""}
    return {
        "name": parsed.name,
        "job_title": parsed.job_title,
        "email": parsed.email,
        "phone": parsed.phone,
        "mobile": parsed.mobile,
        "office": office if parsed.office else None,
    }


def _describe(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(getattr(error, "messages", [str(error)]))


def release_record(release):
    """A release as export_releases writes it and import_releases reads it back."""
    return {
        "slug": release.slug,
        "title": release.title,
        "kind": release.kind,
        "language": release.language,
        "status": release.status,
        "publish_at": release.publish_at.isoformat() if release.publish_at else None,
        "unpublish_at": release.unpublish_at.isoformat() if release.unpublish_at else None,
        "featured": release.featured,
        "dateline": release.dateline,
        "dateline_country": release.dateline_country.code if release.dateline_country else None,
        "countries": sorted(country.code for country in release.countries.all()),
        "summary": release.summary,
        "body": release.body,
        "image": release.image.file.name if release.image else None,
        "translation_of": release.translation_of.slug if release.translation_of else None,
        "tags": sorted(tag.name for tag in release.tags.all()),
        "contacts": [contact_record(link.contact) for link in release.release_contacts.all()],
        "source_key": release.source_key,
    }


def export_document(releases):
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "releases": [release_record(release) for release in releases],
    }
