"""Import a travel-time matrix CSV (area_code, site_id or urn, mode, minutes); all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from areas import history
from coldspots.travel_import import TravelTimeImportError, import_travel_times


class Command(BaseCommand):
    help = (
        "Import journey times from a CSV with columns area_code, site_id or urn, mode "
        "(pt, car, walk), minutes. Nothing is written unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the CSV file.")
        parser.add_argument("--source", default="", help="Where the times come from.")
        parser.add_argument(
            "--user", default=None,
            help=f"Whose change this is in each time's history (default: "
            f"{history.SYSTEM_USERNAME}).",
        )

    def handle(self, *args, **options):
        try:
            acting = history.user_named(options.get("user"))
        except LookupError as error:
            raise CommandError(str(error)) from error
        reason = f"Imported from {Path(options['file']).name} (import_travel_times)"
        try:
            with history.recorded_as(acting, reason):
                summary = import_travel_times(options["file"], options["source"])
        except TravelTimeImportError as error:
            count = len(error.problems)
            raise CommandError(
                f"Nothing imported: {count} problem{'s' if count != 1 else ''}.\n" + str(error)
            ) from None
        self.stdout.write(
            f"Imported journey times: {summary.created} new, {summary.updated} updated."
        )
