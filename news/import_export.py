"""Press releases in and out of the database: importing captures parsed by `news.captures` and
the JSON files that exporting writes. Used by import_releases, export_releases and load_demo."""

import hashlib
import json
import re
from collections import ChainMap
from dataclasses import dataclass, field, fields
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from taggit.models import Tag

from contacts.models import Country, Office, PressContact, normalize_email
from contacts.phones import to_e164
from pages.models import Image
from pages.publishing import Status

from .captures import CaptureError, parse_capture, place_key
from .models import Release, ReleaseContact, search_documents_written_once

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


@dataclass
class _Pending:
    """A release read from a file, waiting to be written with the rest of its batch."""

    file: str
    lookup: tuple[str, str]  # how to find it again: ("source_key", key) or ("slug", slug)
    fields: dict
    digest: str
    tags: list[str]
    countries: list[Country]
    contacts: list[dict]
    warnings: list[str]
    keep_status: bool = False
    translation_of: str = ""  # the original's slug, looked up when written
    result: ImportResult | None = None

    @property
    def claims(self):
        """What no other release of its round may touch: its row, its slug and its original.
        A file naming the same release as an earlier one waits for a later round."""
        slug = self.fields.get("slug") or _slug_base(self.fields["title"])
        claims = {self.lookup, ("slug", slug)}
        if self.fields.get("source_key"):
            claims.add(("source_key", self.fields["source_key"]))
        if self.translation_of:
            claims.add(("slug", self.translation_of))
        return claims

    def fail(self, error):
        self.result = ImportResult(
            file=self.file, warnings=list(self.warnings), errors=[_describe(error)]
        )


