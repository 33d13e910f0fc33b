"""Kent and Medway postcodes: OS Code-Point Open grid references joined to the ONS LSOA lookup."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    LSOA11_CODE_RE,
    POSTCODE_RE,
    raise_if_problems,
    read_csv_checked,
)
from areas.validators import normalise_postcode

CODEPOINT_FILE = "postcodes/kent_medway_codepoint_open_2025-05.csv"
ONS_LOOKUP_FILE = "postcodes/kent_medway_pcd_oa11_lsoa11_msoa11_lad_may22.csv"
POSTCODES_FILE = "postcodes.csv"
POSTCODE_COLUMNS = ["postcode", "easting", "northing", "lsoa11", "district"]
# Code-Point gives 90 to postcodes it could not place; their grid reference is not a location.
NO_COORDINATES_QUALITY = "90"


def build_postcodes(source: Path, district_codes) -> pd.DataFrame:
    source = Path(source)
    codepoint, check = read_csv_checked(
        source / CODEPOINT_FILE,
        ["Postcode", "Positional_quality_indicator", "Eastings", "Northings",
         "Admin_district_code"],
    )
    raise_if_problems(check)
    codepoint = codepoint[
        (codepoint["Positional_quality_indicator"] != NO_COORDINATES_QUALITY)
        & codepoint["Admin_district_code"].isin(list(district_codes))
    ].copy()
    codepoint["postcode"] = codepoint["Postcode"].map(normalise_postcode)
    check.frame = codepoint
    check.matches("postcode", POSTCODE_RE, what="a postcode such as CT1 1QU")
    check.easting_northing("Eastings", "Northings")
    check.unique("postcode")
    raise_if_problems(check)

    lookup = read_ons_lookup(source)
    merged = codepoint.merge(lookup[["postcode", "lsoa11cd"]], on="postcode", how="left")
    return pd.DataFrame(
        {
            "postcode": merged["postcode"],
            "easting": merged["Eastings"].astype(int),
            "northing": merged["Northings"].astype(int),
            "lsoa11": merged["lsoa11cd"].fillna(""),
            "district": merged["Admin_district_code"],
        }
    ).sort_values("postcode").reset_index(drop=True)


def write_postcodes(frame: pd.DataFrame, out_dir: Path) -> Path:
    path = Path(out_dir) / POSTCODES_FILE
    frame.to_csv(path, index=False)
    return path


def read_ons_lookup(source: Path) -> pd.DataFrame:
    """ONS postcode → LSOA 2011, live and terminated postcodes (one row per postcode:
    postcode, doterm, lsoa11cd)."""
    lookup, lookup_check = read_csv_checked(
        Path(source) / ONS_LOOKUP_FILE, ["pcds", "doterm", "lsoa11cd"]
    )
    raise_if_problems(lookup_check)
    lookup["postcode"] = lookup["pcds"].map(normalise_postcode)
    # Prefer the live record where a postcode was terminated and reissued.
    lookup = lookup.sort_values("doterm", na_position="first").drop_duplicates("postcode")
    lookup_check.frame = lookup
    lookup_check.matches("lsoa11cd", LSOA11_CODE_RE, allow_blank=True, what="an LSOA 2011 code")
    raise_if_problems(lookup_check)
    return lookup[["postcode", "doterm", "lsoa11cd"]]


def small_area_of_postcode(lookup: pd.DataFrame) -> dict[str, str]:
    """Postcode → LSOA 2011 for every postcode the ONS lookup places (withdrawn ones too): the
    fallback place of an institution whose postcode Code-Point no longer lists."""
    placed = lookup[lookup["lsoa11cd"].notna() & (lookup["lsoa11cd"] != "")]
    return dict(zip(placed["postcode"], placed["lsoa11cd"], strict=True))
