"""DfE school spine 2017/18: postcode, post-16 flag, age range and admissions policy per URN."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)

SPINE_FILE = "dfe-performance-tables/kent_medway_england_spine_2017-18.csv"

SPINE_COLUMNS = [
    "URN", "LA", "SCHNAME", "POSTCODE", "ICLOSE", "OPENDATE", "CLOSEDATE", "MINORGROUP",
    "NFTYPE", "ISPOST16", "AGEL", "AGEH", "ADMPOL",
]


def read_spine(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, SPINE_COLUMNS)
    raise_if_problems(check)
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.matches("LA", LA_CODE_RE, what="a three-digit LA number")
    check.one_of("ISPOST16", ["0", "1"])
    check.numeric("AGEL", allow_blank=True, low=0, high=99)
    check.numeric("AGEH", allow_blank=True, low=0, high=99)
    check.unique("URN")
    raise_if_problems(check)
    return frame