class ReleaseImporter:
    """Imports files a batch at a time: all are read first, then written together in a few
    queries. A file that cannot be read, or whose release does not validate, fails alone; if
    the database refuses a batch, its files are written one by one so only the bad one fails.
    """

    def __init__(self, publish=False):
        self.publish = publish
        countries = list(Country.objects.all())
        self.countries_by_code = {country.code: country for country in countries}
        offices = list(Office.objects.select_related("country"))
        # Datelines are matched to these before the gazetteer; a country's name before a city.
        self.site_places = {
            place_key(office.city): office.country.code for office in offices if office.city
        } | {place_key(country.name): country.code for country in countries}
        # Rows the database holds, found or written by earlier rounds, so that a round asks
        # only about what is new to it. A round's new rows join only once it is written.
        self.offices = {office.name.casefold(): office for office in offices}
        self.contacts = {}  # by email
        self.tags = {}  # by case-folded name, as TAGGIT_CASE_INSENSITIVE matches them

    def import_path(self, path):
        """Import one file: a batch of one."""
        return self.import_paths([path])

    def import_paths(self, paths):
        """Import files as one batch; returns one result per release they hold, in order.
        Never raises for bad data."""
        entries = [entry for path in paths for entry in self._read(Path(path))]
        pending = [entry for entry in entries if isinstance(entry, _Pending)]
        for items in _rounds(pending):
            self._write(items)
        return [entry.result if isinstance(entry, _Pending) else entry for entry in entries]

    # ------------------------------------------------------------------------- reading

    def _read(self, path):
        """What one file holds: a _Pending per release, or the ImportResult of its failure."""
        try:
            data = path.read_bytes()
            if path.suffix.lower() == EXPORT_SUFFIX:
                return self._read_export_file(path, data)
            return [self._read_capture(path, data)]
        except (OSError, CaptureError, ValueError) as error:
            return [ImportResult(file=str(path), errors=[str(error) or type(error).__name__])]

    def _read_capture(self, path, data):
        parsed = parse_capture(data, path.name, self.site_places)
        warnings = list(parsed.warnings)
        country = self.countries_by_code.get(parsed.country_code)
        if parsed.country_code and not country:
            warnings.append(
                f'Dateline "{parsed.dateline}" is in {parsed.country_code}, '
                "a country the site does not list"
            )
        key = f"capture:{slugify(parsed.title)[:200]}"
        fields = {
            "title": parsed.title,
            "dateline": "" if country and parsed.dateline == country.name else parsed.dateline,
            "dateline_country": country,
            "summary": parsed.summary,
            "body": parsed.body_html,
            "language": parsed.language,
            "source_key": key,
        }
        if parsed.published_at:
            fields["publish_at"] = parsed.published_at
        original = _original_slug(parsed.original) if parsed.original else ""
        if original and parsed.language == settings.LANGUAGE_CODE:
            warnings.append(f"Names an original ({parsed.original}) but is in the site's language")
            original = ""
        return _Pending(
            file=str(path),
            lookup=("source_key", key),
            fields=fields,
            digest=hashlib.sha256(data).hexdigest(),
            tags=parsed.tags,
            countries=[country] if country else [],
            contacts=[_capture_contact(contact, country) for contact in parsed.contacts],
            warnings=warnings,
            translation_of=original,
        )

    def _read_export_file(self, path, data):
        document = json.loads(data)
        if document.get("format") != EXPORT_FORMAT or document.get("version") != EXPORT_VERSION:
            raise ValueError(f"not an {EXPORT_FORMAT} version {EXPORT_VERSION} file")
        return [
            self._read_record(f"{path}#{number}", record)
            for number, record in enumerate(document["releases"], start=1)
        ]

    def _read_record(self, label, record):
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
            }
            pending = _Pending(
                file=label,
                lookup=("slug", record["slug"]),
                fields=fields,
                digest=hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest(),
                tags=record["tags"],
                countries=countries,
                contacts=record["contacts"],
                warnings=[],
                keep_status=True,
                translation_of=record["translation_of"] or "",
            )
        except (KeyError, TypeError) as error:
            return ImportResult(
                file=label, errors=[f"not a release record: missing or bad {error}"]
            )
        return pending

    # ------------------------------------------------------------------------- writing

    def _write(self, items):
        """Write a round at once; if the database refuses it, file by file."""
        try:
            self._write_round(items)
        except DatabaseError as error:
            if len(items) == 1:
                items[0].fail(error)
                return
            for item in items:
                self._write([item])

    def _write_round(self, items):
        """Write releases that claim nothing in common (see _Pending.claims) with their new
        contacts, offices and link rows, in a few queries whatever their number. Sets each
        item's result. A release or contact that does not validate fails its file alone."""
        offices, contacts, tags = ChainMap({}, self.offices), ChainMap({}, self.contacts), {}
        with transaction.atomic():
            stored = self._stored_releases(items)
            self._find_contacts(items)
            slugs = _SlugPicker(
                _slug_base(item.fields["title"])
                for item in items
                if item.lookup not in stored and not item.fields.get("slug")
            )
            unchanged, written = [], []
            for item in items:
                item.result = ImportResult(file=item.file, warnings=list(item.warnings))
                release = stored.get(item.lookup)
                if release and release.source_hash == item.digest:
                    item.result.status, item.result.release = "unchanged", release
                    unchanged.append(item.result)
                    continue
                item.result.status = "updated" if release else "created"
                try:
                    release = self._prepared_release(release, item, stored, slugs)
                    links = self._contacts_for(item, offices.new_child(), contacts.new_child())
                except ValidationError as error:
                    item.result.status = "failed"
                    item.result.errors.append(_describe(error))
                    continue
                slugs.taken.add(release.slug)
                item.result.release = release
                item.result.contacts = [contact.email for contact in links]
                written.append((item, release, links))
            if written:
                with search_documents_written_once() as release_ids:
                    self._save(written, offices.maps[0], contacts.maps[0], tags)
                    release_ids += [release.pk for _, release, _ in written]
            _list_contacts(unchanged)
        self.offices |= offices.maps[0]
        self.contacts |= contacts.maps[0]
        self.tags |= tags
        for item in items:
            if item.result.release:
                _describe_release(item.result, item.result.release)

    def _stored_releases(self, items):
        """The releases the items update or translate, by ("source_key" or "slug", value)."""
        keys = [item.lookup[1] for item in items if item.lookup[0] == "source_key"]
        slugs = [item.lookup[1] for item in items if item.lookup[0] == "slug"]
        slugs += [item.translation_of for item in items if item.translation_of]
        stored = {}
        for release in Release.objects.select_related("dateline_country").filter(
            Q(source_key__in=keys) | Q(slug__in=slugs)
        ):
            stored[("slug", release.slug)] = release
            if release.source_key:
                stored[("source_key", release.source_key)] = release
        return stored

    def _find_contacts(self, items):
        """Read the press contacts the round names that earlier rounds did not meet."""
        emails = {
            _contact_email(spec) for item in items for spec in item.contacts
        } - self.contacts.keys()
        emails.discard("")
        self.contacts |= {
            contact.email: contact for contact in PressContact.objects.filter(email__in=emails)
        }

    def _prepared_release(self, release, item, stored, slugs):
        release = release or Release()
        for name, value in item.fields.items():
            setattr(release, name, value)
        if item.translation_of:
            release.translation_of = stored.get(("slug", item.translation_of))
            if release.translation_of is None:
                item.result.warnings.append(
                    f"Its original, {item.translation_of}, is not on the site"
                )
        release.source_hash = item.digest
        if not release.slug:
            release.slug = slugs.pick(release.title)
        if not item.keep_status and self.publish:
            release.status = Status.PUBLISHED
        release.fill_publish_at()  # as save() would: bulk_create() does not call it
        # The related rows were just read from the database: no need to check they exist.
        release.full_clean(
            exclude=["dateline_country", "image", "translation_of"],
            validate_unique=False,
            validate_constraints=False,
        )
        return release

    def _contacts_for(self, item, offices, contacts):
        """The item's press contacts, in order and once each. New ones are checked and kept
        in `offices` and `contacts` (children of the round's maps), which join the round only
        if every contact of the file is valid: a failed file leaves no rows behind."""
        links = {}
        for spec in item.contacts:
            contact = self._contact_for(spec, item.result, offices, contacts)
            if contact:
                links.setdefault(contact.email, contact)
        offices.parents.maps[0].update(offices.maps[0])
        contacts.parents.maps[0].update(contacts.maps[0])
        return list(links.values())

    def _contact_for(self, data, result, offices, contacts):
        """The press contact with this email, created if new. Existing contacts are left as
        editors keep them. `data` is an exported contact: name, email, phones, office..."""
        email = _contact_email(data)
        if not email:
            result.warnings.append(f"Contact {data['name']} has no email address; not linked")
            return None
        if email in contacts:
            return contacts[email]
        contact = PressContact(
            name=data["name"],
            job_title=data.get("job_title", ""),
            email=email,
            languages=data.get("languages", ""),
            active=data.get("active", True),
            office=self._office_for(data.get("office"), result, offices),
        )
        for name in ("phone", "mobile"):
            number = data.get(name, "")
            if number:
                try:
                    setattr(contact, name, to_e164(number))
                except ValidationError:
                    result.warnings.append(f"{contact.name}: {name} {number!r} is not valid")
        # The round looked its email up already; the office is new or was just read.
        contact.full_clean(exclude=["office"], validate_unique=False)
        contacts[email] = contact
        return contact

    def _office_for(self, spec, result, offices):
        """The office named in `spec` ({name, kind, country, city}), made if new."""
        if not spec:
            return None
        office = offices.get(spec["name"].casefold())
        if office:
            return office
        country = self.countries_by_code.get(spec.get("country") or "")
        if country is None:
            result.warnings.append(f"Office {spec['name']!r} is unknown and has no country")
            return None
        city = spec.get("city") or spec["name"].removeprefix("IOM ").removeprefix("OIM ").strip()
        kind = spec.get("kind") or Office.Kind.COUNTRY
        office = Office(name=spec["name"], kind=kind, country=country, city=city)
        offices[spec["name"].casefold()] = office
        return office

    def _save(self, written, new_offices, new_contacts, tags):
        """Insert the round's new rows and rewrite the links of every release written:
        countries (the dateline's included), topics and press contacts, as the files say."""
        Office.objects.bulk_create(new_offices.values())
        PressContact.objects.bulk_create(new_contacts.values())
        Release.objects.bulk_create(release for _, release, _ in written if release.pk is None)
        updated = [release for item, release, _ in written if item.result.status == "updated"]
        for release in updated:
            release.save()  # one by one: also keeps an old address working if the slug moved
        country_link = Release.countries.through
        tag_link = Release.tags.through
        release_type = ContentType.objects.get_for_model(Release)
        if updated:
            ids = [release.pk for release in updated]
            country_link.objects.filter(release__in=ids).delete()
            tag_link.objects.filter(content_type=release_type, object_id__in=ids).delete()
            ReleaseContact.objects.filter(release__in=ids).delete()
        country_links, tag_links, contact_links = [], [], []
        for item, release, contacts in written:
            countries = {*item.countries, release.dateline_country} - {None}
            country_links += [country_link(release=release, country=c) for c in countries]
            tag_links += [
                tag_link(tag=tag, content_type=release_type, object_id=release.pk)
                for tag in {self._tag(name, tags) for name in item.tags}
            ]
            contact_links += [
                ReleaseContact(release=release, contact=contact, sort_order=order)
                for order, contact in enumerate(contacts)
            ]
        country_link.objects.bulk_create(country_links)
        tag_link.objects.bulk_create(tag_links)
        ReleaseContact.objects.bulk_create(contact_links)

    def _tag(self, name, tags):
        """The topic of this name in any case, created if new: topics are few, so a query
        or two the first time each is met. `tags` holds those the round met."""
        key = name.casefold()
        if key not in self.tags and key not in tags:
            stored = Tag.objects.filter(name__iexact=name).order_by("pk").first()
            tags[key] = stored or Tag.objects.create(name=name)
        return self.tags.get(key) or tags[key]


