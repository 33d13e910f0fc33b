"""The fast path (k-d tree, sparse pairs) must equal a brute-force loop over all pairs."""

import math

from hypothesis import HealthCheck, given, settings

from coldspots.results import compute_from_inputs
from tests.coldspots import reference
from tests.coldspots.builders import YEAR
from tests.coldspots.strategies import cases

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def same_minutes(fast, slow):
    if slow is None:
        return math.isnan(fast)
    return fast == slow  # exact: the same documented formula, evaluated pair by pair


@SETTINGS
@given(case=cases())
def test_choice_and_cold_spots_match_brute_force(case):
    """Offers, providers, nearest minutes and cold-spot rules equal the all-pairs reference."""
    inputs, params = case
    results = compute_from_inputs(inputs, params)
    expected = reference.choice(inputs, params, YEAR, params.minutes)
    cold = reference.cold_spots(inputs, params, YEAR)
    for row in results.area_level.itertuples():
        offers, providers, best = expected[(row.area_code, row.level)]
        if row.no_data:
            assert offers == 0 and best is None
        else:
            assert (row.offers, row.providers) == (offers, providers)
        assert same_minutes(row.nearest_minutes, best)
        assert (row.cold, row.cold_rule) == cold[(row.area_code, row.level)]


@SETTINGS
@given(case=cases())
def test_guarantee_matches_brute_force(case):
    """Every component's status and nearest minutes equal the all-pairs reference."""
    inputs, params = case
    results = compute_from_inputs(inputs, params)
    expected = reference.guarantee(inputs, params, YEAR)
    for row in results.guarantee_areas.to_dict("records"):
        for component, (status, best) in expected[row["area_code"]].items():
            assert row[component] == status
            if status != "no_data":
                assert same_minutes(row[f"{component}_minutes"], best)
