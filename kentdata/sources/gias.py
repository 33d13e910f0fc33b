"""Get Information About Schools (May 2025): open establishments in Kent, Medway and the
neighbouring LAs, and the links file (predecessor / successor)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LA_CODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)

GIAS_FILE = "gias-2025-05/gias_open_20250524_kent_medway.csv"

GIAS_NEIGHBOURS_FILE = (
    "gias-2025-05/gias_open_20250524_neighbour_las_bexley_bromley_esussex_surrey_thurrock.csv"
)

LINKS_FILE = "gias-2025-05/gias_links_20250422_kent_medway_related.csv"

GIAS_COLUMNS = [
    "urn", "la_code", "establishment_name", "establishment_type", "establishment_type_group",
    "education_phase", "easting", "northing", "longitude", "latitude",
]

LINK_COLUMNS = ["URN", "LinkURN", "LinkName", "LinkType"]


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

