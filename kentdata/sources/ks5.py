"""DfE 16–18 performance tables (KS5 final): students per qualification family per institution.

Six years have tables: 2015/16 and 2016/17 (one file each), 2021/22, 2022/23 and 2023/24 (all
columns), and 2018/19 from the 2021/22 file's history columns (`*_19`; so only for institutions
still open in 2021/22). The families are read under the 2016/17 column names whatever the year
calls them (2021/22 onwards: TALLPUP_ANYL2VOC for Level 2 vocational). `learners` is the number of
students at the end of 16–18 study who took the family, not everyone enrolled.

The 2018/19 South East file (institutions in postcode areas ME, CT, TN, DA, BR5–8 with a location,
a grammar flag and A Level results) has no counts of students: an institution with A Level
results there ran A Levels in 2018/19, with the number of students not published in that file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)
from providers.coverage import YEARS_WITHOUT_PERFORMANCE_TABLES

SOURCE_KEY = "ks5"
SE_2018_19_SOURCE_KEY = "ks5_2018_19_se"
LEARNERS_MEASURE = "students completing 16–18 study"

KS5_FILES = {
    "2015/16": "dfe-performance-tables/kent_medway_england_ks5final_2015-16.csv",
    "2016/17": "dfe-performance-tables/kent_medway_england_ks5final_2016-17.csv",
    "2021/22": "dfe-performance-tables/ks5final_2021-22_kent_medway_all_columns.csv",
    "2022/23": "dfe-performance-tables/ks5final_2022-23_kent_medway_all_columns.csv",
    "2023/24": "dfe-performance-tables/ks5final_2023-24_kent_medway_all_columns.csv",
}
HISTORY_YEAR = "2018/19"
HISTORY_FILE_YEAR = "2021/22"  # the file whose `*_19` columns hold 2018/19
TABLE_YEARS = ("2015/16", "2016/17", "2018/19", "2021/22", "2022/23", "2023/24")
# Years in the span with no table, and why (shown on the year select and the About page).
YEARS_WITHOUT_TABLES = YEARS_WITHOUT_PERFORMANCE_TABLES

KS5_2018_19_FILE = "dfe-performance-tables/se_postcodes_ks5_2018-19_with_latlong.csv"
KS5_COLUMNS = ["RECTYPE", "LEA", "URN", "SCHNAME", "PCODE", "NFTYPE/FESITYPE", "ADMPOL"]
KS5_2018_19_COLUMNS = ["URN", "SCHNAME", "PCODE", "GRAMMAR", "SCHTYPE", "TALLPPE_ALEV_1618"]

# Qualification families under their 2016/17 names: column → (type, level, title).
KS5_FAMILIES = {
    "TALLPUP_ALEV_1618": ("a_level", "3", "A Levels"),
    "TALLPUP_AGEN": ("applied_general", "3", "Applied general qualifications"),
    "TALLPUP_TLEV": ("tech_level", "3", "Tech levels"),
    "TALLPUP_TechCert": ("technical_certificate", "2", "Technical certificates"),
    "TALLPUP_L2VOC": ("l2_vocational", "2", "Level 2 vocational qualifications"),
}
# Students of academic qualifications (A Levels, AS, IB, Pre-U...). Where an institution has A
# Level students this mostly counts the same students again, so it makes an offer of its own only
# where A Levels are "NE": those students take academic qualifications other than A Level.
ACADEMIC_COLUMN = "TALLPUP_ACAD_1618"
OTHER_ACADEMIC = ("other_academic", "3", "Academic qualifications other than A Level (e.g. IB)")
STUDENTS_COLUMN = "TPUP1618"  # number of 16–18 students at the institution (headcount)

_RECENT = {
    "TALLPUP_ALEV_1618": "TALLPUP_ALEV_1618", "TALLPUP_ACAD_1618": "TALLPUP_ACAD_1618",
    "TALLPUP_AGEN": "TALLPUP_AGEN", "TALLPUP_TLEV": "TALLPUP_TLEV",
    "TALLPUP_TechCert": "TALLPUP_TechCert", "TALLPUP_L2VOC": "TALLPUP_ANYL2VOC",
    "TPUP1618": "TPUP1618",
}
# For each year: our column name → the column the year's file publishes it under.
PUBLISHED_COLUMNS = {
    "2015/16": {c: c for c in ("TALLPUP_ALEV_1618", "TALLPUP_ACAD_1618", "TALLPUP_AGEN",
                               "TALLPUP_TLEV", "TPUP1618")},
    "2016/17": {c: c for c in ("TALLPUP_ALEV_1618", "TALLPUP_ACAD_1618", "TALLPUP_AGEN",
                               "TALLPUP_TLEV", "TALLPUP_TechCert", "TALLPUP_L2VOC",
                               "TPUP1618")},
    "2018/19": {
        "TALLPUP_ALEV_1618": "TALLPUP_ALEV_1618_19", "TALLPUP_ACAD_1618": "TALLPUP_ACAD_1618_19",
        "TALLPUP_AGEN": "TALLPUP_AGEN_19", "TALLPUP_TLEV": "TALLPUP_TLEV_19",
        "TALLPUP_TechCert": "TALLPUP_TECHCERT_19",
    },
    "2021/22": _RECENT, "2022/23": _RECENT, "2023/24": _RECENT,
}
COUNT_PATTERN = r"^(\d+|NE|SUPP|NP|NA|NEW)$"


def file_of(year: str) -> str:
    return KS5_FILES[HISTORY_FILE_YEAR if year == HISTORY_YEAR else year]


def published_column(year: str, column: str) -> str:
    """The column of the year's file that holds our `column` (for source citations)."""
    return PUBLISHED_COLUMNS[year][column]


