"""Apprenticeship standards per provider (DfE apprenticeships provider dashboard, 2021/22–2025/26).

The published file gives, for every provider active in Kent or Medway, the standards (and legacy
frameworks) it delivered in England each year, with level and sector subject area (tiers 1–2) and
national starts, enrolments and achievements. It says nothing about where: a provider's standards
are its national ones. So the records made here are facts about the provider in England, and a
district's apprenticeship offer by sector is derived from them and the district-level starts
(providers.apprenticeships, coldspots.skills), labelled so on every page.

Kept: Intermediate (Level 2) and Advanced (Level 3) apprenticeships with at least one start in
the year (a standard a provider took new apprentices on); Higher apprenticeships (Level 4 and
above) are higher education, out of scope. Counts stay unrounded as in the file; pages show them
as the dashboard publishes them (providers.apprenticeships.published_count).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from areas.importers.validation import FrameCheck, raise_if_problems, read_csv_checked
from kentdata.sources.apprenticeships import PROVISIONAL_YEARS, YEAR_LABELS
from providers.sectors import SSA_TIER1, SSA_TIER2

STANDARDS_FILE = (
    "apprenticeships/apps_standards_by_provider_national_for_km_providers_2021-22_to_2025-26.csv"
)
RAW_COLUMNS = ["year", "provider", "ukprn", "provider_type", "apps_Level", "std_fwk_flag",
               "std_fwk_name", "ssa_t1_desc", "ssa_t2_desc", "Achievements", "Enrolments",
               "Starts"]
RAW_LEVELS = {
    "Intermediate Apprenticeship": "2",
    "Advanced Apprenticeship": "3",
    "Higher Apprenticeship": "higher",
}
KINDS = {"Standard": "standard", "Framework": "framework"}
KEPT_LEVELS = ("2", "3")
COUNT_COLUMNS = ["Starts", "Enrolments", "Achievements"]

# The fixture's two files.
STANDARD_COLUMNS = ["standard_key", "kind", "name", "level", "ssa_tier1", "ssa_tier2"]
PROVIDER_STANDARD_COLUMNS = ["provider_ukprn", "academic_year", "standard_key", "starts",
                             "enrolments", "achievements"]
SOURCE = ("DfE apprenticeships provider dashboard (subjects_and_standards) {year}: the provider's "
          "starts on this standard in England (national, not where in Kent)")


def standard_key(kind: str, name: str, level: str, tier1: str, tier2: str) -> str:
    """A short key that is the same for the same standard in every build: its published kind,
    name, level and sector areas (the dashboard files some standards under two tier-2 areas)."""
    text = "|".join((kind, name, level, tier1, tier2))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]  # noqa: S324 (a key, not security)


def read_standards(path: Path) -> pd.DataFrame:
    """The provider × standard × level × year rows, every field checked; a bad row is named by
    file, line and field."""
    frame, check = read_csv_checked(path, RAW_COLUMNS)
    raise_if_problems(check)
    check.one_of("year", YEAR_LABELS)
    check.required("provider", "std_fwk_name")
    check.matches("ukprn", r"^\d{8}$", what="an eight-digit UKPRN")
    check.one_of("apps_Level", RAW_LEVELS)
    check.one_of("std_fwk_flag", KINDS)
    check.one_of("ssa_t1_desc", SSA_TIER1)
    check.one_of("ssa_t2_desc", SSA_TIER2)
    tier2 = frame["ssa_t2_desc"].fillna("")
    tier1 = frame["ssa_t1_desc"].fillna("")
    check.flag(tier2.isin(SSA_TIER2) & (tier2.map(SSA_TIER2) != tier1), "ssa_t2_desc",
               lambda v: f"{v!r} is not within the tier-1 area given on the line")
    for column in COUNT_COLUMNS:
        check.matches(column, r"^\d+$", what="a whole number (0 or more)")
    raise_if_problems(check)
    return frame


def build_standards(source: Path, known_ukprns: set[str] | None = None) -> tuple[pd.DataFrame,
                                                                                  pd.DataFrame]:
    """(standards, provider standards) for the fixture, from the raw file under `source`.

    known_ukprns: the providers named in apprenticeship_providers.csv (those with Kent or Medway
    starts); rows of any other provider are left out, as the fixture names providers there.
    The two 2025/26 rows that repeat a (provider, standard, level) are summed (the file lists
    the provisional year's rows twice for one provider)."""
    rows = read_standards(Path(source) / STANDARDS_FILE)
    rows = rows.assign(level=rows["apps_Level"].map(RAW_LEVELS),
                       kind=rows["std_fwk_flag"].map(KINDS))
    rows = rows[rows["level"].isin(KEPT_LEVELS)].copy()
    for column in COUNT_COLUMNS:
        rows[column] = rows[column].astype(int)
    if known_ukprns is not None:
        rows = rows[rows["ukprn"].isin(known_ukprns)]
    rows["standard_key"] = [
        standard_key(*values) for values in zip(
            rows["kind"], rows["std_fwk_name"], rows["level"], rows["ssa_t1_desc"],
            rows["ssa_t2_desc"], strict=True)
    ]
    rows["academic_year"] = rows["year"].map(lambda label: YEAR_LABELS[label][0])
    summed = rows.groupby(["ukprn", "academic_year", "standard_key"], as_index=False)[
        COUNT_COLUMNS].sum()
    summed = summed[summed["Starts"] > 0]
    provider_standards = pd.DataFrame({
        "provider_ukprn": summed["ukprn"],
        "academic_year": summed["academic_year"],
        "standard_key": summed["standard_key"],
        "starts": summed["Starts"],
        "enrolments": summed["Enrolments"],
        "achievements": summed["Achievements"],
    }).sort_values(["provider_ukprn", "academic_year", "standard_key"]).reset_index(drop=True)
    used = set(provider_standards["standard_key"])
    standards = (
        rows[rows["standard_key"].isin(used)]
        .drop_duplicates("standard_key")
        .rename(columns={"std_fwk_name": "name", "ssa_t1_desc": "ssa_tier1",
                         "ssa_t2_desc": "ssa_tier2"})
    )[STANDARD_COLUMNS].sort_values(["name", "level", "kind", "standard_key"]).reset_index(
        drop=True)
    return standards, provider_standards


def check_standards_frame(frame: pd.DataFrame, file: str) -> FrameCheck:
    """Checks of the fixture's standards file (used by the load)."""
    check = FrameCheck(frame, file)
    if not check.require_columns(STANDARD_COLUMNS):
        return check
    check.matches("standard_key", r"^[0-9a-f]{12}$", what="a 12-character key")
    check.unique("standard_key")
    check.one_of("kind", KINDS.values())
    check.required("name")
    check.one_of("level", KEPT_LEVELS)
    check.one_of("ssa_tier1", SSA_TIER1)
    check.one_of("ssa_tier2", SSA_TIER2)
    return check


def check_provider_standards_frame(frame: pd.DataFrame, file: str, standard_keys: set[str],
                                   ukprns: set[str]) -> FrameCheck:
    """Checks of the fixture's provider-standards file (used by the load)."""
    check = FrameCheck(frame, file)
    if not check.require_columns(PROVIDER_STANDARD_COLUMNS):
        return check
    check.matches("provider_ukprn", r"^\d{8}$", what="an eight-digit UKPRN")
    check.references("provider_ukprn", ukprns, "provider (not in apprenticeship_providers.csv)")
    check.one_of("academic_year", [year for year, _ in YEAR_LABELS.values()])
    check.references("standard_key", standard_keys, "standard (not in the standards file)")
    for column in ("starts", "enrolments", "achievements"):
        check.matches(column, r"^\d+$", what="a whole number (0 or more)")
    check.unique("provider_ukprn", "academic_year", "standard_key")
    return check


def source_text(academic_year: str) -> str:
    """The source line of one year's provider-standard records."""
    label = academic_year + (" (August to April, provisional)"
                             if academic_year in PROVISIONAL_YEARS else "")
    return SOURCE.format(year=label)
