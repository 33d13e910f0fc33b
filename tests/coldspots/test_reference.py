"""The fast path (k-d tree, sparse pairs) must equal a brute-force loop over all pairs."""

import math
from unittest import mock

import pytest
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
    """Offers, providers, nearest minutes and choice states equal the all-pairs reference."""
    inputs, params = case
    results = compute_from_inputs(inputs, params)
    expected = reference.choice(inputs, params, YEAR, params.minutes)
    state = reference.states(inputs, params, YEAR)
    for row in results.area_level.itertuples():
        offers, providers, best = expected[(row.area_code, row.level)]
        if row.no_data:
            assert offers == 0 and best is None
        else:
            assert (row.offers, row.providers) == (offers, providers)
        assert same_minutes(row.nearest_minutes, best)
        assert row.state == state[(row.area_code, row.level)]


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


@SETTINGS
@given(case=cases(), data=st.data())
def test_year_on_year_matches_brute_force(case, data):
    """Offers and learners per LCPA × level in two years equal the all-rows reference, with
    some offers moved to the earlier year (so regions have offers in one year only)."""
    inputs, params = case
    earlier = "2015/16"
    moved = data.draw(st.lists(st.booleans(), min_size=len(inputs.offers),
                               max_size=len(inputs.offers)))
    offers = inputs.offers.assign(academic_year=[earlier if m else YEAR for m in moved])
    inputs = type(inputs)(inputs.areas, inputs.sites, offers, inputs.regions, inputs.matrix)
    found = compute_from_inputs(inputs, params.replace(compare_year=earlier)).year_on_year
    expected = reference.year_on_year(inputs, params, earlier, YEAR)
    assert len(found) == len(expected)
    for row in found.itertuples():
        for suffix in ("from", "to"):
            offers_n, learners, no_data = expected[(row.region_slug, row.level)][suffix]
            assert getattr(row, f"no_data_{suffix}") == no_data
            got_offers = getattr(row, f"offers_{suffix}")
            got_learners = getattr(row, f"learners_{suffix}")
            assert math.isnan(got_offers) if offers_n is None else got_offers == offers_n
            assert math.isnan(got_learners) if learners is None else got_learners == learners


@SETTINGS
@given(case=cases())
def test_region_summaries_match_brute_force(case):
    """Cohort share in cold spots, options per 1,000 and cohort-weighted median / p90 minutes
    per LCPA × level (and Kent) equal the all-pairs reference."""
    inputs, params = case
    found = compute_from_inputs(inputs, params).region_level
    expected = reference.region_summary(inputs, params, YEAR)
    assert len(found) == len(expected)
    for row in found.itertuples():
        values = (row.cold_share, row.options_per_1000, row.median_minutes, row.p90_minutes)
        for got, want in zip(values, expected[(row.region_slug, row.level)], strict=True):
            assert math.isnan(got) if want is None else got == pytest.approx(want)


@SETTINGS
@given(case=cases(), data=st.data())
def test_send_and_ap_reach_match_brute_force(case, data):
    """Minutes to the nearest specialist and AP site per area, the EHCP-weighted mean and the
    cohort share with AP within reach per LCPA equal the all-pairs reference."""
    inputs, params = case
    kinds = data.draw(st.lists(
        st.sampled_from(["school_sixth_form", "special_school", "alternative_provision"]),
        min_size=len(inputs.sites), max_size=len(inputs.sites)))
    sites = inputs.sites.assign(provider_kind=kinds)
    inputs = type(inputs)(inputs.areas, sites, inputs.offers, inputs.regions, inputs.matrix)
    results = compute_from_inputs(inputs, params)
    per_area, per_region = reference.send_reach(inputs, params)
    for row in results.send_areas.itertuples():
        for got, want in zip((row.specialist_minutes, row.ap_minutes), per_area[row.area_code],
                             strict=True):
            assert math.isnan(got) if want is None else got == want
    for row in results.send_reach.itertuples():
        mean, reach = per_region[row.region_slug]
        for got, want in ((row.specialist_mean_minutes, mean), (row.ap_reach_share, reach)):
            assert math.isnan(got) if want is None else got == pytest.approx(want)
