import json

from django.core.management.base import BaseCommand

from news.import_export import export_document
from news.models import Release


class Command(BaseCommand):
    help = "Write releases with their contacts, tags and countries as JSON for import_releases."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted.")
        parser.add_argument("--live", action="store_true", help="Only releases live now.")

    def handle(self, *args, output=None, live=False, **options):
        releases = (
            (Release.objects.live() if live else Release.objects.all())
            .select_related("dateline_country", "image", "translation_of")
            .prefetch_related("countries", "tags", "release_contacts__contact__office__country")
            .order_by("publish_at", "pk")
        )
        text = json.dumps(export_document(releases), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(self.style.SUCCESS(f"Wrote {releases.count()} releases to {output}"))
        else:
            self.stdout.write(text)
