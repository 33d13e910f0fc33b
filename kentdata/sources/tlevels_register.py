"""T Level results service register (SkillsFundingAgency/tl-results-and-certification, seed file
read in 25 versions to Aug 2024): which providers were registered, and since when.

Rule (issue 9): a provider registered with the results service by the start of an academic year
offers T Levels that year. The register names no route, so the offer says "route not recorded";
where the ESFA 2021 register (kentdata.sources.tlevels_2021) has the provider's T Levels and
campuses for a year, those records stand instead and no "route not recorded" record is made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from areas.importers.validation import URN_RE, raise_if_problems, read_csv_checked

REGISTER_FILE = "tlevel-providers-2024/tlevel_registered_providers_kent_medway_2024-08-23.csv"
REGISTER_COLUMNS = ["ukprn", "name", "km_la_code", "urn_by_name", "first_seen_in_seed_file"]
# The seed file is updated as a new cohort is registered, which happens as its courses begin:
# a provider first seen in September is counted for the year that starts that September.
YEAR_CUT_OFF_MONTH_DAY = (9, 30)
FIRST_YEAR = 2020  # the first T Levels were taught from September 2020
LAST_YEAR = 2024  # the register read here ends in August 2024: 2024/25 is the last year it shows
TITLE = "T Levels (route not recorded)"
SOURCE = ("T Level results service provider register (seed file first seen {first_seen}), "
          "UKPRN {ukprn}: registered by the start of {year}; no route recorded")


def read_register(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, REGISTER_COLUMNS)
    raise_if_problems(check)
    check.matches("ukprn", r"^\d{8}$", what="an eight-digit UKPRN")
    check.matches("urn_by_name", URN_RE, what="a six-digit URN")
    check.one_of("km_la_code", ["886", "887"])
    check.matches("first_seen_in_seed_file", r"^\d{4}-\d{2}-\d{2}$", what="a date YYYY-MM-DD")
    check.unique("ukprn")
    raise_if_problems(check)
    return frame


def first_year(first_seen: str) -> int:
    """The start year of the first academic year for which a provider first seen on this date
    counts as registered by its start."""
    seen = date.fromisoformat(first_seen)
    month, day = YEAR_CUT_OFF_MONTH_DAY
    start = seen.year if seen <= date(seen.year, month, day) else seen.year + 1
    return max(start, FIRST_YEAR)


def academic_year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def registered_by_year(register: pd.DataFrame) -> dict[str, set[str]]:
    """Academic year → URNs of the providers registered by its start."""
    out: dict[str, set[str]] = {}
    for row in register.itertuples():
        for start in range(first_year(row.first_seen_in_seed_file), LAST_YEAR + 1):
            out.setdefault(academic_year(start), set()).add(row.urn_by_name)
    return out


def register_offers(
    register: pd.DataFrame, main_site: dict[str, str], covered: set[tuple[str, str]]
) -> tuple[list[dict], list[str]]:
    """Course rows (kentdata.records.COURSE_COLUMNS) for each registered provider and year, and
    notes on the providers left out.

    main_site: provider URN → the name of its main site; a provider not there is left out.
    covered: (URN, academic year) pairs for which the 2021 register has T Level records.
    """
    rows, notes = [], []
    for row in register.itertuples():
        site = main_site.get(row.urn_by_name)
        if site is None:
            notes.append(f"{row.urn_by_name} {row.name}: not a provider in this extract")
            continue
        for start in range(first_year(row.first_seen_in_seed_file), LAST_YEAR + 1):
            year = academic_year(start)
            if (row.urn_by_name, year) in covered:
                continue
            rows.append(
                {
                    "provider_urn": row.urn_by_name, "site_name": site, "academic_year": year,
                    "title": TITLE, "level": "3", "qualification_type": "t_level",
                    "subject": "", "tlevel_route": "", "learners": None,
                    "ehcp_required": False,
                    "source": SOURCE.format(first_seen=row.first_seen_in_seed_file,
                                            ukprn=row.ukprn, year=year),
                    "record_label": "published",
                }
            )
    return rows, notes
