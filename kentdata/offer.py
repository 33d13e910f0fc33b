"""From the public provider files to the fixture's providers, sites and courses.

Rules (each documented in fixtures/README.md):
- A provider is an establishment open in GIAS (May 2025). Older records (school spine 2017/18,
  performance tables 2015/16 and 2016/17) are carried to today's establishment by following the
  GIAS links file from predecessor to successor; a split goes to the successor nearest the old
  school's postcode. A performance-table institution with no open successor is kept as a
  closed provider, placed at its published postcode.
- Post-16 provision is evidenced by a GIAS type that is post-16 by definition, a spine record
  with ISPOST16 or an age range reaching 18, or a performance-table record.
- Courses: one offer per institution, qualification family and year from the performance tables
  ("NE" makes no record, "SUPP" an offer with unknown learners); T Levels from the ESFA register;
  a derived "SEND post-16 programme" for special schools and specialist post-16 institutions.
  Academic students without A Levels (e.g. the IB) make an "other academic" Level 3 offer.
- Enrolments: the number of 16–18 students (TPUP1618) per institution and year, attached to
  today's provider like its courses; merged records in one year are added up.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from areas.importers.geometry import easting_northing_to_lon_lat, lon_lat_to_easting_northing
from areas.validators import normalise_postcode
from kentdata.records import COURSE_COLUMNS, ENROLMENT_COLUMNS, PROVIDER_COLUMNS, SITE_COLUMNS
from kentdata.sources import allocations, gias, ks5, spine, tlevels_2021

KENT = "886"
MEDWAY = "887"

# GIAS establishment types, grouped by what they mean for post-16 supply.
FE_TYPES = {"Further education"}
SIXTH_FORM_COLLEGE_TYPES = {
    "Academy 16-19 converter", "Academy 16 to 19 sponsor led", "Free schools 16 to 19",
    "Sixth form college",
}
SIXTH_FORM_CENTRE_TYPES = {"Sixth form centres"}
UTC_TYPES = {"University technical college"}
SPI_TYPES = {"Special post 16 institution"}
SPECIAL_TYPES = {
    "Community special school", "Foundation special school", "Academy special converter",
    "Academy special sponsor led", "Free schools special", "Non-maintained special school",
    "Other independent special school",
}
AP_TYPES = {
    "Pupil referral unit", "Academy alternative provision converter",
    "Academy alternative provision sponsor led", "Free schools alternative provision",
}
INDEPENDENT_TYPES = {"Other independent school"}
# Post-16 by definition of the type (the list), whatever other records say.
POST16_BY_TYPE = FE_TYPES | SIXTH_FORM_COLLEGE_TYPES | SIXTH_FORM_CENTRE_TYPES | UTC_TYPES | (
    SPI_TYPES
) | AP_TYPES
# Not open-access supply for the cohort, or out of scope (higher education).
EXCLUDED_TYPES = {
    "Higher education institutions", "Miscellaneous", "Secure units", "Academy secure 16 to 19",
    "Local authority nursery school", "Welsh establishment", "Offshore schools",
    "British schools overseas", "Institution funded by other government department",
    "Online provider",
}
EXCLUDED_PHASES = {"Primary", "Nursery", "Middle deemed primary"}

SUCCESSOR_LINKS = {
    "Successor", "Successor - merged", "Successor - amalgamated", "Result of Amalgamation",
    "Successor - Split School",
}
MERGER_LINKS = {"Successor - merged", "Successor - amalgamated", "Result of Amalgamation"}

# A neighbouring LA's post-16 provider is included as out-of-county supply within this distance
# of Kent or Medway.
NEIGHBOUR_DISTANCE_M = 10_000
SAME_PLACE_M = 300  # two records this close describe the same site
POSTCODE_CHECK_M = 1_500  # a postcode further than this from GIAS's point is not the site's

KS5_SOURCE = "DfE 16–18 performance tables {year} (final), URN {urn}, {column}"
KS5_HISTORY_SOURCE = (
    "DfE 16–18 performance tables 2021/22 (final), history column for 2018/19, URN {urn}, {column}"
)
TLEVEL_SOURCE = "ESFA T Level provider register (Feb 2021), UKPRN {ukprn}"
SEND_SOURCE = "Derived from the GIAS establishment type ({type}), not a published course list"
SEND_SOURCE_KEY = "send_derived"
ENROLMENT_MEASURE = "16–18 students (performance tables, TPUP1618)"
GIAS_SOURCE = "GIAS open establishments 24 May 2025"

# The rule that makes an "other academic" offer understates an IB school that also has a few A
# Level students; the build notes institutions with at least this many more academic than A Level
# students so that it is visible.
ACADEMIC_BEYOND_A_LEVEL_NOTE = 50
SE_2018_19_SOURCE = (
    "DfE 16–18 performance tables 2018/19, South East institutions with locations: URN {urn} has "
    "A Level results (TALLPPE_ALEV_1618); students not published in this file"
)
CARRIED_SOURCE = (
    "Derived: the A Level offer recorded for URN {urn} in the 2018/19 South East file, taken as "
    "still running (no later table covers this authority)"
)
SMALL_AREA_SITE_SOURCE = (
    "Postcode {postcode} withdrawn (not in Code-Point Open): placed at the centre of its small "
    "area {area} (ONS postcode lookup May 2022), not at the address"
)
# Colleges that closed with no open successor in GIAS, and the college that took over their
# provision (published facts cited in fixtures/README.md: Hadlow College and West Kent and Ashford
# College passed to North Kent College in August 2020; the Ashford campus to EKC Group).
SUCCESSOR_FACTS = {
    "130733": "130725",  # Hadlow College → North Kent College
    "130727": "130725",  # West Kent and Ashford College → North Kent College (Tonbridge)
}
# Published T Level → route (IfATE occupational routes).
TLEVEL_ROUTES = {
    "Building Services Engineering for Construction": "Construction",
    "Design, Surveying and Planning for Construction": "Construction",
    "Onsite Construction": "Construction",
    "Digital Business Services": "Digital",
    "Digital Production, Design and Development": "Digital",
    "Digital Support Services": "Digital",
    "Education and Childcare": "Education and childcare",
    "Health": "Health and science",
    "Healthcare Science": "Health and science",
    "Science": "Health and science",
}
# KS5 NFTYPE/FESITYPE for institutions kept as closed providers.
KS5_KINDS = {
    "General Further Education College": "fe_college",
    "Agriculture and Horticulture College": "fe_college",
    "IND": "independent_school",
    "UTC": "utc",
    "FUTC": "utc",
    "FDS": "special_school",
    "CYS": "special_school",
}
SEND_YEARS_FROM_SPINE = "2016/17"
SEND_CURRENT_YEAR = "2024/25"  # GIAS May 2025 shows the establishment open in 2024/25



@dataclass
class ProviderExtract:
    providers: pd.DataFrame
    sites: pd.DataFrame
    courses: pd.DataFrame
    notes: dict
    enrolments: pd.DataFrame


def _distance_m(e1, n1, e2, n2) -> float:
    return math.hypot(float(e1) - float(e2), float(n1) - float(n2))


def _name_key(name: str) -> str:
    text = name.lower().replace("university technical college", "utc")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


class AreaLocator:
    """Which LSOA 2011 polygon holds a point."""

    def __init__(self, polygons: dict):
        self.codes = list(polygons)
        self.geoms = [polygons[c] for c in self.codes]
        self.tree = shapely.STRtree(self.geoms)

    def code_at(self, lon: float, lat: float, *, nearest_within: float = 0.0) -> str:
        """The LSOA holding the point; else, if nearest_within (degrees) is set, the nearest LSOA
        that close (the generalised outlines cut off some new land at the coast)."""
        point = Point(lon, lat)
        for i in self.tree.query(point, predicate="intersects"):
            return self.codes[int(i)]
        if nearest_within:
            i = int(self.tree.nearest(point))
            if self.geoms[i].distance(point) <= nearest_within:
                return self.codes[i]
        return ""


class Successors:
    """Follows GIAS links from an old URN to the establishment(s) open today."""

    def __init__(self, links: pd.DataFrame, open_urns: set[str]):
        self.open_urns = open_urns
        self.next: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in links.itertuples():
            if row.LinkType in SUCCESSOR_LINKS:
                self.next[row.URN].append((row.LinkURN, row.LinkType))

    def open_successors(self, urn: str) -> list[tuple[str, bool]]:
        """Open URNs reached from `urn`, each with whether a merger was crossed on the way."""
        if urn in self.open_urns:
            return [(urn, False)]
        found, seen = {}, {urn}
        queue = deque([(urn, False)])
        while queue:
            current, merged = queue.popleft()
            for target, link_type in self.next.get(current, []):
                if target in seen:
                    continue
                seen.add(target)
                crossed = merged or link_type in MERGER_LINKS
                if target in self.open_urns:
                    found.setdefault(target, crossed)
                else:
                    queue.append((target, crossed))
        return list(found.items())


def _postcode_points(postcodes: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return dict(
        zip(
            postcodes["postcode"],
            zip(postcodes["easting"].astype(float), postcodes["northing"].astype(float),
                strict=True),
            strict=True,
        )
    )


def _kind_for_type(establishment_type: str, name: str) -> str:
    if establishment_type in FE_TYPES:
        return "sixth_form_college" if "sixth form college" in name.lower() else "fe_college"
    if establishment_type in SIXTH_FORM_COLLEGE_TYPES:
        return "sixth_form_college"
    if establishment_type in UTC_TYPES:
        return "utc"
    if establishment_type in SPI_TYPES:
        return "specialist_post16"
    if establishment_type in SPECIAL_TYPES:
        return "special_school"
    if establishment_type in AP_TYPES:
        return "alternative_provision"
    if establishment_type in INDEPENDENT_TYPES:
        return "independent_school"
    return "school_sixth_form"


SELECTIVE_KINDS = {"school_sixth_form", "utc", "sixth_form_college"}


def _admissions(kind, spine_rows, ks5_rows, ks5_1819_row) -> str:
    if kind not in SELECTIVE_KINDS:
        return "not_applicable"
    for row in spine_rows:
        if row["ADMPOL"] == "Selective":
            return "selective"
        if row["ADMPOL"] == "Non-selective":
            return "non_selective"
    for row in ks5_rows:  # latest year first
        policy = row.get("ADMPOL_2017") or row.get("ADMPOL") or ""
        if policy == "SEL":
            return "selective"
        if policy in ("COMP", "MOD", "NSE"):
            return "non_selective"
    if ks5_1819_row is not None and ks5_1819_row.get("GRAMMAR") in ("Yes", "No"):
        return "selective" if ks5_1819_row["GRAMMAR"] == "Yes" else "non_selective"
    return "not_applicable"


def _age(value) -> int | None:
    if value is None or pd.isna(value) or value == "":
        return None
    age = int(float(value))
    return None if age in (0, 99) else age


def course_record(
    provider_urn: str, site_name: str, academic_year: str, title: str, level: str,
    qualification_type: str, *, source: str, source_key: str, source_year: str,
    learners: int | None = None, subject: str = "", tlevel_route: str = "",
    ehcp_required: bool = False, record_label: str = "published", granularity: str = "site",
    district_code: str = "", learners_measure: str = "", learners_published: str = "",
    recorded_name: str = "", recorded_urn: str = "", provider_ukprn: str = "",
) -> dict:
    """One row of courses.csv (kentdata.records.COURSE_COLUMNS)."""
    return {
        "provider_urn": provider_urn, "provider_ukprn": provider_ukprn, "site_name": site_name,
        "academic_year": academic_year, "title": title, "level": level,
        "qualification_type": qualification_type, "subject": subject,
        "tlevel_route": tlevel_route, "learners": learners, "ehcp_required": ehcp_required,
        "source": source, "record_label": record_label, "source_key": source_key,
        "source_year": source_year, "granularity": granularity, "district_code": district_code,
        "learners_measure": learners_measure, "learners_published": learners_published,
        "recorded_name": recorded_name, "recorded_urn": recorded_urn,
    }


def build_providers(
    source: Path,
    polygons: dict,
    postcodes: pd.DataFrame,
    kent_and_medway_outline,
    kent_area_codes: set[str],
    *,
    small_area_of_postcode: dict[str, str] | None = None,
    area_centres: dict[str, tuple[float, float]] | None = None,
) -> ProviderExtract:
    """Providers, sites and courses for Kent (and out-of-county supply) from the public files.

    small_area_of_postcode (ONS lookup, withdrawn postcodes too) and area_centres (LSOA →
    easting, northing) place a closed institution whose postcode Code-Point no longer lists."""
    small_area_of_postcode = small_area_of_postcode or {}
    area_centres = area_centres or {}
    source = Path(source)
    gias_open = gias.read_gias(source / gias.GIAS_FILE)
    neighbours = gias.read_gias(source / gias.GIAS_NEIGHBOURS_FILE)
    links = gias.read_links(source / gias.LINKS_FILE)
    spine_records = spine.read_spine(source / spine.SPINE_FILE)
    ks5_tables = {year: ks5.read_ks5(source, year) for year in ks5.TABLE_YEARS}
    ks5_1819 = ks5.read_ks5_2018_19(source / ks5.KS5_2018_19_FILE)
    tlevels, tlevel_names = tlevels_2021.read_tlevels(
        source / tlevels_2021.TLEVEL_PROVIDERS_FILE,
        source / tlevels_2021.TLEVEL_QUALIFICATIONS_FILE,
    )
    locator = AreaLocator(polygons)
    postcode_at = _postcode_points(postcodes)
    notes: dict[str, list] = defaultdict(list)

    establishments = pd.concat(
        [gias_open.assign(neighbour=False), neighbours.assign(neighbour=True)]
    )
    establishments = establishments.drop_duplicates("urn").set_index("urn", drop=False)
    open_urns = set(establishments.index)
    successors = Successors(links, open_urns)

    def point_of_postcode(postcode):
        if not isinstance(postcode, str):
            return None
        return postcode_at.get(normalise_postcode(postcode))

    def resolve(urn: str, postcode: str) -> tuple[str | None, bool]:
        """Today's open URN for an old URN (None if none), and whether a merger was crossed."""
        found = successors.open_successors(urn)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            point = point_of_postcode(postcode)
            if point is None:
                notes["split without a located postcode"].append(urn)
                return None, False
            nearest = min(
                found,
                key=lambda item: _distance_m(
                    establishments.loc[item[0], "easting"],
                    establishments.loc[item[0], "northing"],
                    *point,
                ),
            )
            notes["split: courses go to the successor nearest the old postcode"].append(
                f"{urn} → {nearest[0]}"
            )
            return nearest
        return None, False

    # Old records grouped under today's URN.
    spine_by_today: dict[str, list[dict]] = defaultdict(list)
    for row in spine_records.to_dict("records"):
        today, _ = resolve(row["URN"], row["POSTCODE"])
        if today:
            spine_by_today[today].append(row)
    ks5_by_today: dict[str, list[tuple[str, dict, bool]]] = defaultdict(list)
    closed_ks5: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for year in sorted(ks5_tables, reverse=True):
        for row in ks5_tables[year].to_dict("records"):
            today, merged = resolve(row["URN"], row["PCODE"])
            if today is None:
                today = _match_by_name_and_place(row, establishments, point_of_postcode)
                if today:
                    notes["matched by name and postcode (no GIAS link)"].append(
                        f"{row['URN']} → {today}"
                    )
            if today:
                ks5_by_today[today].append((year, row, merged))
            else:
                closed_ks5[row["URN"]].append((year, row))
    ks5_1819_by_today = {}
    se_2018_19_by_urn = {row["URN"]: row for row in ks5_1819.to_dict("records")}
    closed_se_2018_19: dict[str, dict] = {}  # closed provider URN → its South East 2018/19 row
    for row in ks5_1819.to_dict("records"):
        today, _ = resolve(row["URN"], row["PCODE"])
        if today:
            ks5_1819_by_today[today] = row

    # Which open establishments provide post-16 education.
    outline_grid = _outline_in_grid(kent_and_medway_outline)
    providers, sites, courses = [], [], []
    for urn, est in establishments.iterrows():
        etype = est["establishment_type"]
        if etype in EXCLUDED_TYPES or est["education_phase"] in EXCLUDED_PHASES:
            continue
        spine_rows = sorted(
            spine_by_today.get(urn, []), key=lambda r: (r["URN"] != urn, r["ISPOST16"] != "1")
        )
        evidence = []
        if etype in POST16_BY_TYPE:
            evidence.append(f"GIAS type {etype}")
        if any(
            r["ISPOST16"] == "1" or (_age(r["AGEH"]) or 0) >= 18 for r in spine_rows
        ):
            evidence.append("spine 2017/18 (ISPOST16 or ages to 18+)")
        if urn in ks5_by_today:
            years_seen = sorted({year for year, _, _ in ks5_by_today[urn]})
            evidence.append(f"16–18 tables {years_seen[0]}–{years_seen[-1]}")
        if urn in ks5_1819_by_today:
            evidence.append("SE 2018/19 file")
        if not evidence:
            if not est["neighbour"] and etype in SPECIAL_TYPES:
                notes["special schools left out (no spine record or ages below 18)"].append(
                    f"{urn} {est['establishment_name']}"
                )
            continue
        if est["neighbour"]:
            if etype in AP_TYPES | SPECIAL_TYPES or pd.isna(est["easting"]):
                continue  # no age range is published for these outside Kent and Medway
            distance = outline_grid.distance(Point(est["easting"], est["northing"]))
            if distance > NEIGHBOUR_DISTANCE_M:
                continue
        kind = _kind_for_type(etype, est["establishment_name"])
        ks5_rows = [row for _, row, _ in ks5_by_today.get(urn, [])]
        spine_first = spine_rows[0] if spine_rows else {}
        former = sorted(
            {r["URN"] for r in spine_rows} | {row["URN"] for row in ks5_rows} - {urn}
        )
        providers.append(
            {
                "urn": urn,
                "ukprn": "",
                "name": est["establishment_name"],
                "kind": kind,
                "admissions_policy": _admissions(
                    kind, spine_rows, ks5_rows, ks5_1819_by_today.get(urn)
                ),
                "specialist_send": kind in ("special_school", "specialist_post16"),
                "out_of_county": est["la_code"] != KENT,
                "la_code": est["la_code"],
                "status": "open",
                "establishment_type": etype,
                "age_low": _age(spine_first.get("AGEL")),
                "age_high": _age(spine_first.get("AGEH")),
                "source": f"{GIAS_SOURCE}; post-16: {'; '.join(evidence)}",
                "former_urns": " ".join(u for u in former if u != urn),
                "first_year": "", "last_year": "", "successor_urn": "",
            }
        )
        if pd.isna(est["easting"]):
            # Not placed by GIAS: use the postcode its own older records give.
            postcode = next(
                (normalise_postcode(r.get("POSTCODE") or r.get("PCODE")) for r in
                 spine_rows + ks5_rows if point_of_postcode(r.get("POSTCODE") or r.get("PCODE"))),
                "",
            )
            if not postcode:
                notes["post-16 establishment with no location (left out)"].append(urn)
                providers.pop()
                continue
            easting, northing = point_of_postcode(postcode)
            lon, lat = easting_northing_to_lon_lat(easting, northing)
            site_source = "GIAS gives no location: spine postcode located with OS Code-Point Open"
            notes["located by postcode (GIAS gives 0,0)"].append(f"{urn} {postcode}")
        else:
            postcode = _site_postcode(urn, est, spine_rows, ks5_rows,
                                      ks5_1819_by_today.get(urn), point_of_postcode)
            easting, northing = float(est["easting"]), float(est["northing"])
            lat, lon = float(est["latitude"]), float(est["longitude"])
            site_source = f"{GIAS_SOURCE} (easting/northing)"
        sites.append(
            {
                "provider_urn": urn,
                "name": est["establishment_name"],
                "postcode": postcode,
                "latitude": round(float(lat), 6),
                "longitude": round(float(lon), 6),
                "easting": float(easting),
                "northing": float(northing),
                "area_code": locator.code_at(lon, lat),
                "is_main": True,
                "location_basis": "address",
                "source": site_source,
            }
        )

    provider_urns = {p["urn"] for p in providers}
    notes["performance-table records of establishments not kept as post-16 providers"] = [
        u for u in ks5_by_today if u not in provider_urns
    ]

    # Closed institutions with performance-table records and no open successor.
    for old_urn, records in closed_ks5.items():
        year, row = records[0]  # latest year first
        if row["LEA"] not in (KENT, MEDWAY):
            continue
        point = point_of_postcode(row["PCODE"])
        location_basis, site_source = "address", (
            "Performance-table postcode located with OS Code-Point Open"
        )
        if point is None:
            postcode = normalise_postcode(row["PCODE"]) if isinstance(row["PCODE"], str) else ""
            area = small_area_of_postcode.get(postcode, "")
            if area not in area_centres:
                notes["closed institution without a located postcode (left out)"].append(old_urn)
                continue
            point = area_centres[area]
            location_basis = "small_area"
            site_source = SMALL_AREA_SITE_SOURCE.format(postcode=postcode, area=area)
            notes["closed: postcode withdrawn, placed at its small area's centre"].append(
                f"{old_urn} {row['SCHNAME']} {postcode} → {area}"
            )
        se_row = se_2018_19_by_urn.get(old_urn)
        years_ran = sorted({y for y, _ in records} | ({ks5.HISTORY_YEAR} if se_row else set()))
        kind = KS5_KINDS.get(row["NFTYPE/FESITYPE"], "school_sixth_form")
        lon, lat = easting_northing_to_lon_lat(*point)
        providers.append(
            {
                "urn": old_urn, "ukprn": "", "name": row["SCHNAME"], "kind": kind,
                "admissions_policy": _admissions(kind, [], [r for _, r in records], None),
                "specialist_send": kind == "special_school",
                "out_of_county": row["LEA"] != KENT, "la_code": row["LEA"], "status": "closed",
                "establishment_type": row["NFTYPE/FESITYPE"], "age_low": None, "age_high": None,
                "source": f"16–18 performance tables {year}; no open successor in GIAS May 2025",
                "former_urns": "",
                "first_year": "", "last_year": years_ran[-1],
                "successor_urn": SUCCESSOR_FACTS.get(old_urn, ""),
            }
        )
        if se_row is not None and ks5.ran_a_levels_2018_19(se_row):
            closed_se_2018_19[old_urn] = se_row
        sites.append(
            {
                "provider_urn": old_urn, "name": row["SCHNAME"],
                "postcode": normalise_postcode(row["PCODE"]),
                "latitude": round(float(lat), 6), "longitude": round(float(lon), 6),
                "easting": point[0], "northing": point[1],
                "area_code": locator.code_at(lon, lat), "is_main": True,
                "location_basis": location_basis, "source": site_source,
            }
        )
        notes["closed: no open successor"].append(f"{old_urn} {row['SCHNAME']}")
        for year_, r in records:
            ks5_by_today[old_urn].append((year_, r, False))

    # Out of county means sited outside Kent (Medway, a neighbour, or a Kent-maintained
    # establishment that stands over the border), whatever the maintaining LA.
    main_area = {s["provider_urn"]: s["area_code"] for s in sites}
    for provider in providers:
        provider["out_of_county"] = main_area[provider["urn"]] not in kent_area_codes

    provider_urns = {p["urn"] for p in providers}
    for provider in providers:
        if provider["successor_urn"] and provider["successor_urn"] not in provider_urns:
            notes["successor not in the extract (no link made)"].append(
                f"{provider['urn']} → {provider['successor_urn']}"
            )
            provider["successor_urn"] = ""
    sites_by_provider: dict[str, list[dict]] = defaultdict(list)
    for site in sites:
        sites_by_provider[site["provider_urn"]].append(site)

    def site_for(urn, name, postcode, easting, northing, lat, lon, source_text):
        """The provider's site at this place, adding one if none is within SAME_PLACE_M."""
        for site in sites_by_provider[urn]:
            if _distance_m(site["easting"], site["northing"], easting, northing) <= SAME_PLACE_M:
                return site
        taken = {s["name"] for s in sites_by_provider[urn]}
        if name in taken:
            name = f"{name} ({postcode})"
        site = {
            "provider_urn": urn, "name": name, "postcode": postcode,
            "latitude": round(float(lat), 6), "longitude": round(float(lon), 6),
            "easting": round(float(easting), 0), "northing": round(float(northing), 0),
            "area_code": locator.code_at(lon, lat), "is_main": False,
            "location_basis": "address", "source": source_text,
        }
        sites.append(site)
        sites_by_provider[urn].append(site)
        return site

    # Performance-table courses.
    offers: dict[tuple, dict] = {}
    for urn, records in ks5_by_today.items():
        if urn not in provider_urns:
            continue
        main = sites_by_provider[urn][0]
        for year, row, merged in records:
            site = main
            point = point_of_postcode(row["PCODE"])
            if merged and point is not None and _distance_m(
                main["easting"], main["northing"], *point
            ) > SAME_PLACE_M:
                lon, lat = easting_northing_to_lon_lat(*point)
                site = site_for(
                    urn, row["SCHNAME"], normalise_postcode(row["PCODE"]), point[0], point[1],
                    lat, lon,
                    f"Campus of {row['SCHNAME']} (URN {row['URN']}, merged), located by its "
                    "performance-table postcode with OS Code-Point Open",
                )
            a_levels = str(row.get("TALLPUP_ALEV_1618") or "")
            academic = str(row.get(ks5.ACADEMIC_COLUMN) or "")
            if a_levels.isdigit() and academic.isdigit() and (
                int(academic) - int(a_levels) >= ACADEMIC_BEYOND_A_LEVEL_NOTE
            ):
                notes[
                    "A Levels recorded, but many more academic students (e.g. IB): no "
                    "other-academic offer made (URN name year: A Level students, academic students)"
                ].append(f"{row['URN']} {row['SCHNAME']} {year}: {a_levels}, {academic}")
            for family in ks5.family_offers(year, row):
                qualification_type, learners = family["qualification_type"], family["learners"]
                key = (urn, site["name"], year, qualification_type)
                template = KS5_HISTORY_SOURCE if year == ks5.HISTORY_YEAR else KS5_SOURCE
                source_text = template.format(
                    year=year, urn=row["URN"],
                    column=ks5.published_column(year, family["column"]),
                )
                if key in offers:  # two old records now at one site: add up, unknown wins
                    offer = offers[key]
                    offer["learners"] = (
                        None if offer["learners"] is None or learners is None
                        else offer["learners"] + learners
                    )
                    offer["learners_published"] = offer["learners_published"] or (
                        family["learners_published"]
                    )
                    offer["source"] += f"; URN {row['URN']}"
                    notes["two records combined into one offer"].append(str(key))
                    continue
                offers[key] = course_record(
                    urn, site["name"], year, family["title"], family["level"],
                    qualification_type, learners=learners, source=source_text,
                    source_key=ks5.SOURCE_KEY, source_year=year,
                    learners_measure=ks5.LEARNERS_MEASURE,
                    learners_published=family["learners_published"],
                    recorded_name=row["SCHNAME"], recorded_urn=row["URN"],
                )

    # A Levels in the 2018/19 South East file where no 2018/19 table row gives them: closed
    # Kent colleges and neighbouring authorities' schools (out-of-county supply). Neighbours have
    # no later table here, so their offer is carried to the later table years as a derived record
    # that names its 2018/19 vintage.
    se_offers = {urn: row for urn, row in ks5_1819_by_today.items() if urn in provider_urns
                 and ks5.ran_a_levels_2018_19(row)} | closed_se_2018_19
    provider_by_urn = {p["urn"]: p for p in providers}
    for urn, row in sorted(se_offers.items()):
        site = sites_by_provider[urn][0]
        if (urn, site["name"], ks5.HISTORY_YEAR, "a_level") not in offers:
            offers[(urn, site["name"], ks5.HISTORY_YEAR, "a_level")] = course_record(
                urn, site["name"], ks5.HISTORY_YEAR, "A Levels", "3", "a_level",
                learners=None, source=SE_2018_19_SOURCE.format(urn=row["URN"]),
                source_key=ks5.SE_2018_19_SOURCE_KEY, source_year=ks5.HISTORY_YEAR,
                learners_measure=ks5.LEARNERS_MEASURE,
                learners_published="not in this file",
                recorded_name=row["SCHNAME"], recorded_urn=row["URN"],
            )
        provider = provider_by_urn[urn]
        if provider["la_code"] in (KENT, MEDWAY) or provider["status"] != "open":
            continue
        for later in (y for y in ks5.TABLE_YEARS if y > ks5.HISTORY_YEAR):
            offers[(urn, site["name"], later, "a_level")] = course_record(
                urn, site["name"], later, "A Levels", "3", "a_level", learners=None,
                source=CARRIED_SOURCE.format(urn=row["URN"]),
                source_key=ks5.SE_2018_19_SOURCE_KEY, source_year=ks5.HISTORY_YEAR,
                learners_measure=ks5.LEARNERS_MEASURE, learners_published="not published",
                record_label="derived", recorded_name=row["SCHNAME"],
                recorded_urn=row["URN"],
            )
        notes["neighbouring-authority A Levels from the 2018/19 South East file"].append(
            f"{urn} {provider['name']} ({provider['la_code']})"
        )
    courses.extend(offers.values())

    # 16–18 students per provider and year, added up over the old records that reach the
    # provider. A converting school's new record says "NEW" or is blank while its predecessor
    # carries the students, so a record with no figure adds nothing; but "SUPP" hides a real
    # number, so it leaves the provider's year with no figure (a partial sum would undercount).
    students_by_key: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for urn, records in ks5_by_today.items():
        if urn not in provider_urns:
            continue
        for year, row, _ in records:
            students_by_key[(urn, year)].append(
                (row["URN"], str(row.get(ks5.STUDENTS_COLUMN) or "").strip())
            )
    enrolments = []
    for (urn, year), figures in sorted(students_by_key.items()):
        counted = [(old, int(value)) for old, value in figures if value.isdigit()]
        if not counted or any(value == "SUPP" for _, value in figures):
            continue
        if len(counted) > 1:
            notes["two records combined into one enrolment"].append(f"{urn} {year}")
        enrolments.append(
            {
                "provider_urn": urn, "academic_year": year,
                "students_16_18": sum(n for _, n in counted), "high_needs_students": None,
                "measure": ENROLMENT_MEASURE,
                "source": KS5_SOURCE.format(
                    year=year, urn=" and ".join(old for old, _ in counted),
                    column=ks5.STUDENTS_COLUMN,
                ),
            }
        )

    # T Levels at the register's locations in Kent and Medway.
    providers_by_name = {_name_key(p["name"]): p for p in providers if p["status"] == "open"}
    for (ukprn, provider_name), locations in tlevels.groupby(["ukprn", "provider_name"]):
        provider = providers_by_name.get(_name_key(provider_name))
        in_area = locations[
            [bool(locator.code_at(lon, lat)) for lon, lat in
             zip(locations["longitude"], locations["latitude"], strict=True)]
        ]
        if in_area.empty:
            continue
        if provider is None:
            notes["T Level provider in Kent or Medway not matched to GIAS"].append(provider_name)
            continue
        provider["ukprn"] = str(int(ukprn))
        for row in in_area.itertuples():
            easting, northing = lon_lat_to_easting_northing(row.longitude, row.latitude)
            site = site_for(
                provider["urn"], row.location_name or provider["name"],
                normalise_postcode(row.postcode), easting, northing, row.latitude, row.longitude,
                TLEVEL_SOURCE.format(ukprn=int(ukprn)) + ": location",
            )
            name = tlevel_names[row.qualification]
            start = int(row.year)
            year = f"{start}/{(start + 1) % 100:02d}"
            courses.append(course_record(
                provider["urn"], site["name"], year, f"T Level in {name}", "3", "t_level",
                subject=name, tlevel_route=TLEVEL_ROUTES.get(name, ""),
                source=TLEVEL_SOURCE.format(ukprn=int(ukprn)),
                source_key=tlevels_2021.SOURCE_KEY, source_year=tlevels_2021.SOURCE_YEAR,
            ))

    # Sizes from the 2019/20 16–19 allocations (a year with no performance table).
    allocation_rows = allocations.read_allocations(source)
    pairs, unmatched = allocations.match_allocations(
        allocation_rows, [p for p in providers if p["status"] == "open" or p["last_year"]]
    )
    notes["16–19 allocations matched to no single provider (left out)"] = unmatched
    used_ukprns = {p["ukprn"] for p in providers if p["ukprn"]}
    for row, provider in pairs:
        enrolments.append(allocations.allocation_enrolment(row, provider["urn"]))
        if not provider["ukprn"] and row[allocations.UKPRN] not in used_ukprns:
            provider["ukprn"] = row[allocations.UKPRN]
            used_ukprns.add(provider["ukprn"])

    # Derived SEND post-16 programmes.
    for provider in providers:
        if provider["status"] != "open" or provider["kind"] not in (
            "special_school", "specialist_post16"
        ):
            continue
        main = sites_by_provider[provider["urn"]][0]
        if not main["area_code"]:
            continue  # outside Kent and Medway: no area to place the offer in
        years = [SEND_CURRENT_YEAR]
        if any(
            _open_by_2016(r) for r in spine_by_today.get(provider["urn"], [])
        ):
            # Open in 2016/17 (spine) and today (GIAS): taken as running in every table year
            # between, so that each year's view has its specialist provision.
            years = [y for y in ks5.TABLE_YEARS if y >= SEND_YEARS_FROM_SPINE] + years
        for year in years:
            courses.append(course_record(
                provider["urn"], main["name"], year, "SEND post-16 programme (Entry/Level 1)",
                "E", "send_post16", ehcp_required=True,
                source=SEND_SOURCE.format(type=provider["establishment_type"]),
                source_key=SEND_SOURCE_KEY,
                # the spine (2016/17) or GIAS (2024/25) record the offer is derived from
                source_year=SEND_CURRENT_YEAR if year == SEND_CURRENT_YEAR
                else SEND_YEARS_FROM_SPINE,
                record_label="derived",
            ))

    providers_frame = pd.DataFrame(providers, columns=PROVIDER_COLUMNS).sort_values("urn")
    sites_frame = pd.DataFrame(sites, columns=SITE_COLUMNS).sort_values(
        ["provider_urn", "is_main", "name"], ascending=[True, False, True]
    )
    courses_frame = pd.DataFrame(courses, columns=COURSE_COLUMNS).sort_values(
        ["provider_urn", "academic_year", "qualification_type", "subject", "site_name"]
    )
    courses_frame["learners"] = courses_frame["learners"].astype("Int64")
    for column in ("age_low", "age_high"):
        providers_frame[column] = providers_frame[column].astype("Int64")
    enrolments_frame = pd.DataFrame(enrolments, columns=ENROLMENT_COLUMNS).sort_values(
        ["provider_urn", "academic_year"]
    )
    enrolments_frame["students_16_18"] = enrolments_frame["students_16_18"].astype("Int64")
    enrolments_frame["high_needs_students"] = enrolments_frame["high_needs_students"].astype(
        "Int64"
    )
    return ProviderExtract(
        providers_frame.reset_index(drop=True),
        sites_frame.reset_index(drop=True),
        courses_frame.reset_index(drop=True),
        dict(notes),
        enrolments_frame.reset_index(drop=True),
    )


