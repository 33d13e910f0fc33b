"""FE outcomes by provider (DfE feo_providers_public_dashboard, 2018/19–2022/23): leavers of
education and training per provider and level of learning, all ages.

Each provider, year and level group with leavers makes one record of type "FE education and
training (all ages)": Level 3, Level 2, and below Level 2 (Entry / Level 1), essential skills
left out of both (functional English, maths, ESOL and digital are not a programme). The source
rounds to 10 and suppresses small numbers ("c"): a "c" is an offer with learners unknown. Age is
split only at provider level, so these records are for all ages and say so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import raise_if_problems, read_csv_checked

FE_OUTCOMES_FILE = (
    "fe-outcomes/feo_learners_by_provider_level_age_km_providers_2018-19_to_2022-23.csv"
)
FE_OUTCOMES_COLUMNS = [
    "time_period", "provider_ukprn", "provider_name", "provision", "level_of_learning_group",
    "level_of_learning", "age_youth_adult", "number_of_learners",
]
EDUCATION_AND_TRAINING = "Education & Training"
# level_of_learning_group → (level, title)
LEVEL_GROUPS = {
    "Level 3": ("3", "FE education and training at Level 3 (all ages)"),
    "Level 2 (excluding Essential Skills)": (
        "2", "FE education and training at Level 2 (all ages)"
    ),
    "Below Level 2 (excluding Essential Skills)": (
        "1", "FE education and training below Level 2: Entry / Level 1 (all ages)"
    ),
}
QUALIFICATION_TYPE = "fe_education_training"
SOURCE = ("DfE FE outcomes by provider {year}, UKPRN {ukprn}: education and training leavers, "
          "{group}, all ages (rounded to 10)")


def read_fe_outcomes(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, FE_OUTCOMES_COLUMNS)
    raise_if_problems(check)
    check.matches("time_period", r"^\d{4}/\d{2}$", what="an academic year such as 2021/22")
    check.matches("provider_ukprn", r"^\d{8}$", what="an eight-digit UKPRN")
    check.matches("number_of_learners", r"^(c|\d+(\.0)?)$",
                  what="a whole number or 'c' (suppressed)")
    raise_if_problems(check)
    return frame


def level_records(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per provider, year and level group with leavers: provider_ukprn, provider_name,
    academic_year, level, title, group, learners (None where suppressed)."""
    totals = rows[
        (rows["provision"] == EDUCATION_AND_TRAINING)
        & (rows["level_of_learning"] == "Total")
        & (rows["age_youth_adult"] == "Total")
        & rows["level_of_learning_group"].isin(LEVEL_GROUPS)
    ]
    records = []
    for row in totals.itertuples():
        value = row.number_of_learners
        learners = None if value == "c" else int(float(value))
        if learners == 0:
            continue
        level, title = LEVEL_GROUPS[row.level_of_learning_group]
        records.append(
            {
                "provider_ukprn": row.provider_ukprn, "provider_name": row.provider_name,
                "academic_year": row.time_period, "level": level, "title": title,
                "group": row.level_of_learning_group, "learners": learners,
            }
        )
    frame = pd.DataFrame(
        records,
        columns=["provider_ukprn", "provider_name", "academic_year", "level", "title", "group",
                 "learners"],
    )
    return frame.sort_values(["provider_ukprn", "academic_year", "level"]).reset_index(drop=True)


def fe_offers(
    records: pd.DataFrame, provider_for_ukprn: dict[str, tuple[str, str, str]]
) -> list[dict]:
    """Course rows (kentdata.records.COURSE_COLUMNS plus provider_ukprn) for the providers in
    the extract. provider_for_ukprn: UKPRN → (provider URN or "", UKPRN, site name or "" when
    the provider has no site, e.g. an ITP known only by its districts)."""
    rows = []
    for row in records.itertuples():
        target = provider_for_ukprn.get(row.provider_ukprn)
        if target is None:
            continue
        urn, ukprn, site = target
        rows.append(
            {
                "provider_urn": urn, "provider_ukprn": ukprn, "site_name": site,
                "academic_year": row.academic_year, "title": row.title, "level": row.level,
                "qualification_type": QUALIFICATION_TYPE, "subject": "", "tlevel_route": "",
                "learners": row.learners, "ehcp_required": False,
                "source": SOURCE.format(year=row.academic_year, ukprn=row.provider_ukprn,
                                        group=row.group),
                "record_label": "published",
            }
        )
    return rows
