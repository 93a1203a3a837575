from django.core.management.base import BaseCommand

from iomsite import catalogues


class Command(BaseCommand):
    help = (
        "Extract the messages marked in our templates and Python into each language's .po file "
        "in locale/, keeping the translations already there."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; write nothing."
        )

    def handle(self, *args, dry_run, verbosity, **options):
        template = catalogues.extracted_messages()
        for language in catalogues.translated_languages():
            path = catalogues.po_path(language)
            catalogue = catalogues.updated_catalogue(language, template)
            text = catalogues.po_text(catalogue)
            if path.exists() and path.read_bytes() == text:
                changed = "unchanged"
            elif dry_run:
                changed = "would change"
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(text)
                changed = "updated"
            missing = catalogues.problems(catalogue)
            if verbosity:
                self.stdout.write(
                    f"{path}: {changed}, {len(template)} messages, {len(missing)} to translate"
                )
            if verbosity > 1:
                for problem in missing:
                    self.stdout.write(f"  {problem}")
