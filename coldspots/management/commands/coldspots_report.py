"""Print the LCPA × level cold-spot table and optionally write it as CSV."""

import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coldspots.guarantee import COMPONENT_LABELS
from coldspots.params import MINUTES_RANGE, MODE_LABELS, MODES, AnalysisParams, validate
from coldspots.results import compute


def _percent(value) -> str:
    return "no data" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value * 100:.1f}%"
    )


def _number(value) -> str:
    return "no data" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value:.1f}"
    )


class Command(BaseCommand):
    help = (
        "The LCPA × level table: cohort share in cold spots, options per 1,000 of the cohort "
        "and Young Person's Guarantee coverage, for one year and travel time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Academic year such as 2016/17 (default: latest).")
        parser.add_argument("--minutes", type=int, default=60,
                            help=f"Travel time limit, {MINUTES_RANGE[0]}–{MINUTES_RANGE[1]} "
                                 "(default 60).")
        parser.add_argument("--mode", choices=MODES, default="pt",
                            help="pt (public transport, default), car or walk.")
        parser.add_argument("--csv", dest="csv_path", help="Also write the table to this CSV file.")

    def handle(self, *args, **options):
        values = {"year": options["year"], "minutes": options["minutes"], "mode": options["mode"]}
        problems = validate(_unchecked(values))
        if problems:
            raise CommandError(" ".join(f"--{k}: {v}" for k, v in problems.items()))
        csv_path = options["csv_path"]
        if csv_path:
            parent = Path(csv_path).expanduser().resolve().parent
            if not parent.is_dir():
                raise CommandError(f"--csv: the folder {parent} does not exist.")
        params = AnalysisParams(**values)
        results = compute(params)
        if not results.years_available:
            raise CommandError("There is no course data in the database; load it first.")
        if params.year and params.year not in results.years_available:
            raise CommandError(
                f"--year: no course data for {params.year}; years with data: "
                + ", ".join(results.years_available) + "."
            )
        table = results.report_table()
        self.stdout.write(
            f"Cold spots and the Young Person's Guarantee, {results.year}, within "
            f"{params.minutes} minutes by {MODE_LABELS[params.mode]} "
            f"(travel times {results.travel_method_label}). "
            f"Cohort figures {results.cohort_year}"
            + (" (estimates)." if results.cohort_is_estimate else ".")
        )
        header = f"{'LCPA':<40} {'level':>5} {'cohort':>7} {'in cold spots':>13} " \
                 f"{'options/1,000':>13} {'guarantee':>10} {'parts with data':>15}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in table.itertuples():
            self.stdout.write(
                f"{row.region_name[:40]:<40} {row.level:>5} {row.cohort:>7.0f} "
                f"{_percent(row.cold_share):>13} {_number(row.options_per_1000):>13} "
                f"{_percent(row.covered_share):>10} "
                f"{_percent(row.covered_share_checked_parts):>15}"
            )
        missing = table["no_data_components"].iloc[0] if len(table) else ""
        if missing:
            labels = ", ".join(COMPONENT_LABELS[name] for name in missing.split(","))
            self.stdout.write(
                f"The guarantee cannot be confirmed anywhere: no data is recorded for {labels}. "
                "'guarantee' is the share meeting all five parts; 'parts with data' is the share "
                "reaching every part that has data."
            )
        if results.no_data_levels:
            self.stdout.write(
                "No data recorded at level(s): " + ", ".join(results.no_data_levels) + "."
            )
        if csv_path:
            try:
                table.to_csv(csv_path, index=False)
            except OSError as error:
                raise CommandError(f"--csv: cannot write {csv_path} ({error.strerror}).") from None
            self.stdout.write(f"Wrote {len(table)} rows to {csv_path}.")


def _unchecked(values):
    from coldspots.params import _unchecked as build

    return build(**values)
