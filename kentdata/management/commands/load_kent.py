"""Load the committed Kent fixture (fixtures/) into the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from areas import history
from areas.importers.validation import ImportFileError
from kentdata.load import load_kent


class Command(BaseCommand):
    help = (
        "Load the Kent extract in fixtures/ (areas, LCPAs, cohorts, postcodes, providers, sites, "
        "courses, enrolments). All-or-nothing; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures", type=Path, default=None,
            help=f"Fixture folder (default: settings.FIXTURES_DIR, {settings.FIXTURES_DIR}).",
        )
        parser.add_argument(
            "--user", default=None,
            help="Whose change this is in each record's history "
            f"(default: {history.SYSTEM_USERNAME}).",
        )

    def handle(self, *args, fixtures=None, user=None, **options):
        try:
            # One transaction from the first write: finding the loader's account may create
            # it, and a load killed half-way must leave no trace, not even that account.
            with transaction.atomic():
                summary = load_kent(fixtures, stdout=self.stdout, user=history.user_named(user))
        except LookupError as error:
            raise CommandError(str(error)) from error
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if summary.changed:
            self.stdout.write(self.style.SUCCESS("Kent fixture loaded."))
