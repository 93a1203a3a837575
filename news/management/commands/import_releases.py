import argparse
import json
import sys
from collections import Counter
from itertools import batched

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from news.import_export import ReleaseImporter, find_files

PROGRESS_FROM = 50  # files; smaller imports need no progress bar
BATCH_SIZE = 250  # files read, then written together in a few queries


def positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = "Import old press releases from text or HTML captures (or export_releases JSON)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or directories (searched recursively).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish new releases (default: drafts)."
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="json: one object per file and line, for scripts.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=BATCH_SIZE,
            help=f"Files written together (default {BATCH_SIZE}); a batch the database "
            "refuses is written again file by file.",
        )

    def handle(self, *args, paths, dry_run, publish, format, batch_size, verbosity, **options):
        files = list(find_files(paths))
        if not files:
            raise CommandError("No .txt, .html or .json files found in " + ", ".join(paths))
        counts = Counter()
        with transaction.atomic():
            importer = ReleaseImporter(publish=publish)
            done = 0
            for batch in batched(files, batch_size):
                for result in importer.import_paths(batch):
                    counts[result.status] += 1
                    self._report(result, format, verbosity)
                done += len(batch)
                self._progress(done, len(files), format)
            if dry_run:
                transaction.set_rollback(True)
        if format == "text" and verbosity:
            summary = ", ".join(
                f"{counts[s]} {s}" for s in ("created", "updated", "unchanged", "failed")
            )
            prefix = "Dry run, nothing written: " if dry_run else ""
            style = self.style.ERROR if counts["failed"] else self.style.SUCCESS
            self.stdout.write(style(f"{prefix}{summary}."))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) failed to import.")

    def _report(self, result, format, verbosity):
        if format == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        if result.status == "failed":
            self.stdout.write(
                self.style.ERROR(f"failed     {result.file}: " + "; ".join(result.errors))
            )
        elif verbosity >= 1:
            self.stdout.write(f"{result.status:<10} {result.file} -> {result.url}")
        if verbosity >= 1:
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"           warning: {warning}"))

    def _progress(self, done, total, format):
        """A progress bar on the terminal for large batches; never in files or pipes."""
        if total < PROGRESS_FROM or format == "json" or not sys.stderr.isatty():
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
