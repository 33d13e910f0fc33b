"""Learner cohorts: published LA figures (NCCIS, EHCP caseload) and labelled small-area estimates.

Only LA totals of 16–17 year olds are published. The small-area figures share an LA total out to
its LSOAs in proportion to each LSOA's Census 2021 count of residents aged 15 and under (the
youngest published band, which holds the people who are 16–17 a year or two later).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    LSOA11_CODE_RE,
    FrameCheck,
    ImportFileError,
    RowProblem,
    raise_if_problems,
    read_csv_checked,
)

NCCIS_FILE = "dfe-send-neet/nccis_neet_participation_16-17_kent_medway_se_england_2021-2023.csv"
EHCP_FILE = "dfe-send-neet/ehcp_2025_caseload_kent_medway_england.csv"
CENSUS_FILE = "census2021_lsoa21_age6_kent_medway.csv"
COHORTS_FILE = "cohorts.csv"

NCCIS_SOURCE = "DfE/NCCIS NEET and participation: local authority scorecard, 16–17 year olds"
EHCP_SOURCE = "DfE Education, health and care plans 2025: caseload by age"
ESTIMATE_SOURCE = "Project estimate: LA total shared by Census 2021 age band"
CENSUS_BAND = "Aged 15 years and under"
SHARE_METHOD = (
    "LA {what} ({year}) shared out by Census 2021 residents aged 15 and under per LSOA "
    "(changed LSOAs share their MSOA's count equally); sums to the LA total."
)
# ONS renamed Shepway to Folkestone and Hythe in 2018: LSOA names changed, codes did not.
RENAMED_DISTRICT_PREFIXES = {"Folkestone and Hythe": "Shepway"}

COHORT_COLUMNS = [
    "geography", "area_code", "la_code", "academic_year", "measure", "value", "source",
    "vintage", "is_estimate", "method",
]
LA_NUMBERS = {"886": "Kent", "887": "Medway"}

NCCIS_MEASURES = {
    "Cohort_DJFavg": "population_16_17",
    "NEET_percent": "neet_share",
    "Notknown_percent": "not_known_share",
    "cohort_EHCP_percent": "ehcp_share",
    "TOTAL_participating_in_education_and_training_percent": "participation_share",
}


def _nccis_year(calendar_year: str) -> str:
    """NCCIS reports the December–February average: calendar year 2023 is academic 2022/23."""
    start = int(calendar_year) - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _ehcp_year(time_period: str) -> str:
    """DfE writes academic years as 202425."""
    return f"{time_period[:4]}/{time_period[-2:]}"


def read_nccis(source: Path) -> pd.DataFrame:
    path = Path(source) / NCCIS_FILE
    frame, check = read_csv_checked(
        path, ["time_period", "geographic_level", "old_la_code", "Age", *NCCIS_MEASURES]
    )
    raise_if_problems(check)
    frame = frame[(frame["geographic_level"] == "Local authority")].copy()
    check = FrameCheck(frame, path)
    check.matches("old_la_code", LA_CODE_RE, what="a three-digit LA number")
    check.matches("time_period", r"^\d{4}$", what="a calendar year")
    check.unique("time_period", "old_la_code", "Age")
    raise_if_problems(check)
    rows = []
    for row in frame.itertuples():
        la_code = row.old_la_code
        if la_code not in LA_NUMBERS:
            continue
        for column, measure in NCCIS_MEASURES.items():
            value = getattr(row, column)
            if pd.isna(value) or value in ("", "z", "x", "c"):
                continue  # not published for this year: no record rather than a guess
            rows.append(
                {
                    "geography": "la",
                    "area_code": "",
                    "la_code": la_code,
                    "academic_year": _nccis_year(row.time_period),
                    "measure": measure,
                    "value": float(value),
                    "source": NCCIS_SOURCE,
                    "vintage": f"{row.time_period} (Dec–Feb average)",
                    "is_estimate": False,
                    "method": "",
                }
            )
    return pd.DataFrame(rows, columns=COHORT_COLUMNS)


def read_ehcp_by_age(source: Path) -> pd.DataFrame:
    path = Path(source) / EHCP_FILE
    frame, check = read_csv_checked(
        path, ["time_period", "geographic_level", "old_la_code", "breakdown_topic", "breakdown",
               "ehcplans"],
    )
    raise_if_problems(check)
    frame = frame[
        (frame["geographic_level"] == "Local authority")
        & (frame["breakdown_topic"] == "Child or young persons age")
        & frame["breakdown"].isin(["age 16", "age 17"])
        & frame["old_la_code"].isin(list(LA_NUMBERS))
    ].copy()
    check = FrameCheck(frame, path)
    check.matches("time_period", r"^\d{6}$", what="an academic year such as 202425")
    check.numeric("ehcplans", low=0)
    check.unique("time_period", "old_la_code", "breakdown")
    raise_if_problems(check)
    rows = []
    for row in frame.itertuples():
        measure = "ehcp_age_16" if row.breakdown == "age 16" else "ehcp_age_17"
        rows.append(
            {
                "geography": "la", "area_code": "", "la_code": row.old_la_code,
                "academic_year": _ehcp_year(row.time_period), "measure": measure,
                "value": float(row.ehcplans), "source": EHCP_SOURCE,
                "vintage": "June 2025 release (January census)", "is_estimate": False,
                "method": "",
            }
        )
    ages = pd.DataFrame(rows, columns=COHORT_COLUMNS)
    # The 16–17 total is the sum of the two published ages, not an estimate.
    pivot = ages.pivot_table(index=["la_code", "academic_year"], columns="measure", values="value")
    totals = [
        {
            "geography": "la", "area_code": "", "la_code": la_code, "academic_year": year,
            "measure": "ehcp_16_17", "value": float(values["ehcp_age_16"] + values["ehcp_age_17"]),
            "source": EHCP_SOURCE, "vintage": "June 2025 release (January census)",
            "is_estimate": False, "method": "Sum of the published age 16 and age 17 counts.",
        }
        for (la_code, year), values in pivot.iterrows()
        if not values.isna().any()
    ]
    return pd.concat([ages, pd.DataFrame(totals, columns=COHORT_COLUMNS)], ignore_index=True)


def _stem(name: str) -> str:
    """'Ashford 001F' → 'Ashford 001' (the MSOA the LSOA sits in), in 2011 district names."""
    stem = name.strip()[:-1]
    for new, old in RENAMED_DISTRICT_PREFIXES.items():
        if stem.startswith(new + " "):
            stem = old + stem[len(new):]
    return stem


def census_under16_by_lsoa11(source: Path, areas: pd.DataFrame) -> pd.Series:
    """Census 2021 residents aged 15 and under for each LSOA 2011 in `areas` (code, name).

    Codes unchanged in 2021 are taken as they are. The 2021 LSOAs that were split or merged are
    pooled by MSOA stem and the pool is shared equally between that stem's changed 2011 LSOAs.
    """
    path = Path(source) / CENSUS_FILE
    frame, check = read_csv_checked(
        path, ["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"]
    )
    raise_if_problems(check)
    frame = frame[frame["age_group"] == CENSUS_BAND].copy()
    check = FrameCheck(frame, path)
    check.matches("lsoa21_code", LSOA11_CODE_RE, what="an LSOA 2021 code")
    check.numeric("usual_residents", low=0)
    check.unique("lsoa21_code")
    raise_if_problems(check)
    frame["count"] = frame["usual_residents"].astype(float)

    by_code = frame.set_index("lsoa21_code")["count"]
    counts = areas["code"].map(by_code)
    unmatched_2011 = areas[counts.isna()].copy()
    unmatched_2011["stem"] = unmatched_2011["name"].map(_stem)
    changed_2021 = frame[~frame["lsoa21_code"].isin(areas["code"])].copy()
    changed_2021["stem"] = changed_2021["lsoa21_name"].map(_stem)
    pool = changed_2021.groupby("stem")["count"].sum()
    receivers = unmatched_2011.groupby("stem")["code"].count()
    problems = [
        RowProblem(CENSUS_FILE, None, "lsoa21_name", f"no 2011 LSOA in MSOA {stem} to receive "
                   f"the count of its changed 2021 LSOAs")
        for stem in pool.index
        if stem not in receivers.index and _stem_in(stem, areas)
    ] + [
        RowProblem(CENSUS_FILE, None, "lsoa21_name", f"no 2021 count for the changed LSOAs of "
                   f"MSOA {stem}")
        for stem in receivers.index
        if stem not in pool.index
    ]
    if problems:
        raise ImportFileError(problems)
    shares = unmatched_2011["stem"].map(pool / receivers)
    counts.loc[unmatched_2011.index] = shares
    return counts


def _stem_in(stem: str, areas: pd.DataFrame) -> bool:
    return bool(areas["name"].map(_stem).eq(stem).any())


def share_out(total: float, weights: pd.Series, decimals: int = 2) -> pd.Series:
    """Split `total` in proportion to `weights`, rounded so that the parts add up exactly
    (largest remainder at the given number of decimals)."""
    scale = 10**decimals
    units = round(total * scale)
    exact = weights / weights.sum() * units
    floor = np.floor(exact).astype(int)
    remainder = units - int(floor.sum())
    order = (exact - floor).sort_values(ascending=False).index[:remainder]
    floor.loc[order] += 1
    return floor / scale


def small_area_estimates(
    areas: pd.DataFrame, weights: pd.Series, la_figures: pd.DataFrame, la_of_district: dict
) -> pd.DataFrame:
    """16–17 year olds and 16–17 year olds with an EHCP per LSOA, for the latest year of each."""
    rows = []
    areas = areas.assign(la_code=areas["district_code"].map(la_of_district), weight=weights)
    specs = [
        ("population_16_17", "16–17 cohort (NCCIS)"),
        ("ehcp_16_17", "EHCPs at ages 16 and 17 (DfE caseload)"),
    ]
    for la_code, la_areas in areas.groupby("la_code"):
        for measure, what in specs:
            published = la_figures[
                (la_figures["la_code"] == la_code) & (la_figures["measure"] == measure)
            ]
            if published.empty:
                continue
            latest = published.sort_values("academic_year").iloc[-1]
            parts = share_out(latest["value"], la_areas["weight"])
            method = SHARE_METHOD.format(what=what, year=latest["academic_year"])
            for code, value in zip(la_areas["code"], parts, strict=True):
                rows.append(
                    {
                        "geography": "area", "area_code": code, "la_code": "",
                        "academic_year": latest["academic_year"], "measure": measure,
                        "value": float(value), "source": ESTIMATE_SOURCE,
                        "vintage": f"{latest['vintage']}; Census 2021", "is_estimate": True,
                        "method": method,
                    }
                )
    return pd.DataFrame(rows, columns=COHORT_COLUMNS)


def build_cohorts(source: Path, areas: pd.DataFrame, la_of_district: dict) -> pd.DataFrame:
    la_figures = pd.concat([read_nccis(source), read_ehcp_by_age(source)], ignore_index=True)
    weights = census_under16_by_lsoa11(source, areas[["code", "name"]])
    estimates = small_area_estimates(areas, weights, la_figures, la_of_district)
    return pd.concat([la_figures, estimates], ignore_index=True)


def write_cohorts(frame: pd.DataFrame, out_dir: Path) -> Path:
    path = Path(out_dir) / COHORTS_FILE
    frame.to_csv(path, index=False)
    return path
