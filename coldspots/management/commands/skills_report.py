"""Print each priority sector's reach per LCPA (the Skills report's figures) for one year and
travel time."""

import math

from django.core.management.base import BaseCommand, CommandError

from coldspots.params import MINUTES_RANGE, MODES, AnalysisParams, validate
from coldspots.params import _unchecked as unchecked_params
from coldspots.results import compute
from providers.apprenticeships import published_count


def _percent(value) -> str:
    return "no data" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value * 100:.1f}%")


def _number(value) -> str:
    return "no data" if value is None or (isinstance(value, float) and math.isnan(value)) else (
        f"{value:,.0f}")


class Command(BaseCommand):
    help = ("Per LCPA and priority sector: the share of 16–17 year olds (estimate) who can reach "
            "an offer in the sector (courses within the travel time; apprenticeship standards in "
            "their district, derived) and the derived apprenticeship starts in the sector.")

    def add_arguments(self, parser):
        parser.add_argument("--year", help="Academic year such as 2023/24 (default: latest).")
        parser.add_argument("--minutes", type=int, default=60,
                            help=f"Travel time limit, {MINUTES_RANGE[0]}–{MINUTES_RANGE[1]} "
                                 "(default 60).")
        parser.add_argument("--mode", choices=MODES, default="pt",
                            help="pt (public transport, default), car or walk.")

    def handle(self, *args, **options):
        values = {"year": options["year"], "minutes": options["minutes"], "mode": options["mode"]}
        problems = validate(unchecked_params(**values))
        if problems:
            raise CommandError(" ".join(f"--{k}: {v}" for k, v in problems.items()))
        results = compute(AnalysisParams(**values))
        skills = results.skills
        out = self.stdout
        out.write(f"Skills: {results.year}, {results.params.minutes} minutes "
                  f"({results.params.mode}, {results.travel_method_label}).")
        if skills.no_data_courses:
            out.write("No course record of the year names a sector subject area or T Level "
                      "route: the shares count apprenticeship standards only (a lower bound).")
        if skills.no_data_standards:
            out.write("No apprenticeship standards recorded for the year.")
        out.write("Apprenticeship standards are district-level and derived (a provider's national "
                  "standards, in the districts where it started apprentices, providers with "
                  "under-19 starts only); the cohort is an estimate.")
        out.write("Derived starts are estimates, rounded as the DfE publishes starts (nearest 10, "
                  "1–4 as low).")
        header = ("LCPA", "Priority sector", "Can reach", "Course", "Standard (district)",
                  "Without (est.)", "Derived starts", "per 1,000")
        out.write(" | ".join(header))
        for row in skills.region_reach.to_dict("records"):
            out.write(" | ".join([
                row["region_name"], row["sector"], _percent(row["any_share"]),
                _percent(row["course_share"]), _percent(row["apprenticeship_share"]),
                _number(row["cohort_without"]),
                "no data" if math.isnan(row["derived_starts"])
                else published_count(round(row["derived_starts"])),
                "no data" if math.isnan(row["derived_starts_per_1000"])
                else f"{row['derived_starts_per_1000']:.1f}",
            ]))
