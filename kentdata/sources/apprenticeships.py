"""Apprenticeship starts (DfE apprenticeships provider dashboard, 2021/22–2025/26).

The published geography is the district, never a site: starts are given by provider × delivery
district × learner-home district × year, with no level and no age. Level and age exist only for
South East delivery, by provider × level × age group. So the records made here are district-level
(`basis` says which geography) and a provider's level mix is the South East one, labelled so.

The files hold unrounded counts; the dashboard publishes them rounded (nearest 10, 1–4 shown as
"low"): providers.apprenticeships.published_count() shows them that way on the pages.

Independent training providers ("Private Sector Public Funded") that started apprentices in a
Kent district become providers of kind ITP, keyed by UKPRN (they have no URN).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    DISTRICT_CODE_RE,
    FrameCheck,
    raise_if_problems,
    read_csv_checked,
)

DISTRICT_STARTS_FILE = (
    "apprenticeships/apps_provider_home_x_delivery_lad_kent_medway_2021-22_to_2025-26.csv"
)
APPRENTICESHIP_PROVIDERS_FILE = "apprenticeships/apps_providers_delivering_in_kent_medway.csv"
LEVEL_AGE_FILE = (
    "apprenticeships/apps_level_age_southeast_delivery_for_km_providers_2021-22_to_2025-26.csv"
)

# The dashboard's year labels; the last year is Aug–Apr only (provisional).
YEAR_LABELS = {
    "2021/22": ("2021/22", False),
    "2022/23": ("2022/23", False),
    "2023/24": ("2023/24", False),
    "2024/25": ("2024/25", False),
    "2025/26 (Aug to Apr)": ("2025/26", True),
}
ITP_TYPE = "Private Sector Public Funded"
LEVELS = {
    "Intermediate Apprenticeship": "2",
    "Advanced Apprenticeship": "3",
    "Higher Apprenticeship": "higher",
}
AGE_GROUPS = {"Under 19": "under_19", "19-24": "19_24", "25+": "25_plus"}

DELIVERY, LEARNER_HOME, SOUTH_EAST = "delivery_district", "learner_home_district", (
    "south_east_delivery"
)
SOURCES = {
    DELIVERY: "DfE apprenticeships provider dashboard (lad_map_data) {year}: starts by provider "
              "and delivery district, district-level, all levels and ages",
    LEARNER_HOME: "DfE apprenticeships provider dashboard (lad_map_data) {year}: starts by "
                  "learner-home district, all providers, levels and ages",
    SOUTH_EAST: "DfE apprenticeships provider dashboard (provider_breakdowns) {year}: starts by "
                "provider, level and age, South East delivery only",
}

# One row per published count: the fixture's apprenticeship_starts.csv.
# provider_name only where the provider has no UKPRN (names are in apprenticeship_providers.csv).
STARTS_COLUMNS = [
    "provider_ukprn", "provider_name", "academic_year", "basis", "district_code", "level",
    "age_group", "starts",
]
PROVISIONAL_YEARS = {year for year, provisional in YEAR_LABELS.values() if provisional}
APPRENTICESHIP_PROVIDER_COLUMNS = ["ukprn", "name", "provider_type", "kent_delivery_districts"]

COUNT_COLUMNS = ["starts", "enrolments", "achievements"]


def read_district_starts(path: Path) -> pd.DataFrame:
    """The provider × delivery district × learner-home district rows, checked."""
    columns = ["year", "provider", "ukprn", "delivery_lad", "delivery_lad_code",
               "learner_home_lad", "learner_home_lad_code", *COUNT_COLUMNS]
    frame, check = read_csv_checked(path, columns)
    raise_if_problems(check)
    _check_common(check, "year", "provider", "ukprn")
    check.matches("delivery_lad_code", DISTRICT_CODE_RE, allow_blank=True,
                  what="a district code such as E07000105")
    check.matches("learner_home_lad_code", DISTRICT_CODE_RE, allow_blank=True,
                  what="a district code such as E07000105")
    both_outside = frame["delivery_lad_code"].isna() & frame["learner_home_lad_code"].isna()
    check.flag(both_outside, "delivery_lad_code",
               "neither the delivery nor the learner-home district is in Kent or Medway")
    for column in COUNT_COLUMNS:
        check.matches(column, r"^\d+$", what="a whole number (0 or more)")
    raise_if_problems(check)
    return frame


def read_providers(path: Path) -> pd.DataFrame:
    """Every provider with apprenticeship delivery in Kent or Medway, with its provider type."""
    frame, check = read_csv_checked(path, ["provider", "ukprn", "provider_type"])
    raise_if_problems(check)
    check.required("provider")
    check.matches("ukprn", r"^\d{8}$", allow_blank=True, what="an eight-digit UKPRN")
    has_ukprn = frame[frame["ukprn"].notna()]
    check.frame = has_ukprn
    check.unique("ukprn")
    check.frame = frame
    raise_if_problems(check)
    return frame


def read_level_age(path: Path) -> pd.DataFrame:
    """Starts by provider × level × age group, South East delivery only."""
    columns = ["year", "provider", "ukprn", "provider_type", "apps_Level", "age_group",
               *COUNT_COLUMNS]
    frame, check = read_csv_checked(path, columns)
    raise_if_problems(check)
    _check_common(check, "year", "provider", "ukprn")
    check.required("ukprn")
    check.one_of("apps_Level", LEVELS)
    check.one_of("age_group", AGE_GROUPS)
    for column in COUNT_COLUMNS:
        check.matches(column, r"^\d+$", what="a whole number (0 or more)")
    check.unique("year", "ukprn", "apps_Level", "age_group")
    raise_if_problems(check)
    return frame


def _check_common(check: FrameCheck, year: str, provider: str, ukprn: str) -> None:
    check.one_of(year, YEAR_LABELS)
    check.required(provider)
    check.matches(ukprn, r"^\d{8}$", allow_blank=True, what="an eight-digit UKPRN")


def _years(labels: pd.Series) -> pd.Series:
    """The academic year of each dashboard label (provisional years: PROVISIONAL_YEARS)."""
    return labels.map(lambda label: YEAR_LABELS[label][0])


def delivery_starts(rows: pd.DataFrame) -> pd.DataFrame:
    """Starts per provider, delivery district (Kent or Medway) and year, all levels and ages.

    The learner-home split is summed away; rows with no starts are dropped (a provider with only
    continuing apprentices started nobody that year). A 2021/22 provider with no UKPRN keeps its
    published name as its only identity.
    """
    delivered = rows[rows["delivery_lad_code"].notna()].copy()
    delivered["ukprn"] = delivered["ukprn"].fillna("")
    delivered["starts"] = delivered["starts"].astype(int)
    grouped = (
        delivered.groupby(["year", "ukprn", "provider", "delivery_lad_code"], as_index=False)[
            "starts"
        ].sum()
    )
    grouped = grouped[grouped["starts"] > 0]
    years = _years(grouped["year"])
    out = pd.DataFrame(
        {
            "provider_ukprn": grouped["ukprn"],
            "provider_name": grouped["provider"],
            "academic_year": years,
            "basis": DELIVERY,
            "district_code": grouped["delivery_lad_code"],
            "level": "",
            "age_group": "",
            "starts": grouped["starts"],
        }
    )
    return _sorted(out)


def learner_home_starts(rows: pd.DataFrame) -> pd.DataFrame:
    """Starts per learner-home district (Kent or Medway) and year, all providers together."""
    home = rows[rows["learner_home_lad_code"].notna()].copy()
    home["starts"] = home["starts"].astype(int)
    grouped = home.groupby(["year", "learner_home_lad_code"], as_index=False)["starts"].sum()
    years = _years(grouped["year"])
    out = pd.DataFrame(
        {
            "provider_ukprn": "",
            "provider_name": "",
            "academic_year": years,
            "basis": LEARNER_HOME,
            "district_code": grouped["learner_home_lad_code"],
            "level": "",
            "age_group": "",
            "starts": grouped["starts"],
        }
    )
    return _sorted(out)


def south_east_level_age_starts(rows: pd.DataFrame, ukprns: set[str]) -> pd.DataFrame:
    """Starts by provider × level × age group for South East delivery, for the providers that
    started apprentices in Kent or Medway (`ukprns`); zero cells are dropped."""
    kept = rows[rows["ukprn"].isin(ukprns)].copy()
    kept["starts"] = kept["starts"].astype(int)
    kept = kept[kept["starts"] > 0]
    years = _years(kept["year"])
    out = pd.DataFrame(
        {
            "provider_ukprn": kept["ukprn"],
            "provider_name": kept["provider"],
            "academic_year": years,
            "basis": SOUTH_EAST,
            "district_code": "",
            "level": kept["apps_Level"].map(LEVELS),
            "age_group": kept["age_group"].map(AGE_GROUPS),
            "starts": kept["starts"],
        }
    )
    return _sorted(out)


def apprenticeship_providers(
    providers: pd.DataFrame, delivery: pd.DataFrame, kent_district_codes: set[str],
    district_names: dict[str, str],
) -> pd.DataFrame:
    """Every provider with a UKPRN that started apprentices in Kent or Medway: UKPRN, the name it
    last published, its provider type, and the Kent districts it started apprentices in."""
    typed = providers[providers["ukprn"].notna()].set_index("ukprn")["provider_type"]
    named = delivery[delivery["provider_ukprn"] != ""].sort_values("academic_year")
    rows = []
    for ukprn, starts in named.groupby("provider_ukprn"):
        kent = sorted(
            district_names[c] for c in set(starts["district_code"]) & kent_district_codes
        )
        rows.append(
            {
                "ukprn": ukprn,
                "name": starts["provider_name"].iloc[-1],
                "provider_type": typed.get(ukprn, "") if isinstance(typed.get(ukprn), str)
                else "",
                "kent_delivery_districts": "; ".join(kent),
            }
        )
    return pd.DataFrame(rows, columns=APPRENTICESHIP_PROVIDER_COLUMNS)


def itp_provider_rows(apprenticeship_providers: pd.DataFrame) -> list[dict]:
    """Providers-fixture rows (kentdata.records.PROVIDER_COLUMNS, keyed by UKPRN) for the
    independent training providers that started apprentices in a Kent district."""
    itps = apprenticeship_providers[
        (apprenticeship_providers["provider_type"] == ITP_TYPE)
        & (apprenticeship_providers["kent_delivery_districts"] != "")
    ]
    return [
        {
            "urn": "", "ukprn": row.ukprn, "name": row.name, "kind": "itp",
            "admissions_policy": "not_applicable", "specialist_send": False,
            "out_of_county": False, "la_code": "", "status": "open",
            "establishment_type": "Independent training provider (Private Sector Public Funded)",
            "age_low": None, "age_high": None,
            "source": "DfE apprenticeships provider dashboard 2021/22–2025/26: apprenticeship "
                      f"starts in {row.kent_delivery_districts} (district-level)",
            "former_urns": "",
        }
        for row in itps.itertuples()
    ]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(
        ["basis", "academic_year", "district_code", "provider_ukprn", "provider_name", "level",
         "age_group"]
    ).reset_index(drop=True)


def build_apprenticeships(
    source: Path, kent_district_codes: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(starts records, apprenticeship providers) from the three files under `source`.

    In the starts records a provider with a UKPRN is named only in the providers table, which
    keeps the extract small; a provider without one keeps its published name."""
    source = Path(source)
    rows = read_district_starts(source / DISTRICT_STARTS_FILE)
    providers = read_providers(source / APPRENTICESHIP_PROVIDERS_FILE)
    level_age = read_level_age(source / LEVEL_AGE_FILE)
    delivery = delivery_starts(rows)
    named = rows[rows["delivery_lad_code"].notna()]
    district_names = dict(zip(named["delivery_lad_code"], named["delivery_lad"], strict=True))
    table = apprenticeship_providers(providers, delivery, kent_district_codes, district_names)
    active = set(table["ukprn"])
    starts = pd.concat(
        [delivery, learner_home_starts(rows), south_east_level_age_starts(level_age, active)],
        ignore_index=True,
    )
    starts.loc[starts["provider_ukprn"] != "", "provider_name"] = ""
    return _sorted(starts), table


def check_starts_frame(frame: pd.DataFrame, file: str, district_codes: set[str]) -> FrameCheck:
    """Checks of the fixture's starts file (used by the load)."""
    check = FrameCheck(frame, file)
    if not check.require_columns(STARTS_COLUMNS):
        return check
    check.matches("provider_ukprn", r"^\d{8}$", allow_blank=True, what="an eight-digit UKPRN")
    check.matches("academic_year", r"^\d{4}/\d{2}$", what="an academic year such as 2023/24")
    check.one_of("basis", list(SOURCES))
    check.references("district_code", district_codes, "district", allow_blank=True)
    check.one_of("level", list(LEVELS.values()), allow_blank=True)
    check.one_of("age_group", list(AGE_GROUPS.values()), allow_blank=True)
    check.matches("starts", r"^\d+$", what="a whole number of starts")
    return check
