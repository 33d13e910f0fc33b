"""Properties that must hold on any county (hypothesis, modest example counts)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldspots.results import compute_from_inputs
from tests.coldspots.builders import offers as build_offers
from tests.coldspots.strategies import KINDS, SUBJECTS, cases

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def counts(results):
    frame = results.area_level.set_index(["area_code", "level"]).sort_index()
    offers = frame["offers"].astype("Float64").fillna(0).to_numpy(dtype=float)
    providers = frame["providers"].astype("Float64").fillna(0).to_numpy(dtype=float)
    nearest = frame["nearest_minutes"].fillna(np.inf).to_numpy(dtype=float)
    return offers, providers, nearest


def with_offers(inputs, frame):
    return type(inputs)(inputs.areas, inputs.sites, frame, inputs.regions, inputs.matrix)


@SETTINGS
@given(case=cases(), data=st.data())
def test_adding_an_offer_never_reduces_choice(case, data):
    """More offers: no area loses options or providers, and none gets further from the nearest."""
    inputs, params = case
    level, kind = data.draw(st.sampled_from(KINDS))
    extra = build_offers([{
        "site_id": data.draw(st.sampled_from(list(inputs.sites["site_id"]))), "level": level,
        "qualification_type": kind, "subject": data.draw(st.sampled_from(SUBJECTS)),
    }], inputs.sites).assign(course_id=10_000)
    before = counts(compute_from_inputs(inputs, params))
    after = counts(compute_from_inputs(
        with_offers(inputs, pd.concat([inputs.offers, extra], ignore_index=True)), params))
    assert np.all(after[0] >= before[0])
    assert np.all(after[1] >= before[1])
    assert np.all(after[2] <= before[2])


@SETTINGS
@given(case=cases(), data=st.data())
def test_removing_an_offer_never_increases_choice(case, data):
    """Fewer offers: no area gains options or providers, and none gets nearer."""
    inputs, params = case
    if inputs.offers.empty:
        return
    drop = data.draw(st.sampled_from(list(inputs.offers["course_id"])))
    before = counts(compute_from_inputs(inputs, params))
    after = counts(compute_from_inputs(
        with_offers(inputs, inputs.offers[inputs.offers["course_id"] != drop]), params))
    assert np.all(after[0] <= before[0])
    assert np.all(after[1] <= before[1])
    assert np.all(after[2] >= before[2])


@SETTINGS
@given(case=cases(), wider=st.sampled_from([30, 45, 60, 75, 90]))
def test_larger_travel_time_never_creates_a_cold_spot(case, wider):
    """A cold spot at the wider time was already cold at the narrower; guarantee parts stay met."""
    inputs, params = case
    if wider < params.minutes:
        return
    narrow = compute_from_inputs(inputs, params)
    wide = compute_from_inputs(inputs, params.replace(minutes=wider))
    assert not (wide.area_level["cold"].to_numpy() & ~narrow.area_level["cold"].to_numpy()).any()
    for component in ("a_level", "t_level", "apprenticeship", "level_2", "pathway_l1_entry"):
        was_met = narrow.guarantee_areas[component].to_numpy() == "met"
        assert (wide.guarantee_areas[component].to_numpy()[was_met] == "met").all()


def _sorted(frame, keys):
    return frame.sort_values(keys).reset_index(drop=True)


@SETTINGS
@given(case=cases(), data=st.data())
def test_results_do_not_depend_on_row_order(case, data):
    """Shuffling the rows of every input frame changes no result."""
    inputs, params = case

    def shuffle(frame):
        order = data.draw(st.permutations(range(len(frame))))
        return frame.iloc[list(order)].reset_index(drop=True)

    shuffled = type(inputs)(shuffle(inputs.areas), shuffle(inputs.sites), shuffle(inputs.offers),
                            inputs.regions, shuffle(inputs.matrix))
    a = compute_from_inputs(inputs, params)
    b = compute_from_inputs(shuffled, params)
    for name, keys in (("area_level", ["area_code", "level"]),
                       ("area_type", ["area_code", "level", "qualification_type"]),
                       ("guarantee_areas", ["area_code"]),
                       ("send_areas", ["area_code"])):
        pd.testing.assert_frame_equal(_sorted(getattr(a, name), keys),
                                      _sorted(getattr(b, name), keys))
    for name in ("region_level", "guarantee_regions", "year_on_year", "send_reach"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(
        _sorted(a.duplication, ["course_id_a", "course_id_b"]),
        _sorted(b.duplication, ["course_id_a", "course_id_b"]), check_dtype=False)
    pd.testing.assert_frame_equal(a.small_sixth_forms, b.small_sixth_forms)
