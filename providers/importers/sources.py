"""Readers for the public provider files, each checking its header and rows before use."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    URN_RE,
    FrameCheck,
    raise_if_problems,
    read_csv_checked,
)

GIAS_FILE = "gias-2025-05/gias_open_20250524_kent_medway.csv"
GIAS_NEIGHBOURS_FILE = (
    "gias-2025-05/gias_open_20250524_neighbour_las_bexley_bromley_esussex_surrey_thurrock.csv"
)
LINKS_FILE = "gias-2025-05/gias_links_20250422_kent_medway_related.csv"
SPINE_FILE = "dfe-performance-tables/kent_medway_england_spine_2017-18.csv"
KS5_FILES = {
    "2015/16": "dfe-performance-tables/kent_medway_england_ks5final_2015-16.csv",
    "2016/17": "dfe-performance-tables/kent_medway_england_ks5final_2016-17.csv",
}
KS5_2018_19_FILE = "dfe-performance-tables/se_postcodes_ks5_2018-19_with_latlong.csv"
TLEVEL_PROVIDERS_FILE = "tlevel-providers-2021/providers.json"
TLEVEL_QUALIFICATIONS_FILE = "tlevel-providers-2021/qualifications.json"

GIAS_COLUMNS = [
    "urn", "la_code", "establishment_name", "establishment_type", "establishment_type_group",
    "education_phase", "easting", "northing", "longitude", "latitude",
]
LINK_COLUMNS = ["URN", "LinkURN", "LinkName", "LinkType"]
SPINE_COLUMNS = [
    "URN", "LA", "SCHNAME", "POSTCODE", "ICLOSE", "OPENDATE", "CLOSEDATE", "MINORGROUP",
    "NFTYPE", "ISPOST16", "AGEL", "AGEH", "ADMPOL",
]
KS5_COLUMNS = [
    "RECTYPE", "LEA", "URN", "SCHNAME", "PCODE", "NFTYPE/FESITYPE", "ADMPOL", "TPUP1618",
]
KS5_2018_19_COLUMNS = ["URN", "SCHNAME", "PCODE", "GRAMMAR", "SCHTYPE"]


def read_gias(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, GIAS_COLUMNS)
    raise_if_problems(check)
    # GIAS writes 0,0 for an establishment it has not placed: no location, not a bad row.
    unplaced = (frame["easting"].isin(["0", "0.0"])) & (frame["northing"].isin(["0", "0.0"]))
    frame.loc[unplaced, ["easting", "northing", "latitude", "longitude"]] = pd.NA
    check.matches("urn", URN_RE, what="a six-digit URN")
    check.matches("la_code", LA_CODE_RE, what="a three-digit LA number")
    check.required("establishment_name", "establishment_type")
    check.easting_northing("easting", "northing", allow_blank=True)
    check.lat_lon("latitude", "longitude", allow_blank=True)
    check.unique("urn")
    raise_if_problems(check)
    for column in ("easting", "northing", "latitude", "longitude"):
        frame[column] = frame[column].astype(float)
    return frame


def read_links(path: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(path, LINK_COLUMNS)
    raise_if_problems(check)
    check.matches("URN", URN_RE, what="a six-digit URN")
    check.matches("LinkURN", URN_RE, what="a six-digit URN")
    check.required("LinkType")
    check.unique("URN", "LinkURN", "LinkType")
    raise_if_problems(check)
    return frame


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


def read_tlevels(providers_path: Path, qualifications_path: Path) -> tuple[pd.DataFrame, dict]:
    """One row per provider location × delivery year × T Level, with the T Level names."""
    with open(qualifications_path, encoding="utf-8") as handle:
        names = {int(k): v for k, v in json.load(handle)["qualifications"].items()}
    with open(providers_path, encoding="utf-8") as handle:
        providers = json.load(handle)["providers"]
    rows = []
    for number, provider in enumerate(providers, start=1):
        for location in provider.get("locations", []):
            for delivery in location.get("deliveryYears", []):
                for qualification in delivery.get("qualifications", []):
                    rows.append(
                        {
                            "_line": number,
                            "ukprn": provider.get("ukPrn"),
                            "provider_name": provider.get("name") or "",
                            "location_name": location.get("name") or "",
                            "postcode": location.get("postcode") or "",
                            "latitude": location.get("latitude"),
                            "longitude": location.get("longitude"),
                            "year": delivery.get("year"),
                            "qualification": qualification,
                        }
                    )
    frame = pd.DataFrame(rows)
    check = FrameCheck(frame, providers_path.name, line_label="provider")
    check.numeric("ukprn", low=10_000_000, high=99_999_999)
    check.numeric("year", low=2020, high=2030)
    check.numeric("latitude", low=49, high=61)
    check.numeric("longitude", low=-9, high=2)
    check.references("qualification", [str(k) for k in names], "T Level id")
    raise_if_problems(check)
    frame["qualification"] = frame["qualification"].astype(int)
    return frame, names
