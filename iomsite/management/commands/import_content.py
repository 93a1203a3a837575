import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from iomsite.backup import BackupError, import_content


class Command(BaseCommand):
    help = "Restore content written by export_content, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file export_content wrote.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the content already in the database first.",
        )

    def handle(self, *args, path, dry_run=False, replace=False, verbosity=1, **options):
        try:
            with open(path, encoding="utf-8") as file:
                backup = json.load(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            with transaction.atomic():
                result = import_content(backup, replace=replace)
                if dry_run:
                    transaction.set_rollback(True)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in result["warnings"]:
            self.stderr.write(self.style.WARNING(warning))
        if verbosity:
            verb = "Would restore" if dry_run else "Restored"
            total = sum(result["objects"].values())
            self.stdout.write(self.style.SUCCESS(f"{verb} {total} records:"))
            for label, count in result["objects"].items():
                self.stdout.write(f"  {label}: {count}")
            self.stdout.write(f"  new users (no password, to be set): {result['users_created']}")
