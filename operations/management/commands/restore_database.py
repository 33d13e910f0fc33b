from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, restore, row_counts


class Command(BaseCommand):
    help = (
        "Replace the WHOLE database with the snapshot in FILE written by backup_database. "
        "Asks first unless --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not yes:
            answer = input(f"Replace every record in this database with {file}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing restored.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = row_counts()
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables from {file}."
        )