def _open_by_2016(spine_row: dict) -> bool:
    """Open in 2016/17: listed in the 2017/18 spine with no opening date after August 2016."""
    opened = spine_row.get("OPENDATE")
    if opened is None or pd.isna(opened) or opened == "":
        return True
    return str(opened)[:10] <= "2016-09-01"


def _match_by_name_and_place(row, establishments, point_of_postcode) -> str | None:
    """An open establishment with the same name near the old record's postcode (a record that
    the GIAS links file does not connect)."""
    point = point_of_postcode(row["PCODE"])
    if point is None:
        return None
    same_name = establishments[
        establishments["establishment_name"].map(_name_key) == _name_key(row["SCHNAME"])
    ]
    for urn, est in same_name.iterrows():
        if _distance_m(est["easting"], est["northing"], *point) <= POSTCODE_CHECK_M:
            return urn
    return None


def _site_postcode(urn, est, spine_rows, ks5_rows, ks5_1819_row, point_of_postcode) -> str:
    """The establishment's postcode from the spine or performance tables, if it lies at the
    GIAS point (a predecessor may have been elsewhere); blank otherwise."""
    candidates = [r["POSTCODE"] for r in spine_rows] + [r["PCODE"] for r in ks5_rows]
    if ks5_1819_row is not None:
        candidates.append(ks5_1819_row["PCODE"])
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        point = point_of_postcode(candidate)
        if point is not None and _distance_m(
            est["easting"], est["northing"], *point
        ) <= POSTCODE_CHECK_M:
            return normalise_postcode(candidate)
    return ""


def _outline_in_grid(outline):
    """Kent and Medway's outline in British National Grid metres."""

    def transform(coords: np.ndarray) -> np.ndarray:
        easting, northing = lon_lat_to_easting_northing(coords[:, 0], coords[:, 1])
        return np.column_stack([easting, northing])

    return shapely.transform(outline, transform)
