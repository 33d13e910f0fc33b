"""Hand-built frames for the engine tests: places on a kilometre grid, offers with defaults.

With `KM_PARAMS` travel is by "car" at 60 km/h with no detour and no fixed minutes, so one
kilometre is exactly one minute and expected answers can be worked out by hand.
"""

import numpy as np
import pandas as pd

from coldspots.analysis import Inputs
from coldspots.params import AnalysisParams

ORIGIN_E, ORIGIN_N = 550_000.0, 140_000.0
KM_PARAMS = AnalysisParams(mode="car", detour_factor=1.0, speed_kmh=60.0, fixed_minutes=0.0,
                           minutes=30, max_nearest_minutes=30)
# The source of a published performance-table record: what makes Levels 2 and 3 "measured" in
# YEAR (coldspots.params.COMPLETE_SOURCES).
MEASURED_SOURCE = "ks5"
OFFICER_SOURCE = ""  # an officer's own record has no source key
YEAR = "2016/17"


def areas(rows, in_kent=True):
    """rows: (code, x_km, y_km, cohort, region_slug[, ehcp])."""
    records = []
    for row in rows:
        code, x, y, cohort, region = row[:5]
        ehcp = row[5] if len(row) > 5 else np.nan
        records.append({
            "area_code": code, "area_name": code, "district_code": "E07000106",
            "district_name": "Canterbury", "in_kent": in_kent if region is not None else False,
            "region_slug": region, "region_name": None if region is None else region.title(),
            "easting": ORIGIN_E + x * 1000, "northing": ORIGIN_N + y * 1000,
            "latitude": 51.0, "longitude": 1.0, "cohort_16_17": float(cohort),
            "cohort_16": np.nan, "ehcp_16_17": float(ehcp), "cohort_year": "2021/22",
            "cohort_is_estimate": True, "imd_decile": 5.0,
        })
    return pd.DataFrame.from_records(records)


def sites(rows):
    """rows: (site_id, provider_id, x_km, y_km[, provider_kind[, region_slug[, open]]])."""
    records = []
    for row in rows:
        site_id, provider_id, x, y = row[:4]
        kind = row[4] if len(row) > 4 else "school_sixth_form"
        region = row[5] if len(row) > 5 else None
        is_open = row[6] if len(row) > 6 else True
        records.append({
            "site_id": site_id, "site_name": f"Site {site_id}", "provider_id": provider_id,
            "provider_urn": 100_000 + provider_id, "provider_name": f"Provider {provider_id}",
            "provider_kind": kind, "specialist_send": kind in ("special_school",
                                                                 "specialist_post16"),
            "out_of_county": False, "provider_open": is_open, "is_main": True,
            "easting": ORIGIN_E + x * 1000, "northing": ORIGIN_N + y * 1000,
            "latitude": 51.0, "longitude": 1.0, "postcode": "", "area_code": None,
            "region_slug": region, "admissions_policy": "non_selective",
        })
    frame = pd.DataFrame.from_records(records)
    return frame.astype({"provider_urn": "Int64"})


def offers(rows, sites_frame=None):
    """rows: dicts with site_id, level, qualification_type and any other offer column."""
    provider_of = {} if sites_frame is None else dict(
        zip(sites_frame["site_id"], sites_frame["provider_id"], strict=True))
    kind_of = {} if sites_frame is None else dict(
        zip(sites_frame["site_id"], sites_frame["provider_kind"], strict=True))
    records = []
    for number, row in enumerate(rows, start=1):
        record = {
            "course_id": number, "site_id": row["site_id"],
            "provider_id": provider_of.get(row["site_id"], row["site_id"]),
            "provider_kind": kind_of.get(row["site_id"], "school_sixth_form"),
            "academic_year": YEAR, "title": row.get("qualification_type", ""), "level": "3",
            "qualification_type": "a_level", "subject": "", "tlevel_route": "",
            "learners": np.nan, "places": np.nan, "min_english_grade": np.nan,
            "min_maths_grade": np.nan, "ehcp_required": False, "record_label": "published",
            "withdrawn": False, "provider_open": True, "source_key": MEASURED_SOURCE,
            "source_year": row.get("academic_year", YEAR),
        }
        record.update(row)
        records.append(record)
    columns = ["course_id", "site_id", "provider_id", "provider_kind", "academic_year", "title",
               "level", "qualification_type", "subject", "tlevel_route", "learners", "places",
               "min_english_grade", "min_maths_grade", "ehcp_required", "record_label",
               "withdrawn", "provider_open", "source_key", "source_year"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"learners": float, "places": float, "min_english_grade": float,
                         "min_maths_grade": float, "ehcp_required": bool, "withdrawn": bool,
                         "provider_open": bool})


def regions(slugs):
    return pd.DataFrame({"region_slug": list(slugs), "region_name": [s.title() for s in slugs]})


def no_matrix():
    return pd.DataFrame({"area_code": pd.Series([], dtype=object),
                         "site_id": pd.Series([], dtype=np.int64),
                         "mode": pd.Series([], dtype=object),
                         "minutes": pd.Series([], dtype=float)})


def matrix(rows, mode="car"):
    """rows: (area_code, site_id, minutes)."""
    return pd.DataFrame({"area_code": [r[0] for r in rows], "site_id": [r[1] for r in rows],
                         "mode": mode, "minutes": [float(r[2]) for r in rows]})


def inputs(area_rows, site_rows, offer_rows, matrix_rows=None, region_slugs=None):
    area_frame = areas(area_rows)
    site_frame = sites(site_rows)
    if region_slugs is None:
        region_slugs = sorted({r for r in area_frame["region_slug"] if r is not None})
    return Inputs(
        areas=area_frame, sites=site_frame, offers=offers(offer_rows, site_frame),
        regions=regions(region_slugs),
        matrix=no_matrix() if matrix_rows is None else matrix(matrix_rows),
    )
