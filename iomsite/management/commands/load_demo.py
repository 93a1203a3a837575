from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import format_html, format_html_join

from contacts.models import Country, Office, PressContact
from iomsite import demo
from news.models import Release, ReleaseContact
from pages.models import Page
from pages.publishing import Status


class Command(BaseCommand):
    help = "Create the seed site (menu pages, IOM Beijing, Ellen Wong, the Beijing release); "
    help += "records that already exist are left as editors left them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        self.created = []
        self.load_pages()
        self.load_release(self.load_contact())
        if dry_run:
            transaction.set_rollback(True)
        if verbosity:
            verb = "Would create" if dry_run else "Created"
            if self.created:
                self.stdout.write(self.style.SUCCESS(f"{verb} {len(self.created)} demo records:"))
                for label in self.created:
                    self.stdout.write(f"  {label}")
            else:
                self.stdout.write("Demo content already present; nothing to do.")

    def _get_or_create(self, model, defaults=None, **lookup):
        record, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created.append(f"{model._meta.verbose_name}: {record}")
        return record

    def load_pages(self):
        for order, section in enumerate(demo.MENU):
            parent = self._get_or_create(
                Page, parent=None, slug=section["slug"], defaults=self._page_fields(section, order)
            )
            for child_order, child in enumerate(section["children"]):
                self._get_or_create(
                    Page, parent=parent, slug=child["slug"],
                    defaults=self._page_fields(child, child_order),
                )  # fmt: skip

    @staticmethod
    def _page_fields(data, order):
        summary = data.get("summary", "")
        return {
            "title": data["title"],
            "summary": summary,
            "body": format_html("<p>{}</p>", summary) if summary else "",
            "sort_order": order,
            "status": Status.PUBLISHED,
        }

    def load_contact(self):
        office = dict(demo.OFFICE)
        country = Country.objects.get(code=office.pop("country"))
        if not country.presence or not country.member_since:
            country.presence, country.member_since = True, country.member_since or 2016
            country.save(update_fields=["presence", "member_since"])
        office = self._get_or_create(Office, name=office.pop("name"), defaults={
            **office, "country": country,
        })  # fmt: skip
        contact = dict(demo.CONTACT)
        contact["office"] = office
        return self._get_or_create(PressContact, email=contact.pop("email"), defaults=contact)

    def load_release(self, contact):
        data = demo.RELEASE
        if Release.objects.filter(slug=data["slug"]).exists():
            return
        countries = {c.code: c for c in Country.objects.filter(code__in=data["countries"])}
        release = Release(
            title=data["title"],
            slug=data["slug"],
            dateline_country=countries[data["dateline_country"]],
            summary=data["summary"],
            body=format_html_join(
                "\n",
                "{}",
                (
                    (
                        format_html("<blockquote><p>{}</p></blockquote>", text)
                        if kind == "blockquote"
                        else format_html("<p>{}</p>", text),
                    )
                    for kind, text in data["body"]
                ),
            ),
            status=Status.PUBLISHED,
        )
        release.full_clean()
        release.save()
        release.countries.set(countries.values())
        release.tags.set(data["tags"])
        ReleaseContact.objects.create(release=release, contact=contact)
        self.created.append(f"release: {release}")
