from django.core.management.base import BaseCommand, CommandError

from iomsite import catalogues


class Command(BaseCommand):
    help = "Compile each language's .po file in locale/ to the .mo file Django reads."
    # Run by `make setup` before anything else exists: no checks, no database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("languages", nargs="*", help="Only these (default: every language).")

    def handle(self, *args, languages, verbosity, **options):
        known = catalogues.translated_languages()
        if unknown := set(languages) - set(known):
            raise CommandError(f"No catalogue for {', '.join(sorted(unknown))}: {known} exist.")
        for language in languages or known:
            path = catalogues.compile_catalogue(language)
            if verbosity:
                self.stdout.write(f"Compiled {path}")
