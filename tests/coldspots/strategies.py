"""Hypothesis strategies: small random counties (areas, sites, offers, imported times)."""

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from coldspots.analysis import Inputs
from coldspots.params import AnalysisParams
from tests.coldspots.builders import ORIGIN_E, ORIGIN_N, YEAR, no_matrix, offers, regions

KINDS = [("3", "a_level"), ("3", "t_level"), ("3", "apprenticeship_advanced"),
         ("2", "l2_vocational"), ("2", "apprenticeship_intermediate"),
         ("1", "study_programme_l1_entry"), ("E", "study_programme_l1_entry")]
SUBJECTS = ["", "Maths", "maths", "Art", "Digital"]
REGIONS = ["east", "west"]

# Half the time places sit on a 15 km grid, so that (with 1 km = 1 minute) journeys land exactly
# on the travel-time limit and the boundary is tested; otherwise anywhere to the metre.
ANYWHERE = st.integers(min_value=0, max_value=40_000)
ON_GRID = st.integers(min_value=0, max_value=3).map(lambda k: k * 15_000)


@st.composite
def offer_rows(draw, site_ids, size=(0, 14)):
    rows = []
    for _ in range(draw(st.integers(*size))):
        level, kind = draw(st.sampled_from(KINDS))
        rows.append({
            "site_id": draw(st.sampled_from(site_ids)), "level": level,
            "qualification_type": kind, "subject": draw(st.sampled_from(SUBJECTS)),
            "learners": draw(st.one_of(st.none(), st.integers(0, 60))),
            "min_maths_grade": draw(st.one_of(st.none(), st.integers(3, 7))),
            "ehcp_required": draw(st.booleans()) if level in ("1", "E") else False,
            "withdrawn": draw(st.booleans()) and draw(st.booleans()),
            "academic_year": YEAR,
        })
    return rows


@st.composite
def counties(draw, max_areas=8, max_sites=6, with_matrix=True, on_grid=None):
    if on_grid is None:
        on_grid = draw(st.booleans())
    metres = ON_GRID if on_grid else ANYWHERE
    n = draw(st.integers(1, max_areas))
    m = draw(st.integers(1, max_sites))
    area_frame = pd.DataFrame({
        "area_code": [f"E0{i:07d}" for i in range(n)],
        "easting": [ORIGIN_E + draw(metres) for _ in range(n)],
        "northing": [ORIGIN_N + draw(metres) for _ in range(n)],
        "cohort_16_17": [float(draw(st.integers(0, 200))) for _ in range(n)],
        "cohort_16": np.nan,
        "ehcp_16_17": [float(draw(st.integers(0, 10))) for _ in range(n)],
        "region_slug": [draw(st.sampled_from(REGIONS)) for _ in range(n)],
        "in_kent": True, "cohort_year": "2021/22", "cohort_is_estimate": True,
    })
    site_ids = [10 + j for j in range(m)]
    site_frame = pd.DataFrame({
        "site_id": site_ids,
        "site_name": [f"Site {j}" for j in site_ids],
        "provider_id": [draw(st.integers(1, 4)) for _ in range(m)],
        "provider_name": "P", "provider_urn": pd.array([None] * m, dtype="Int64"),
        "provider_kind": [draw(st.sampled_from(["school_sixth_form", "fe_college",
                                                "special_school", "alternative_provision",
                                                "independent_school"]))
                          for _ in range(m)],
        "admissions_policy": [draw(st.sampled_from(["non_selective", "selective"]))
                              for _ in range(m)],
        "specialist_send": False, "provider_open": True, "is_main": True,
        "easting": [ORIGIN_E + draw(metres) for _ in range(m)],
        "northing": [ORIGIN_N + draw(metres) for _ in range(m)],
        "region_slug": [draw(st.sampled_from([*REGIONS, None])) for _ in range(m)],
    })
    offer_frame = offers(draw(offer_rows(site_ids)), site_frame)
    matrix = no_matrix()
    mode = draw(st.sampled_from(["pt", "car"]))
    if with_matrix and draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(site_ids),
                                        st.integers(0, 120)), max_size=6))
        matrix = pd.DataFrame({"area_code": [f"E0{i:07d}" for i, _, _ in pairs],
                               "site_id": [s for _, s, _ in pairs],
                               "mode": mode, "minutes": [float(x) for *_, x in pairs]})
        matrix = matrix.drop_duplicates(["area_code", "site_id"], keep="last")
    return Inputs(area_frame, site_frame, offer_frame, regions(REGIONS), matrix)


KM_TRAVEL = {"mode": "car", "detour_factor": 1.0, "speed_kmh": 60.0, "fixed_minutes": 0.0}
DEFAULT_TRAVEL = {"mode": "pt"}


@st.composite
def params_strategy(draw):
    """Default public-transport assumptions, or 1 km = 1 minute by car (exact boundaries)."""
    travel = draw(st.sampled_from([DEFAULT_TRAVEL, KM_TRAVEL]))
    return draw(_params).replace(**travel)


_params = st.builds(
    AnalysisParams,
    minutes=st.sampled_from([15, 30, 45, 60]),
    min_providers=st.integers(1, 4),
    max_nearest_minutes=st.sampled_from([10, 15, 30, 45]),
    include_access=st.sampled_from([(), ("selective",), ("selective", "independent")]),
    maths_grade=st.one_of(st.none(), st.integers(3, 7)),
    has_ehcp=st.booleans(),
    year=st.just(YEAR),
)


@st.composite
def cases(draw):
    """(inputs, params): with 1 km = 1 minute travel the places sit on the 15 km grid, so many
    journeys take exactly the travel-time limit."""
    params = draw(params_strategy())
    inputs = draw(counties(on_grid=params.mode == "car" or None))
    return inputs, params
