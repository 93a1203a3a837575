from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pages.roles import ROLES


class Command(BaseCommand):
    help = "Create or update the Editors, Publishers and Translators groups and their permissions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    @transaction.atomic
    def handle(self, *args, dry_run=False, verbosity=1, **options):
        for name, wanted in ROLES.items():
            permissions = self._permissions(wanted)
            group, created = Group.objects.get_or_create(name=name)
            current = set(group.permissions.all())
            added, removed = permissions - current, current - permissions
            group.permissions.set(permissions)
            if verbosity >= 1:
                self._report(name, created, added, removed, verbosity)
        if dry_run:
            transaction.set_rollback(True)
            if verbosity >= 1:
                self.stdout.write("Dry run: nothing was changed.")

    def _permissions(self, codenames):
        found = {
            f"{permission.content_type.app_label}.{permission.codename}": permission
            for permission in Permission.objects.select_related("content_type")
        }
        missing = sorted(codenames - found.keys())
        if missing:
            raise CommandError(
                f"Unknown permissions {', '.join(missing)}: run `manage.py migrate` first."
            )
        return {found[codename] for codename in codenames}

    def _report(self, name, created, added, removed, verbosity):
        if created:
            message = f"{name}: created with {len(added)} permissions."
        elif added or removed:
            message = f"{name}: {len(added)} permissions added, {len(removed)} removed."
        else:
            message = f"{name}: up to date."
        self.stdout.write(self.style.SUCCESS(message) if added or removed else message)
        if verbosity >= 2:
            for sign, permissions in (("+", added), ("-", removed)):
                for permission in sorted(permissions, key=self._label):
                    self.stdout.write(f"  {sign} {self._label(permission)}")

    @staticmethod
    def _label(permission):
        return f"{permission.content_type.app_label}.{permission.codename}"
