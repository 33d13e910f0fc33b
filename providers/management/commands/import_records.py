"""Import providers, sites or courses from a CSV file, all-or-nothing, naming every bad row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from areas import history
from providers.resources import RESOURCES, import_file


class Command(BaseCommand):
    help = (
        "Import a CSV of providers, sites or courses (the admin's export format). A file with any "
        "bad row writes nothing and every bad row is listed by line and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")
        parser.add_argument(
            "--user", default=None,
            help=f"Whose change this is in each record's history (default: "
            f"{history.SYSTEM_USERNAME}).",
        )
        parser.add_argument("--reason", default="", help="Why (kept in each record's history).")

    def handle(self, *args, kind, file, dry_run, user=None, reason="", **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            acting = history.user_named(user)
        except LookupError as error:
            raise CommandError(str(error)) from error
        outcome = import_file(
            kind, file, dry_run=dry_run, user=acting,
            reason=reason or f"Imported from {file.name} (import_records)",
        )
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{file}: {len(outcome.errors)} problem(s); nothing was imported."
            )
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {verb} {outcome.new} new and {outcome.updated} changed {kind}; "
                f"{outcome.unchanged} unchanged."
            )
        )
