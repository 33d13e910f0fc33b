"""The fast path (k-d tree, sparse pairs) must equal a brute-force loop over all pairs."""

import math
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldspots import analysis
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
def test_choice_by_qualification_type_matches_brute_force(case):
    """Per area × level × type: options, providers and nearest minutes equal the reference."""
    inputs, params = case
    results = compute_from_inputs(inputs, params)
    expected = reference.choice_by_type(inputs, params, YEAR, params.minutes)
    got = {(row.area_code, row.level, row.qualification_type): row
           for row in results.area_type.itertuples()}
    assert set(got) == set(expected)
    for key, (offers, providers, best) in expected.items():
        assert (got[key].offers, got[key].providers) == (offers, providers)
        assert same_minutes(got[key].nearest_minutes, best)


@SETTINGS
@given(case=cases())
def test_distinct_counts_in_small_blocks_match_brute_force(case):
    """With a tiny scratch table the counts are made block by block and must not change."""
    inputs, params = case
    with mock.patch.object(analysis, "TABLE_LIMIT", 7):
        results = compute_from_inputs(inputs, params)
    expected = reference.choice(inputs, params, YEAR, params.minutes)
    for row in results.area_level.itertuples():
        if not row.no_data:
            assert (row.offers, row.providers) == expected[(row.area_code, row.level)][:2]


@SETTINGS
@given(case=cases())
def test_guarantee_matches_brute_force(case):
    """Every component's status and nearest minutes equal the all-pairs reference."""
    inputs, params = case
    results = compute_from_inputs(inputs, params)
    expected = reference.guarantee(inputs, params, YEAR)
    for row in results.guarantee_areas.to_dict("records"):
        statuses = []
        for component, (status, best) in expected[row["area_code"]].items():
            assert row[component] == status
            statuses.append(status)
            if status != "no_data":
                assert same_minutes(row[f"{component}_minutes"], best)
        if "not_met" in statuses:
            verdict = "not_met"
        else:
            verdict = "cannot_confirm" if "no_data" in statuses else "met"
        assert row["verdict"] == verdict
        assert row["meets"] == (verdict == "met")


@SETTINGS
@given(case=cases(), data=st.data())
def test_duplication_matches_brute_force(case, data):
    """Collaboration candidate pairs and their flags equal the all-pairs reference."""
    inputs, params = case
    # Few options and mostly small numbers, so that candidate pairs are common.
    n = len(inputs.offers)
    offers = inputs.offers.assign(
        level="3", qualification_type="a_level",
        subject=data.draw(st.lists(st.sampled_from(["Maths", "maths", "Art"]),
                                   min_size=n, max_size=n)),
        learners=data.draw(st.lists(st.one_of(st.none(), st.integers(0, 25)),
                                    min_size=n, max_size=n)),
    ).astype({"learners": float})
    inputs = type(inputs)(inputs.areas, inputs.sites, offers, inputs.regions, inputs.matrix)
    params = params.replace(duplication_minutes=15)  # a grid step: pairs land on the limit
    found = compute_from_inputs(inputs, params).duplication
    got = {(row.course_id_a, row.course_id_b): (bool(row.same_lcpa), bool(row.within_minutes))
           for row in found.itertuples()}
    assert got == reference.duplication_pairs(inputs, params, YEAR)