def read_ks5(source: Path, year: str) -> pd.DataFrame:
    """Institution rows (RECTYPE 1) of the year's table, family columns under our names."""
    path = Path(source) / file_of(year)
    published = PUBLISHED_COLUMNS[year]
    frame, check = read_csv_checked(path, [*KS5_COLUMNS, *published.values()])
    raise_if_problems(check)
    frame = frame[frame["RECTYPE"] == "1"].copy()
    check.frame = frame
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.matches("LEA", LA_CODE_RE, what="a three-digit LA number")
    check.required("SCHNAME")
    for column in published.values():
        # "NEW" marks an institution too new to have a figure.
        check.matches(column, COUNT_PATTERN, allow_blank=True,
                      what='a count of students, "NE", "SUPP" or "NEW"')
    check.unique("URN")
    raise_if_problems(check)
    # Keep only the year's columns: the history year's file also has this year's under our names.
    frame = frame[["_line", *KS5_COLUMNS, *published.values()]]
    frame = frame.rename(columns={v: k for k, v in published.items()})
    if STUDENTS_COLUMN not in frame:
        frame[STUDENTS_COLUMN] = pd.NA  # no headcount in the history columns
    return frame


def read_ks5_2018_19(path: Path) -> pd.DataFrame:
    """The 2018/19 South East file: one row per institution."""
    frame, check = read_csv_checked(path, KS5_2018_19_COLUMNS)
    raise_if_problems(check)
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.one_of("GRAMMAR", ["Yes", "No"], allow_blank=True)
    check.matches("TALLPPE_ALEV_1618", r"^(\d+(\.\d+)?|NE|SUPP|NP|NA)$", allow_blank=True,
                  what='an average point score, "NE" or "SUPP"')
    check.unique("URN")
    raise_if_problems(check)
    return frame


def learners(value) -> tuple[bool, int | None, str]:
    """(offered, learners, as published) for a count: NE, NEW or blank → not offered; SUPP → an
    offer with unknown learners."""
    if value is None or pd.isna(value):
        return False, None, ""
    value = str(value).strip()
    if value == "SUPP":
        return True, None, "SUPP"
    if value.isdigit():
        return int(value) > 0, int(value), ""
    return False, None, ""


def families(year: str, row: dict) -> list[tuple[str, tuple[str, str, str]]]:
    """(column, (qualification type, level, title)) of each family to read from a row: the
    year's published families, plus other academic qualifications where A Levels are NE."""
    published = PUBLISHED_COLUMNS[year]
    found = [(column, KS5_FAMILIES[column]) for column in KS5_FAMILIES if column in published]
    if str(row.get("TALLPUP_ALEV_1618") or "").strip() == "NE":
        found.append((ACADEMIC_COLUMN, OTHER_ACADEMIC))
    return found


def family_offers(year: str, row: dict) -> list[dict]:
    """The offers one institution's row makes: one per family with students (or suppressed)."""
    offers = []
    for column, (qualification_type, level, title) in families(year, row):
        offered, count, shown = learners(row.get(column))
        if offered:
            offers.append({
                "qualification_type": qualification_type, "level": level, "title": title,
                "learners": count, "learners_published": shown, "column": column,
            })
    return offers


def ran_a_levels_2018_19(row: dict) -> bool:
    """Whether the South East file shows A Level results (a score, or suppressed)."""
    value = str(row.get("TALLPPE_ALEV_1618") or "").strip()
    return value == "SUPP" or value.replace(".", "", 1).isdigit()
