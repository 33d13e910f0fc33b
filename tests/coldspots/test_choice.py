"""The choice rule on hand-built frames: three states, open access, coverage, and properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldspots import choice, coverage
from coldspots.analysis import Inputs
from coldspots.params import AnalysisParams
from coldspots.results import compute_from_inputs
from tests.coldspots.builders import KM_PARAMS, inputs
from tests.coldspots.builders import offers as build_offers
from tests.coldspots.strategies import SUBJECTS, cases

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
ORDER = {"no_choice": 0, "reduced_choice": 1, "choice": 2}

# One area at the origin; open-access schools 5, 10 and 25 minutes away (1 km = 1 minute), a
# selective school 2 minutes away, an independent school 3 minutes away and a special school.
AREAS = [("A", 0, 0, 100, "east", 4)]
SITES = [(1, 1, 5, 0), (2, 2, 10, 0), (3, 3, 25, 0), (4, 4, 2, 0),
         (5, 5, 3, 0, "independent_school"), (6, 6, 1, 0, "special_school")]
OFFERS = [{"site_id": s, "level": "3", "qualification_type": "a_level"} for s in (1, 2, 3, 4, 5)]
OFFERS += [{"site_id": 6, "level": "3", "qualification_type": "a_level"},
           {"site_id": 1, "level": "2", "qualification_type": "l2_vocational"}]


def county(offers=OFFERS):
    data = inputs(AREAS, SITES, offers)
    sites = data.sites.assign(admissions_policy=np.where(data.sites["site_id"] == 4, "selective",
                                                         "non_selective"))
    return Inputs(data.areas, sites, data.offers, data.regions, data.matrix)


def at(results, level="3", area="A"):
    frame = results.area_level
    return frame[(frame["area_code"] == area) & (frame["level"] == level)].iloc[0]


def test_states_on_hand_built_cells():
    """0 providers: no choice; 2 < N: reduced; 3 but nearest 40 > X: reduced; 3 near: choice;
    an unmeasured level: partial data whatever the counts."""
    params = AnalysisParams(min_providers=3, max_nearest_minutes=30)
    codes = choice.states(np.array([0, 2, 3, 3, 5]), np.array([np.nan, 10, 40, 12, 5]),
                          np.array([True, True, True, True, False]), params)
    assert [choice.STATES[c] for c in codes] == [
        "no_choice", "reduced_choice", "reduced_choice", "choice", "partial_data"]


def test_open_access_leaves_out_selective_independent_and_specialist():
    """Only the three open schools count; the others are listed beside them."""
    results = compute_from_inputs(county(), KM_PARAMS)
    a = at(results)
    assert (a.providers, a.nearest_minutes, a.nearest_site_id) == (3, 5.0, 1)
    assert (a.selective_within, a.independent_within, a.specialist_within) == (1, 1, 1)
    assert a.state == "choice"
    assert at(results, "2").state == "reduced_choice"  # one provider at Level 2


def test_including_selective_and_independent_counts_them():
    """The filter adds them to the count (and to the nearest); they are no longer listed apart."""
    results = compute_from_inputs(
        county(), KM_PARAMS.replace(include_access=("selective", "independent")))
    a = at(results)
    assert (a.providers, a.nearest_minutes) == (5, 2.0)
    assert "selective_within" not in results.area_level and a.specialist_within == 1


def test_an_ehcp_only_offer_at_an_open_school_is_specialist():
    """An offer requiring an EHCP never counts in whole-cohort choice."""
    offers = [{"site_id": 1, "level": "1", "qualification_type": "supported_internship",
               "ehcp_required": True}]
    results = compute_from_inputs(county(offers), KM_PARAMS)
    a = at(results, "1")
    assert (a.providers, a.specialist_within) == (0, 1)


def test_coverage_needs_a_loaded_complete_source():
    """Performance tables measure Levels 2 and 3 in 2016/17; an officer's record measures
    nothing; a declared source with no record loaded measures nothing either."""
    offers = build_offers([
        {"site_id": 1, "level": "3"},
        {"site_id": 1, "level": "1", "qualification_type": "study_programme_l1_entry",
         "source_key": ""},
        {"site_id": 1, "level": "3", "qualification_type": "t_level", "academic_year": "2021/22",
         "source_key": "tlevels_2021"},
    ])
    cover = coverage.coverage(offers, "2016/17")
    assert cover.measured_levels == {"2", "3"} and "a_level" in cover.measured_types
    assert cover.level_state("1") == "partial" and cover.level_state("E") == "none"
    assert cover.level_sources["3"] == ("DfE 16–18 performance tables 2016/17",)
    later = coverage.coverage(offers, "2021/22")
    assert later.measured_levels == set() and later.measured_types == {"t_level"}
    assert coverage.coverage(offers, "2015/16").measured_levels == set()


def test_guarantee_shares_sit_side_by_side():
    """Met, not met and cannot be confirmed add up to the whole cohort in every LCPA."""
    results = compute_from_inputs(county(), KM_PARAMS)
    shares = results.guarantee_regions[["met_share", "not_met_share", "cannot_confirm_share"]]
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert results.guarantee_regions["cannot_confirm_share"].iloc[0] == 1.0  # no apprenticeships


def states_of(results):
    return results.area_level.set_index(["area_code", "level"])["state"].sort_index()


def with_offers(data, frame):
    return Inputs(data.areas, data.sites, frame, data.regions, data.matrix)


def extra_offer(data, draw, **fields):
    row = {"site_id": draw(st.sampled_from(list(data.sites["site_id"]))),
           "level": draw(st.sampled_from(["2", "3"])), "qualification_type": "a_level",
           "subject": draw(st.sampled_from(SUBJECTS)), **fields}
    if row["level"] == "2":
        row["qualification_type"] = "l2_vocational"
    return build_offers([row], data.sites).assign(course_id=10_000)


def never_worse(before, after):
    """No cell moves down the order no choice < reduced < choice; partial data stays put."""
    for key, old in before.items():
        new = after[key]
        if old == "partial_data" or new == "partial_data":
            assert old == new, key
        else:
            assert ORDER[new] >= ORDER[old], key


@SETTINGS
@given(case=cases(), data=st.data())
def test_more_open_access_supply_never_worsens_a_state(case, data):
    """An extra open-access offer (at a non-selective state school) never worsens any area.
    The offer is an officer's record, so that it adds supply without changing coverage."""
    inputs_, params = case
    sites = inputs_.sites.assign(provider_kind="school_sixth_form",
                                 admissions_policy="non_selective")
    inputs_ = Inputs(inputs_.areas, sites, inputs_.offers, inputs_.regions, inputs_.matrix)
    extra = extra_offer(inputs_, data.draw, source_key="")
    before = states_of(compute_from_inputs(inputs_, params))
    after = states_of(compute_from_inputs(
        with_offers(inputs_, pd.concat([inputs_.offers, extra], ignore_index=True)), params))
    never_worse(before, after)


