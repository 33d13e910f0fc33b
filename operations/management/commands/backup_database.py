from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, backup, row_counts


class Command(BaseCommand):
    help = (
        "Write a snapshot of the whole database to FILE: pg_dump's custom format on PostgreSQL "
        "(restore with restore_database or pg_restore), an SQLite file on the embedded default."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = row_counts()
        self.stdout.write(
            f"Backed up {sum(counts.values())} rows in {len(counts)} tables to {file}."
        )
