from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.models import Country, Office
from iomsite import demo
from news.import_export import ReleaseImporter
from pages.models import Page, PageTranslation
from pages.publishing import Status


class Command(BaseCommand):
    help = "Create the seed site (menu pages, offices, the Beijing press release and its contact)."
    help += " Records that already exist are left as editors left them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        self.created = []
        self.load_pages()
        self.load_offices()
        self.load_release()
        if dry_run:
            transaction.set_rollback(True)
        if not verbosity:
            return
        if not self.created:
            self.stdout.write("Demo content already present; nothing to do.")
            return
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(self.created)} demo records:"))
        for label in self.created:
            self.stdout.write(f"  {label}")

    def _get_or_create(self, model, defaults, **lookup):
        record, created = model.objects.get_or_create(defaults=defaults, **lookup)
        if created:
            self.created.append(f"{model._meta.verbose_name}: {record}")
        return record

    def load_pages(self):
        for order, section in enumerate(demo.MENU):
            parent = self.load_page(section, order, parent=None)
            for child_order, child in enumerate(section["children"]):
                self.load_page(child, child_order, parent=parent)

    def load_page(self, data, order, parent):
        page = self._get_or_create(
            Page, self._page_fields(data, order), parent=parent, slug=data["slug"]
        )
        for code, _name in settings.LANGUAGES:
            if code in data:  # its French or Spanish version, made from the English text
                text = data[code]
                fields = {
                    "title": text["title"],
                    "summary": text.get("summary", ""),
                    "status": Status.PUBLISHED,
                    "source_digest": page.text_digest(),
                }
                self._get_or_create(PageTranslation, fields, page=page, language=code)
        return page

    @staticmethod
    def _page_fields(data, order):
        return {
            "title": data["title"],
            "summary": data.get("summary", ""),
            "sort_order": order,
            "status": Status.PUBLISHED,
        }

    def load_offices(self):
        for code, year in demo.MEMBERS.items():
            Country.objects.filter(code=code, member_since=None).update(member_since=year)
        for office in demo.OFFICES:
            country = Country.objects.get(code=office["country"])
            if not country.presence:
                country.presence = True
                country.save(update_fields=["presence"])
            self._get_or_create(Office, {**office, "country": country}, name=office["name"])

    def load_release(self):
        importer = ReleaseImporter(publish=True)
        for path in (demo.SEED_RELEASE, demo.SEED_RELEASE_FRENCH):
            [result] = importer.import_path(path)
            if result.status == "failed":
                raise CommandError(f"The seed release did not import: {result.errors}")
            if result.status == "created":
                result.release.tags.set(demo.SEED_RELEASE_TAGS)
                contacts = ", ".join(result.contacts)
                self.created.append(f"release: {result.title} (contacts: {contacts})")