@SETTINGS
@given(case=cases(), n=st.integers(1, 5), x=st.integers(5, 60),
       more=st.integers(0, 3), less=st.integers(0, 30))
def test_a_stricter_threshold_only_moves_areas_down(case, n, x, more, less):
    """Raising N or lowering X never improves an area's state; the reverse never worsens one."""
    inputs_, params = case
    loose = compute_from_inputs(inputs_, params.replace(min_providers=n, max_nearest_minutes=x))
    strict = compute_from_inputs(inputs_, params.replace(
        min_providers=min(n + more, 50), max_nearest_minutes=max(x - less, 5)))
    never_worse(states_of(strict), states_of(loose))


@SETTINGS
@given(case=cases(), data=st.data())
def test_a_selective_school_never_changes_open_access_choice(case, data):
    """Adding a selective school with offers changes no open-access count or state. (Its
    records are an officer's, so that coverage is the same before and after.)"""
    inputs_, params = case
    params = params.replace(include_access=())
    site_id = 999
    school = inputs_.sites.iloc[[0]].assign(
        site_id=site_id, provider_id=99, provider_kind="school_sixth_form",
        admissions_policy="selective",
        easting=inputs_.sites["easting"].iloc[0] + data.draw(st.integers(-5000, 5000)))
    sites = pd.concat([inputs_.sites, school], ignore_index=True)
    grown = Inputs(inputs_.areas, sites, inputs_.offers, inputs_.regions, inputs_.matrix)
    extra = build_offers([{"site_id": site_id, "level": level, "qualification_type": kind,
                           "source_key": ""}
                          for level, kind in (("3", "a_level"), ("2", "l2_vocational"))],
                         sites).assign(course_id=[20_000, 20_001])
    before = compute_from_inputs(inputs_, params).area_level
    after = compute_from_inputs(
        with_offers(grown, pd.concat([inputs_.offers, extra], ignore_index=True)), params
    ).area_level
    columns = ["area_code", "level", "providers", "nearest_minutes", "state"]
    # "No record at all" (NA) and 0 are the same open-access count here.
    before, after = (frame[columns].assign(providers=frame["providers"].fillna(0))
                     for frame in (before, after))
    pd.testing.assert_frame_equal(before, after)


