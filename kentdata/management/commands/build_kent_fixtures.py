"""Build the compact Kent extract in fixtures/ from the public files in ../shared/data."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from areas.importers.validation import ImportFileError
from kentdata.build import build_kent_fixtures

DEFAULT_SOURCE = Path(settings.BASE_DIR).parent / "shared" / "data"


class Command(BaseCommand):
    help = (
        "Read the public data files (GIAS, school spine, performance tables, T Level register, "
        "boundaries, Census, IMD, NCCIS, EHCP, postcodes, LCPA composition) and write the "
        "compact Kent extract to fixtures/. A bad row stops the build and changes no file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                            help=f"Folder of public files (default {DEFAULT_SOURCE}).")
        parser.add_argument("--out", type=Path, default=None,
                            help="Where to write (default settings.FIXTURES_DIR).")

    def handle(self, *args, source, out, **options):
        out = out or Path(settings.FIXTURES_DIR)
        if not source.is_dir():
            raise CommandError(f"{source}: no such folder of public data.")
        try:
            report = build_kent_fixtures(source, out, say=self.stdout.write)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for name, size in report.files.items():
            self.stdout.write(f"  {name:28} {size / 1024:8.0f} KB")
        total = sum(report.files.values())
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(report.files)} files "
                                             f"({total / 1024 / 1024:.1f} MB) to {out}."))
