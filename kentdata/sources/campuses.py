"""FE college campuses in Kent and Medway, from public facts (kentdata/sources/college_campuses.csv:
each campus with its postcode, the years it belonged to the college, the closed college it came
from, and the page that says so).

A college's published figures are for the college as a whole (the registered address). Each
campus becomes a Site placed at its postcode (OS Code-Point Open); a college record at its main
site is also made available at its other campuses that year, labelled "derived: shared across
campuses", with learners unknown there (the published count stays once, at the main site, so no
total is counted twice).

Where no stored source gives a campus's own postcode, `located_by` says how it is placed instead,
and the site is labelled so (Site.location_basis), never presented as the campus's address:
- "street": `postcode` is another published postcode on the campus's street (approximate);
- "sector": `postcode` is a postcode sector ("ME12 1") and the campus is placed at the centre of
  its postcodes (approximate: the cited page names the street and town, not the postcode).
A campus with no `postcode` at all is listed, not placed.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from areas.importers.geometry import easting_northing_to_lon_lat
from areas.importers.validation import (
    ACADEMIC_YEAR_RE,
    POSTCODE_RE,
    URN_RE,
    raise_if_problems,
    read_csv_checked,
)

CAMPUSES_FILE = Path(__file__).with_name("college_campuses.csv")
CAMPUS_COLUMNS = [
    "college_urn", "college_ukprn", "college_name", "campus", "postcode", "first_year",
    "last_year", "predecessor_urn", "source_url", "evidence", "located_by",
]
# located_by → Site.location_basis, and the words the site's source gives for it.
LOCATED_BY = {
    "postcode": ("address", "located by its postcode with OS Code-Point Open"),
    "street": ("street", "approximate: at another postcode on its street"),
    "sector": ("sector", "approximate: at the centre of its postcode sector"),
}
POSTCODE_SECTOR_RE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]$"
SAME_PLACE_M = 300  # an existing site this close is the campus (as in kentdata.offer)
SHARED = "derived: shared across campuses"


def read_campuses(path: Path = CAMPUSES_FILE) -> pd.DataFrame:
    frame, check = read_csv_checked(path, CAMPUS_COLUMNS)
    raise_if_problems(check)
    check.matches("college_urn", URN_RE, what="a six-digit URN")
    check.matches("college_ukprn", r"^\d{8}$", what="an eight-digit UKPRN")
    check.required("college_name", "campus", "source_url", "evidence")
    check.one_of("located_by", tuple(LOCATED_BY))
    raise_if_problems(check)
    sectors = frame["located_by"] == "sector"
    check.matches("postcode", POSTCODE_RE, allow_blank=True, what="a postcode such as CT1 1QU",
                  rows=~sectors)
    check.matches("postcode", POSTCODE_SECTOR_RE, what="a postcode sector such as ME12 1",
                  rows=sectors)
    check.matches("first_year", ACADEMIC_YEAR_RE, what="an academic year such as 2020/21")
    check.matches("last_year", ACADEMIC_YEAR_RE, allow_blank=True, what="an academic year")
    check.matches("predecessor_urn", URN_RE, allow_blank=True, what="a six-digit URN")
    check.matches("source_url", r"^https?://", what="the address of the page cited")
    check.unique("college_urn", "campus")
    raise_if_problems(check)
    return frame.fillna("")


def placed(campuses: pd.DataFrame) -> pd.DataFrame:
    return campuses[campuses["postcode"] != ""]


def unplaced(campuses: pd.DataFrame) -> pd.DataFrame:
    return campuses[campuses["postcode"] == ""]


def in_year(campus, year: str) -> bool:
    return campus.first_year <= year and (not campus.last_year or year <= campus.last_year)


def sector_centre(
    sector: str, postcode_at: dict[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """The mean easting/northing of the postcodes in `sector` ("ME12 1"), None if it has none."""
    points = [point for postcode, point in postcode_at.items()
              if postcode.rsplit(" ", 1)[0] + " " + postcode.rsplit(" ", 1)[-1][:1] == sector]
    if not points:
        return None
    # Whole metres: the sector centre is approximate anyway, and the extract stays tidy.
    return (float(round(sum(e for e, _ in points) / len(points))),
            float(round(sum(n for _, n in points) / len(points))))


def campus_point(campus, postcode_at: dict[str, tuple[float, float]]):
    """(easting, northing) of a placed campus by its `located_by`, None if it cannot be found."""
    if campus.located_by == "sector":
        return sector_centre(campus.postcode, postcode_at)
    return postcode_at.get(campus.postcode)


def campus_sites(
    campuses: pd.DataFrame, sites: pd.DataFrame, postcode_at: dict[str, tuple[float, float]],
    area_code_at,
) -> tuple[list[dict], dict[tuple[str, str], str], list[str]]:
    """New site rows (kentdata.records.SITE_COLUMNS) for the placed campuses, the site name of
    every placed campus ((college URN, campus) → site name; an existing site of the college within
    SAME_PLACE_M is reused), and notes.

    postcode_at: postcode → (easting, northing); area_code_at(lon, lat) → LSOA code or "".
    """
    rows, names, notes = [], {}, []
    by_provider = dict(list(sites.groupby("provider_urn")))
    for campus in placed(campuses).itertuples():
        point = campus_point(campus, postcode_at)
        if point is None:
            notes.append(f"{campus.college_name} {campus.campus}: postcode {campus.postcode} "
                         "not in Code-Point Open (not placed)")
            continue
        existing = by_provider.get(campus.college_urn, pd.DataFrame(columns=sites.columns))
        near = [
            s.name for s in existing.itertuples()
            if math.hypot(float(s.easting) - point[0], float(s.northing) - point[1])
            <= SAME_PLACE_M
        ]
        if near:
            names[(campus.college_urn, campus.campus)] = near[0]
            continue
        lon, lat = easting_northing_to_lon_lat(*point)
        name = f"{campus.college_name}: {campus.campus}"
        basis, how = LOCATED_BY[campus.located_by]
        rows.append(
            {
                "provider_urn": campus.college_urn, "name": name,
                # A street neighbour's postcode or a sector is not the campus's postcode.
                "postcode": campus.postcode if basis == "address" else "",
                "latitude": round(float(lat), 6), "longitude": round(float(lon), 6),
                "easting": float(point[0]), "northing": float(point[1]),
                "area_code": area_code_at(float(lon), float(lat)), "is_main": False,
                "location_basis": basis,
                "source": f"College campus ({campus.source_url}), {how}",
            }
        )
        names[(campus.college_urn, campus.campus)] = name
    for campus in unplaced(campuses).itertuples():
        notes.append(f"{campus.college_name} {campus.campus}: postcode not found in any stored "
                     "source (not placed)")
    return rows, names, notes


def share_across_campuses(
    courses: pd.DataFrame, campuses: pd.DataFrame, campus_site: dict[tuple[str, str], str],
    main_site: dict[str, str],
) -> pd.DataFrame:
    """Derived copies (kentdata.records.COURSE_COLUMNS) of each college course recorded at its main
    site, one at every other placed campus the college held that year."""
    copies = []
    placed_campuses = placed(campuses)
    for course in courses.itertuples():
        urn = str(course.provider_urn)
        if urn not in set(placed_campuses["college_urn"]) or course.site_name != main_site.get(urn):
            continue
        for campus in placed_campuses[placed_campuses["college_urn"] == urn].itertuples():
            site = campus_site.get((urn, campus.campus))
            if site is None or site == course.site_name or not in_year(campus,
                                                                      course.academic_year):
                continue
            copy = course._asdict()
            copy.pop("Index")
            copy.update(
                site_name=site, learners=None, record_label="derived",
                source=f"{course.source} — {SHARED} (the source gives the college as a whole)",
            )
            copies.append(copy)
    return pd.DataFrame(copies, columns=courses.columns)


def successor_campuses(campuses: pd.DataFrame) -> dict[str, list[tuple[str, str, str]]]:
    """Closed college URN → [(successor URN, campus, first year)] for the campuses it passed on."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for campus in campuses[campuses["predecessor_urn"] != ""].itertuples():
        out.setdefault(campus.predecessor_urn, []).append(
            (campus.college_urn, campus.campus, campus.first_year)
        )
    return out