@SETTINGS
@given(case=cases(), data=st.data())
def test_one_officer_record_at_an_unmeasured_level_changes_no_state(case, data):
    """A Level 1 or Entry record from an officer (no complete source) leaves every state as it
    was, and never turns an area cold."""
    inputs_, params = case
    level = data.draw(st.sampled_from(["1", "E"]))
    extra = build_offers([{
        "site_id": data.draw(st.sampled_from(list(inputs_.sites["site_id"]))), "level": level,
        "qualification_type": "study_programme_l1_entry", "source_key": "",
    }], inputs_.sites).assign(course_id=10_000)
    before = compute_from_inputs(inputs_, params)
    after = compute_from_inputs(
        with_offers(inputs_, pd.concat([inputs_.offers, extra], ignore_index=True)), params)
    pd.testing.assert_series_equal(states_of(before), states_of(after))
    assert not (after.area_level["cold"] & ~before.area_level["cold"]).any()


@pytest.mark.parametrize("state, expected", [
    ("reduced_choice", "Reduced choice: 2 open-access providers within 60 minutes; nearest: "
                       "Hythe School, 34 minutes (plus 1 selective within reach)."),
    ("no_choice", "No choice: 0 open-access providers within 60 minutes; none recorded "
                  "anywhere (plus 1 selective within reach)."),
])
def test_reason_text_names_count_nearest_and_state(state, expected):
    """The sentence every verdict carries."""
    nearest = "Hythe School" if state != "no_choice" else ""
    providers = 2 if state != "no_choice" else 0
    text = choice.reason_text(state, providers, 60, nearest, 34.4 if nearest else None,
                              {"selective": 1, "independent": 0})
    assert text == expected


def test_partial_data_reason_gives_no_verdict():
    """A level that is not measured says so first, then what the records show."""
    text = choice.reason_text("partial_data", 1, 60, "Site A", 12.0)
    assert text.startswith("Partial data, no verdict: the level is not fully recorded")
    assert "Recorded: 1 open-access provider within 60 minutes; nearest: Site A, 12 minutes" in text


def test_reduced_choice_reason_names_the_part_of_the_rule_it_fails():
    """With the parameters given, the sentence says which threshold was missed."""
    params = AnalysisParams(min_providers=3, max_nearest_minutes=30)
    assert choice.reason_text("reduced_choice", 4, 60, "Site A", 39.0, params=params).endswith(
        "nearest: Site A, 39 minutes — nearest more than 30 minutes away.")
    assert choice.reason_text("reduced_choice", 1, 60, "Site A", 12.0, params=params).endswith(
        "— fewer than 3 providers.")


def test_apprenticeships_are_read_per_district_where_the_year_has_starts():
    """With district starts for the year, the part is met where the area's district has at
    least 2 providers at a level, not met below that; with none, it cannot be confirmed."""
    data = county()

    def supply(providers):
        return pd.DataFrame({"district_code": ["E07000106"], "academic_year": ["2016/17"],
                             "providers_l2": [providers], "providers_l3": [0]})

    for providers, status in ((2, "met"), (1, "not_met")):
        with_starts = Inputs(data.areas, data.sites, data.offers, data.regions, data.matrix,
                             apprenticeships=supply(providers))
        results = compute_from_inputs(with_starts, KM_PARAMS)
        assert results.guarantee_areas["apprenticeship"].tolist() == [status]
        assert results.apprenticeships_by_district
    other_year = Inputs(data.areas, data.sites, data.offers, data.regions, data.matrix,
                        apprenticeships=supply(5).assign(academic_year="2023/24"))
    results = compute_from_inputs(other_year, KM_PARAMS)
    assert results.guarantee_areas["apprenticeship"].tolist() == ["no_data"]
