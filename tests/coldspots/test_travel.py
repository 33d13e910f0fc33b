"""Travel-time estimate, reach radius, sparse reach and nearest-site queries."""

import numpy as np
import pandas as pd
import pytest

from coldspots.params import MODE_ASSUMPTIONS, ModeAssumptions
from coldspots.travel import (
    build_reach,
    estimate_minutes,
    minutes_from_point,
    nearest,
    reach_radius_m,
    travel_method,
)

KM = ModeAssumptions(detour_factor=1.0, speed_kmh=60.0, fixed_minutes=0.0)


def test_public_transport_estimate_by_hand():
    """1 km by pt walks (15.625 min beats 12 + 3.9); 10 km takes the bus: 12 + 39 = 51 min."""
    pt = MODE_ASSUMPTIONS["pt"]
    minutes = estimate_minutes(np.array([0.0, 1000.0, 10_000.0]), pt)
    assert minutes[0] == 0.0
    assert minutes[1] == pytest.approx(1000 * 1.25 / 80)
    assert minutes[2] == pytest.approx(12 + 10_000 * 1.3 / (20_000 / 60))


def test_car_and_walk_estimates_by_hand():
    """10 km by car: 3 + 10 × 1.3 / 40 × 60 = 22.5 min; 2 km walking: 2 × 1.25 / 4.8 × 60."""
    assert estimate_minutes(10_000.0, MODE_ASSUMPTIONS["car"]) == pytest.approx(22.5)
    assert estimate_minutes(2_000.0, MODE_ASSUMPTIONS["walk"]) == pytest.approx(31.25)


def test_reach_radius_inverts_the_estimate():
    """The radius for a limit is the distance whose estimate equals the limit."""
    for mode in MODE_ASSUMPTIONS.values():
        for limit in (30, 45, 60, 75):
            radius = reach_radius_m(limit, mode)
            assert estimate_minutes(radius, mode) == pytest.approx(limit)
    car = MODE_ASSUMPTIONS["car"]
    assert reach_radius_m(2, car) == -1.0  # less than the fixed minutes to park


def frame(rows, code="code"):
    return pd.DataFrame({code: [r[0] for r in rows], "easting": [r[1] for r in rows],
                         "northing": [r[2] for r in rows]})


ORIGINS = frame([("A", 0.0, 0.0), ("B", 50_000.0, 0.0)])
SITES = frame([(1, 10_000.0, 0.0), (2, 0.0, 30_000.0), (3, 45_000.0, 0.0)], code="site_id")


def test_reach_keeps_only_pairs_within_the_limit():
    """A reaches site 1 (10 min) and site 2 (exactly 30); B reaches site 3 (5 min) only."""
    reach = build_reach(ORIGINS, SITES, 30, KM)
    pairs = reach.pairs_frame()
    assert sorted(zip(pairs.origin_code, pairs.site_id, pairs.minutes, strict=True)) == [
        ("A", 1, 10.0), ("A", 2, 30.0), ("B", 3, 5.0)]
    assert set(pairs["method"]) == {"estimate"}
    assert reach.method == "estimate"


def test_matrix_shortens_beyond_radius_and_lengthens_within():
    """An import can bring a far site into reach and push a near one out of it."""
    matrix = pd.DataFrame({"area_code": ["B", "A", "Z"], "site_id": [2, 1, 1],
                           "minutes": [20.0, 50.0, 1.0]})
    reach = build_reach(ORIGINS, SITES, 30, KM, matrix)
    pairs = reach.pairs_frame()
    assert sorted(zip(pairs.origin_code, pairs.site_id, pairs.method, strict=True)) == [
        ("A", 2, "estimate"), ("B", 2, "matrix"), ("B", 3, "estimate")]
    assert reach.method == "mixed"
    assert reach.matrix_pairs_unmatched == 1  # area Z is unknown


def test_nearest_honours_the_matrix_beyond_reach():
    """With A–site 1 lengthened to 50 min, A's nearest are site 2 (30), site 3 (45), site 1 (50)."""
    matrix = pd.DataFrame({"area_code": ["A"], "site_id": [1], "minutes": [50.0]})
    reach = build_reach(ORIGINS, SITES, 5, KM, matrix)
    found = nearest(reach, np.array([True, True, True]), np.array([0]), k=3)
    assert list(found["site"]) == [1, 2, 0]  # positions of sites 2, 3, 1
    assert list(found["minutes"]) == [30.0, 45.0, 50.0]
    only_far = nearest(reach, np.array([True, False, False]), None, k=1)
    assert list(only_far["minutes"]) == [50.0, 40.0]


def test_within_narrows_a_reach():
    """Narrowing 30 minutes to 10 keeps A–site 1 and B–site 3 only."""
    reach = build_reach(ORIGINS, SITES, 30, KM).within(10)
    assert sorted(zip(reach.origin, reach.site, strict=True)) == [(0, 0), (1, 2)]
    with pytest.raises(ValueError):
        reach.within(40)


def test_travel_method_names():
    """No imported pairs → estimate; all pairs → matrix; some → mixed."""
    assert (travel_method(0, 10), travel_method(10, 10), travel_method(3, 10)) == (
        "estimate", "matrix", "mixed")


def test_minutes_from_a_point():
    """A postcode's minutes to each site use the estimate in the sites' order."""
    minutes = minutes_from_point(0.0, 0.0, SITES, KM)
    assert list(minutes) == [10.0, 30.0, 45.0]
