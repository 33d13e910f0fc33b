"""DfE 16–18 performance tables (KS5 final): students per qualification family per institution."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)

KS5_FILES = {
    "2015/16": "dfe-performance-tables/kent_medway_england_ks5final_2015-16.csv",
    "2016/17": "dfe-performance-tables/kent_medway_england_ks5final_2016-17.csv",
}

KS5_2018_19_FILE = "dfe-performance-tables/se_postcodes_ks5_2018-19_with_latlong.csv"

KS5_COLUMNS = [
    "RECTYPE", "LEA", "URN", "SCHNAME", "PCODE", "NFTYPE/FESITYPE", "ADMPOL", "TPUP1618",
]

KS5_2018_19_COLUMNS = ["URN", "SCHNAME", "PCODE", "GRAMMAR", "SCHTYPE"]


def read_ks5(path: Path, family_columns) -> pd.DataFrame:
    """Institution rows (RECTYPE 1) of a 16–18 performance table."""
    frame, check = read_csv_checked(path, [*KS5_COLUMNS, *family_columns])
    raise_if_problems(check)
    frame = frame[frame["RECTYPE"] == "1"].copy()
    check.frame = frame
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.matches("LEA", LA_CODE_RE, what="a three-digit LA number")
    check.required("SCHNAME")
    for column in family_columns:
        check.matches(
            column, r"^(\d+|NE|SUPP|NP|NA)$", allow_blank=True,
            what='a count of students, "NE" or "SUPP"',
        )
    # Number of 16–18 students; "NEW" marks an institution too new to have a figure.
    check.matches(
        "TPUP1618", r"^(\d+|NE|SUPP|NEW|NP|NA)$", allow_blank=True,
        what='a count of students, "NE", "SUPP" or "NEW"',
    )
    check.unique("URN")
    raise_if_problems(check)
    return frame



def read_ks5_2018_19(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, KS5_2018_19_COLUMNS)
    raise_if_problems(check)
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.one_of("GRAMMAR", ["Yes", "No"], allow_blank=True)
    check.unique("URN")
    raise_if_problems(check)
    return frame

