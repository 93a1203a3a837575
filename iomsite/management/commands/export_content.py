from django.core.management.base import BaseCommand

from iomsite.backup import dumps, export_content


class Command(BaseCommand):
    help = "Write every page, image record, country, office, contact, release and tag as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write; standard output if omitted.")

    def handle(self, *args, output=None, verbosity=1, **options):
        backup = export_content()
        text = dumps(backup)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            if verbosity:
                self.stderr.write(
                    self.style.SUCCESS(
                        f"Wrote {len(backup['objects'])} records and {len(backup['users'])} "
                        f"users to {output}; {len(backup['media'])} media files referenced."
                    )
                )
        else:
            self.stdout.write(text)
