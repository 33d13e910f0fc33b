"""Print the LCPA × level table of choice (no / reduced choice) and the guarantee; optionally
write it as CSV."""

import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coldspots.choice import rule_text
from coldspots.guarantee import COMPONENT_LABELS
from coldspots.models import ChoiceThresholds
from coldspots.params import LEVELS, MINUTES_RANGE, MODE_LABELS, MODES, AnalysisParams, validate
from coldspots.results import compute

LEVEL_LABELS = {"E": "Entry", "1": "Level 1", "2": "Level 2", "3": "Level 3"}


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
        "The LCPA × level table: share of the cohort in no choice and in reduced choice, mean "
        "open-access providers within reach, and the Young Person's Guarantee (met / not met / "
        "cannot be confirmed), for one year and travel time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Academic year such as 2016/17 (default: latest).")
        parser.add_argument("--minutes", type=int, default=60,
                            help=f"Travel time limit, {MINUTES_RANGE[0]}–{MINUTES_RANGE[1]} "
                                 "(default 60).")
        parser.add_argument("--mode", choices=MODES, default="pt",
                            help="pt (public transport, default), car or walk.")
        parser.add_argument("--min-providers", type=int, dest="min_providers",
                            help="N of the choice rule (default: the officers' setting).")
        parser.add_argument("--max-nearest", type=int, dest="max_nearest_minutes",
                            help="X of the choice rule, minutes (default: the officers' "
                                 "setting).")
        parser.add_argument("--csv", dest="csv_path", help="Also write the table to this CSV file.")

    def handle(self, *args, **options):
        thresholds = ChoiceThresholds.current()
        values = {"year": options["year"], "minutes": options["minutes"], "mode": options["mode"],
                  "min_providers": options["min_providers"] or thresholds.min_providers,
                  "max_nearest_minutes": options["max_nearest_minutes"]
                  or thresholds.max_nearest_minutes}
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
            f"Choice and the Young Person's Guarantee, {results.year}, within "
            f"{params.minutes} minutes by {MODE_LABELS[params.mode]} "
            f"(travel times {results.travel_method_label}). "
            f"Cohort figures {results.cohort_year}"
            + (" (estimates)." if results.cohort_is_estimate else ".")
        )
        self.stdout.write(rule_text(params))
        for level in LEVELS:
            state = results.coverage.level_state(level)
            sources = "; ".join(results.coverage.level_sources.get(level, ()))
            self.stdout.write(f"  {LEVEL_LABELS[level]}: " + (
                f"measured ({sources})" if state == "measured" else
                "partial data (records, but no complete source): no verdict" if state == "partial"
                else "no data recorded: no verdict"))
        header = (f"{'LCPA':<34} {'level':>7} {'cohort':>7} {'no choice':>10} "
                  f"{'reduced':>8} {'no or reduced':>13} {'providers':>9}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in table.itertuples():
            if not row.measured:
                continue
            self.stdout.write(
                f"{row.region_name[:34]:<34} {LEVEL_LABELS[row.level]:>7} {row.cohort:>7.0f} "
                f"{_percent(row.no_choice_share):>10} {_percent(row.reduced_choice_share):>8} "
                f"{_percent(row.cold_share):>13} {_number(row.mean_providers):>9}"
            )
        self.stdout.write("'providers': cohort-weighted mean of open-access providers within "
                          "reach. Levels not measured are left out (no verdict).")
        guarantee = table.drop_duplicates("region_slug")
        self.stdout.write("")
        self.stdout.write(f"{'Young Person’s Guarantee':<34} {'met':>7} {'not met':>8} "
                          f"{'cannot be confirmed':>20}")
        for row in guarantee.itertuples():
            self.stdout.write(
                f"{row.region_name[:34]:<34} {_percent(row.met_share):>7} "
                f"{_percent(row.not_met_share):>8} {_percent(row.cannot_confirm_share):>20}")
        missing = guarantee["no_data_components"].iloc[-1] if len(guarantee) else ""
        if missing:
            labels = ", ".join(COMPONENT_LABELS[name] for name in missing.split(","))
            self.stdout.write(
                f"Cannot be confirmed where no offer is within reach of: {labels} (no source "
                "records them completely for the year)."
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
