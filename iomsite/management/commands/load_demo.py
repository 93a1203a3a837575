from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.models import Country, Office
from iomsite import demo
from news.import_export import ReleaseImporter
from pages.models import Page
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
            parent = self._get_or_create(
                Page, self._page_fields(section, order), parent=None, slug=section["slug"]
            )
            for child_order, child in enumerate(section["children"]):
                self._get_or_create(
                    Page, self._page_fields(child, child_order), parent=parent, slug=child["slug"]
                )

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