class _SlugPicker:
    """Unique slugs for the new releases of a round, in two queries however many there are
    (and one more per title whose slug is taken)."""

    def __init__(self, bases):
        self.taken = set(Release.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))

    def pick(self, title):
        base = _slug_base(title)
        if base not in self.taken:
            return base
        self.taken |= set(
            Release.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
        )
        number = 2
        while f"{base}-{number}" in self.taken:
            number += 1
        return f"{base}-{number}"


def _original_slug(named):
    """The slug of the original a translation names: the last part of its address
    (https://www.iom.int/news/floods-chad -> floods-chad), else its title made a slug as the
    import made it."""
    if re.match(r"^(https?://|/)", named):
        return named.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return _slug_base(named)


def _slug_base(title):
    return slugify(title)[:240] or "release"


def _rounds(items):
    """Split a batch into rounds in which no two items share a claim, keeping file order
    within each: a file about the same release as an earlier one goes in a later round, so
    it finds what the earlier one wrote, as if they were imported one after the other."""
    rounds, last_round = [], {}
    for item in items:
        claims = item.claims
        number = max((last_round[claim] + 1 for claim in claims if claim in last_round), default=0)
        if number == len(rounds):
            rounds.append([])
        rounds[number].append(item)
        last_round |= dict.fromkeys(claims, number)
    return rounds


def _list_contacts(results):
    """Name the press contacts of unchanged releases in their results: one query for all."""
    by_release = {result.release.pk: result for result in results}
    if by_release:
        links = ReleaseContact.objects.filter(release__in=by_release)
        for release_id, email in links.values_list("release", "contact__email"):
            by_release[release_id].contacts.append(email)


def _describe_release(result, release):
    result.url = release.get_absolute_url()
    result.title = release.title
    result.dateline = release.dateline_text
    result.country = release.dateline_country.code if release.dateline_country else ""
    result.language = release.language


def _contact_email(spec):
    return normalize_email(spec.get("email") or "")


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
