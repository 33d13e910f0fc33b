"""Unit tests on a hand-built county whose answers are worked out below.

Travel is 1 km = 1 minute (KM_PARAMS), limit 30 minutes. Places (km):
  areas  A (0,0) east cohort 100 · B (50,0) east 50 · C (100,0) west 10 · D (35,0) east 20
  sites  S1 (10,0) provider 1 east · S2 (20,0) provider 2 east · S3 (100,40) provider 3 west
         S4 (0,30) provider 4, a special school, east, no courses
Distances: A–S1 10, A–S2 20; B–S1 40, B–S2 30, B–S3 64.0; C–S3 40, C–S2 80, C–S1 90;
           D–S1 25, D–S2 15.
Offers 2016/17: S1 A Level maths (10 learners), physics (30), chemistry, L2 construction;
                S2 A Level maths (12), T Level Digital; S3 A Level maths (5).
"""

import math

import pandas as pd
import pytest

from coldspots.analysis import Inputs
from coldspots.results import compute_from_inputs
from tests.coldspots.builders import KM_PARAMS, inputs

AREAS = [("A", 0, 0, 100, "east", 2), ("B", 50, 0, 50, "east", 1), ("C", 100, 0, 10, "west", 1),
         ("D", 35, 0, 20, "east", 0)]
SITES = [(1, 1, 10, 0, "school_sixth_form", "east"), (2, 2, 20, 0, "school_sixth_form", "east"),
         (3, 3, 100, 40, "school_sixth_form", "west"), (4, 4, 0, 30, "special_school", "east")]
OFFERS = [
    {"site_id": 1, "level": "3", "qualification_type": "a_level", "subject": "Maths",
     "learners": 10},
    {"site_id": 1, "level": "3", "qualification_type": "a_level", "subject": "Physics",
     "learners": 30},
    {"site_id": 1, "level": "3", "qualification_type": "a_level", "subject": "Chemistry"},
    {"site_id": 1, "level": "2", "qualification_type": "l2_vocational",
     "subject": "Construction"},
    {"site_id": 2, "level": "3", "qualification_type": "a_level", "subject": "maths",
     "learners": 12},
    {"site_id": 2, "level": "3", "qualification_type": "t_level", "tlevel_route": "Digital"},
    {"site_id": 3, "level": "3", "qualification_type": "a_level", "subject": "Maths",
     "learners": 5},
    {"site_id": 1, "level": "3", "qualification_type": "a_level", "subject": "Maths",
     "learners": 8, "academic_year": "2015/16"},
]
# Choice: at least 2 providers within 30 minutes and the nearest within 20.
PARAMS = KM_PARAMS.replace(year="2016/17", min_providers=2, max_nearest_minutes=20)


def county(matrix_rows=None):
    return inputs(AREAS, SITES, OFFERS, matrix_rows)


def cell(frame, area, level):
    row = frame[(frame["area_code"] == area) & (frame["level"] == level)]
    assert len(row) == 1
    return row.iloc[0]


def region(frame, slug, level=None):
    rows = frame[frame["region_slug"] == slug]
    if level is not None:
        rows = rows[rows["level"] == level]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture(scope="module")
def results():
    return compute_from_inputs(county(), PARAMS)


def test_choice_counts_distinct_options_and_providers_within_reach(results):
    """Level 3 choice: distinct type+subject (case-insensitive) and providers within 30 minutes."""
    a = cell(results.area_level, "A", "3")
    assert (a.offers, a.providers, a.nearest_minutes) == (4, 2, 10.0)
    b = cell(results.area_level, "B", "3")  # S2 exactly 30 minutes away counts as within reach
    assert (b.offers, b.providers, b.nearest_minutes, b.nearest_site_id) == (2, 1, 30.0, 2)
    d = cell(results.area_level, "D", "3")
    assert (d.offers, d.providers, d.nearest_minutes) == (4, 2, 15.0)


def test_nearest_beyond_reach_is_reported(results):
    """An area with nothing within reach still gets the minutes to its nearest offer."""
    c = cell(results.area_level, "C", "3")
    assert (c.offers, c.providers) == (0, 0)
    assert c.nearest_minutes == 40.0 and c.nearest_site_id == 3
    assert cell(results.area_level, "C", "2").nearest_minutes == 90.0


def test_three_states_follow_the_rule(results):
    """C has nothing (no choice); B has 1 provider < N = 2 (reduced); A and D have 2 providers,
    the nearest within 20 minutes (choice); B reaches no Level 2 offer (no choice)."""
    state = {area: cell(results.area_level, area, "3").state for area in "ABCD"}
    assert state == {"A": "choice", "B": "reduced_choice", "C": "no_choice", "D": "choice"}
    assert cell(results.area_level, "B", "2").state == "no_choice"
    assert cell(results.area_level, "B", "3").cold and not cell(results.area_level, "A", "3").cold


def test_a_far_nearest_offer_is_reduced_choice_however_many_providers():
    """With X = 12 minutes, D (nearest 15 minutes, 2 providers) has reduced choice; A (10) not."""
    results = compute_from_inputs(county(), PARAMS.replace(max_nearest_minutes=12))
    assert cell(results.area_level, "D", "3").state == "reduced_choice"
    assert cell(results.area_level, "A", "3").state == "choice"


def test_level_without_any_record_is_no_data_not_zero(results):
    """No Level 1 offer is recorded anywhere: counts are missing and no area is a cold spot."""
    rows = results.area_level[results.area_level["level"] == "1"]
    assert rows["no_data"].all() and set(rows["state"]) == {"partial_data"}
    assert rows["offers"].isna().all() and rows["providers"].isna().all()
    assert not rows["cold"].any()
    assert set(results.no_data_levels) == {"E", "1"}
    assert results.recorded_types == ("a_level", "t_level", "l2_vocational")
    assert "apprenticeship_advanced" in results.unrecorded_types
    assert region(results.region_level, "east", "1").no_data
    assert math.isnan(region(results.region_level, "east", "1").cold_share)


def test_region_summary_is_cohort_weighted(results):
    """East L3: B (50 of 170) is cold; 5 offers at east sites; weighted median 10, p90 30."""
    east = region(results.region_level, "east", "3")
    assert east.cohort == 170
    assert east.cold_share == pytest.approx(50 / 170)
    assert east.options == 5 and east.options_per_1000 == pytest.approx(5000 / 170)
    assert (east.median_minutes, east.p90_minutes) == (10.0, 30.0)
    west = region(results.region_level, "west", "3")
    assert (west.cold_share, west.options_per_1000, west.median_minutes) == (1.0, 100.0, 40.0)
    kent = region(results.region_level, "kent", "3")
    assert kent.cohort == 180 and kent.cold_share == pytest.approx(60 / 180)
    assert kent.options == 6


def test_choice_by_qualification_type(results):
    """Per type at level 3: A reaches 3 A Level subjects at 2 providers and 1 T Level route."""
    rows = results.area_type[(results.area_type["area_code"] == "A")
                             & (results.area_type["level"] == "3")].set_index(
        "qualification_type")
    assert (rows.loc["a_level", "offers"], rows.loc["a_level", "providers"]) == (3, 2)
    assert (rows.loc["t_level", "offers"], rows.loc["t_level", "nearest_minutes"]) == (1, 20.0)


def test_guarantee_by_area_and_region(results):
    """B misses Level 2 (40 min); C misses A and T Levels; apprenticeships and L1 have no data."""
    g = results.guarantee_areas.set_index("area_code")
    assert tuple(g.loc["A", ["a_level", "t_level", "level_2"]]) == ("met", "met", "met")
    assert g.loc["A", "apprenticeship"] == "no_data"
    assert g.loc["A", "pathway_l1_entry"] == "no_data"
    # Every part with data is met at A and D, but two parts have no data: not confirmed.
    assert g.loc["A", "meets_checked_parts"] and g.loc["D", "meets_checked_parts"]
    assert not g.loc["A", "meets"]
    assert (g.loc["A", "verdict"], g.loc["B", "verdict"]) == ("cannot_confirm", "not_met")
    assert g.loc["B", "level_2"] == "not_met" and g.loc["B", "level_2_minutes"] == 40.0
    assert not g.loc["B", "meets_checked_parts"]
    assert (g.loc["C", "a_level"], g.loc["C", "a_level_minutes"]) == ("not_met", 40.0)
    assert g.loc["C", "t_level_minutes"] == 80.0
    assert g.loc["A", "no_data_components"] == "apprenticeship,pathway_l1_entry"
    east = region(results.guarantee_regions, "east")
    assert east.covered_share == 0  # the whole guarantee cannot be met with parts unrecorded
    assert east.covered_share_checked_parts == pytest.approx(120 / 170)
    assert east.parts_without_data == 2
    assert east.weakest_component == "level_2"
    assert east.level_2_share == pytest.approx(120 / 170)
    assert math.isnan(east.apprenticeship_share)
    west = region(results.guarantee_regions, "west")
    assert west.covered_share_checked_parts == 0 and west.weakest_component == "a_level"
    kent = region(results.guarantee_regions, "kent")
    assert kent.covered_share_checked_parts == pytest.approx(120 / 180)


def test_guarantee_met_when_all_five_parts_are_recorded_and_reached():
    """With an apprenticeship and a Level 1 course at S1, A and D meet the whole guarantee."""
    offers = [*OFFERS,
              {"site_id": 1, "level": "3", "qualification_type": "apprenticeship_advanced"},
              {"site_id": 2, "level": "1", "qualification_type": "study_programme_l1_entry"}]
    results = compute_from_inputs(inputs(AREAS, SITES, offers), PARAMS)
    g = results.guarantee_areas.set_index("area_code")
    assert g.loc["A", "meets"] and g.loc["A", "verdict"] == "met"
    assert g.loc["B", "verdict"] == "not_met"  # Level 2 (S1) is 40 minutes away
    east = region(results.guarantee_regions, "east")
    assert east.covered_share == pytest.approx(120 / 170)
    assert east.covered_share == east.covered_share_checked_parts
    # B reaches no apprenticeship, and no source measures apprenticeships: cannot be confirmed.
    assert east.no_data_components == "apprenticeship" and east.parts_without_data == 1
    assert east.met_share + east.not_met_share + east.cannot_confirm_share == pytest.approx(1)


def test_learner_profile_filters_by_entry_requirements():
    """Without grade 6 maths, an A Level asking for it drops out and B no longer reaches one."""
    offers = [dict(o) for o in OFFERS]
    offers[4]["min_maths_grade"] = 6  # S2 maths
    data = inputs(AREAS, SITES, offers)
    strong = compute_from_inputs(data, PARAMS.replace(maths_grade=7)).guarantee_areas
    weak = compute_from_inputs(data, PARAMS.replace(maths_grade=4)).guarantee_areas
    any_grade = compute_from_inputs(data, PARAMS).guarantee_areas
    assert strong.set_index("area_code").loc["B", "a_level"] == "met"
    assert any_grade.set_index("area_code").loc["B", "a_level"] == "met"
    b = weak.set_index("area_code").loc["B"]
    assert b["a_level"] == "not_met" and b["a_level_minutes"] == 40.0  # S1 A Levels


def test_ehcp_only_offers_count_only_for_a_learner_with_an_ehcp():
    """A supported internship (EHCP required) is a Level 1 pathway only when the learner has one."""
    offers = [*OFFERS, {"site_id": 2, "level": "1", "qualification_type": "supported_internship",
                        "ehcp_required": True}]
    data = inputs(AREAS, SITES, offers)
    without = compute_from_inputs(data, PARAMS).guarantee_areas.set_index("area_code")
    with_plan = compute_from_inputs(data, PARAMS.replace(has_ehcp=True)).guarantee_areas
    # Only EHCP-only Level 1 offers are recorded: for a learner without a plan that is no data.
    assert without.loc["A", "pathway_l1_entry"] == "no_data"
    assert with_plan.set_index("area_code").loc["A", "pathway_l1_entry"] == "met"
    general = [*offers, {"site_id": 3, "level": "1", "qualification_type": "gcse_resit"}]
    mixed = compute_from_inputs(inputs(AREAS, SITES, general), PARAMS).guarantee_areas
    a = mixed.set_index("area_code").loc["A"]
    # A GCSE resit 104 minutes away, at a level no complete source measures: not "not met".
    assert (a["pathway_l1_entry"], a["pathway_l1_entry_site_id"]) == ("no_data", 3)


def test_duplication_finds_small_same_option_pairs(results):
    """Only S1 and S2 maths (10 and 12 learners, same LCPA, 10 min apart) are candidates."""
    dup = results.duplication
    assert len(dup) == 1
    row = dup.iloc[0]
    assert {row.provider_id_a, row.provider_id_b} == {1, 2}
    assert row.same_lcpa and row.within_minutes and row.minutes_apart == 10.0
    assert row.offer_key == "a_level|maths"


def test_duplication_within_minutes_across_lcpas():
    """Two small offers 20 minutes apart in different LCPAs are candidates by distance only."""
    sites = [(1, 1, 0, 0, "school_sixth_form", "east"), (2, 2, 20, 0, "school_sixth_form", "west")]
    offers = [{"site_id": 1, "subject": "Art", "learners": 3},
              {"site_id": 2, "subject": "art", "learners": 4}]
    dup = compute_from_inputs(inputs(AREAS, sites, offers), PARAMS).duplication
    assert len(dup) == 1 and not dup.iloc[0].same_lcpa and dup.iloc[0].within_minutes
    far = compute_from_inputs(inputs(AREAS, sites, offers),
                              PARAMS.replace(duplication_minutes=15)).duplication
    assert far.empty


def test_small_sixth_forms_sum_known_learners():
    """With a threshold of 30, providers 2 (12 learners) and 3 (5) are flagged, not 1 (40)."""
    results = compute_from_inputs(county(), PARAMS.replace(small_sixth_form=30))
    flagged = results.small_sixth_forms.set_index("provider_id")["learners"].to_dict()
    assert flagged == {2: 12.0, 3: 5.0}
    assert set(results.small_sixth_forms["size_source"]) == {"courses"}


def test_small_sixth_forms_use_the_headcount_where_recorded():
    """A recorded 16–18 headcount for the year replaces the sum of course learners."""
    # Provider 2 has 250 students (not small); provider 1 has 25 (small, though its courses sum
    # to 40); provider 2's 2015/16 figure is ignored for 2016/17.
    data = county()
    enrolments = pd.DataFrame({"provider_id": [1, 2, 2], "students_16_18": [25.0, 250.0, 10.0],
                               "academic_year": ["2016/17", "2016/17", "2015/16"]})
    data = Inputs(data.areas, data.sites, data.offers, data.regions, data.matrix, enrolments)
    results = compute_from_inputs(data, PARAMS.replace(small_sixth_form=30))
    flagged = results.small_sixth_forms.set_index("provider_id")
    assert flagged["learners"].to_dict() == {1: 25.0, 3: 5.0}
    assert flagged["size_source"].to_dict() == {1: "headcount", 3: "courses"}


def test_year_on_year_change_and_no_data(results):
    """East L3 goes from 1 offer (8 learners) to 5 (52); L2 had no data in 2015/16."""
    yoy = results.year_on_year
    east3 = yoy[(yoy["region_slug"] == "east") & (yoy["level"] == "3")].iloc[0]
    assert (east3.year_from, east3.year_to) == ("2015/16", "2016/17")
    assert (east3.offers_from, east3.offers_to, east3.offers_change) == (1, 5, 4)
    assert (east3.learners_from, east3.learners_to, east3.learners_change) == (8, 52, 44)
    east2 = yoy[(yoy["region_slug"] == "east") & (yoy["level"] == "2")].iloc[0]
    assert east2.no_data_from and not east2.no_data_to
    assert math.isnan(east2.offers_from) and east2.offers_to == 1


def test_year_on_year_region_with_offers_in_one_year_only(results):
    """West L3 had no offer in 2015/16 and one (5 learners) in 2016/17: from 0 to 5, not unknown;
    East L2 in 2016/17 has an offer with learners unknown: its learners are NaN, not 0."""
    yoy = results.year_on_year.set_index(["region_slug", "level"])
    west3 = yoy.loc[("west", "3")]
    assert (west3.offers_from, west3.offers_to, west3.offers_change) == (0, 1, 1)
    assert (west3.learners_from, west3.learners_to, west3.learners_change) == (0, 5, 5)
    assert math.isnan(yoy.loc[("east", "2")].learners_to)


def test_send_distance_to_learn_is_ehcp_weighted(results):
    """Specialist S4: A 30 min (2 EHCP), B 58.3 (1), D 46.1 (0): weighted mean over east."""
    east = region(results.send_reach, "east")
    b_minutes = math.hypot(50, 30)
    assert east.specialist_mean_minutes == pytest.approx((2 * 30 + 1 * b_minutes) / 3)
    assert east.specialist_median_minutes == 30.0
    assert east.specialist_within_reach_share == pytest.approx(2 / 3)
    assert east.no_data_ap and math.isnan(east.ap_reach_share)
    areas = results.send_areas.set_index("area_code")
    assert areas.loc["A", "specialist_minutes"] == 30.0
    assert areas.loc["A", "specialist_site_id"] == 4


def test_imported_journey_times_override_the_estimate():
    """A matrix time can shorten a pair beyond the radius (C–S2 25) or lengthen one (A–S1 45)."""
    results = compute_from_inputs(county([("C", 2, 25), ("A", 1, 45)]), PARAMS)
    c = cell(results.area_level, "C", "3")
    assert (c.offers, c.nearest_minutes, c.nearest_site_id) == (2, 25.0, 2)
    a = cell(results.area_level, "A", "3")
    assert (a.offers, a.providers, a.nearest_minutes) == (2, 1, 20.0)
    assert cell(results.area_level, "A", "2").nearest_minutes == 45.0
    assert results.travel_method == "mixed"
    assert compute_from_inputs(county(), PARAMS).travel_method == "estimate"


def test_filters_narrow_the_offers_measured():
    """Filtering to T Levels leaves A with one option at level 3 and other levels no data."""
    results = compute_from_inputs(county(), PARAMS.replace(qualification_types=("t_level",)))
    assert cell(results.area_level, "A", "3").offers == 1
    assert cell(results.area_level, "A", "2").no_data
    subject = compute_from_inputs(county(), PARAMS.replace(subjects=("MATHS",), levels=("3",)))
    assert list(subject.area_level["level"].unique()) == ["3"]
    assert cell(subject.area_level, "A", "3").offers == 1


def test_withdrawn_offers_and_closed_providers_do_not_count():
    """A withdrawn course and a closed provider's course are not within anyone's reach."""
    offers = [dict(o) for o in OFFERS]
    offers[5]["withdrawn"] = True  # T Level at S2
    offers[4]["provider_open"] = False
    results = compute_from_inputs(inputs(AREAS, SITES, offers), PARAMS)
    b = cell(results.area_level, "B", "3")
    assert b.offers == 0 and b.nearest_minutes == 40.0


def test_a_wider_travel_time_never_creates_a_cold_spot():
    """At 60 minutes no area is colder than at 30: the rule has no median that moves."""
    wide = compute_from_inputs(county(), PARAMS.replace(minutes=60))
    narrow = compute_from_inputs(county(), PARAMS)
    assert not (wide.area_level["cold"] & ~narrow.area_level["cold"]).any()
    assert cell(wide.area_level, "C", "3").state == "reduced_choice"  # S3 at 40 minutes


def test_default_year_is_the_latest_with_published_a_levels():
    """Later years holding only T Level or derived SEND records do not become the default."""
    from coldspots.analysis import default_year

    offers = inputs(AREAS, SITES, [
        *OFFERS,
        {"site_id": 2, "level": "3", "qualification_type": "t_level", "academic_year": "2021/22"},
        {"site_id": 1, "level": "E", "qualification_type": "send_post16",
         "academic_year": "2024/25", "record_label": "derived", "ehcp_required": True},
        {"site_id": 1, "level": "3", "qualification_type": "a_level", "academic_year": "2023/24",
         "record_label": "illustrative"},
    ]).offers
    assert default_year(offers) == "2016/17"
    assert compute_from_inputs(inputs(AREAS, SITES, OFFERS), KM_PARAMS).year == "2016/17"
    without_a_levels = offers[offers["qualification_type"] != "a_level"]
    assert default_year(without_a_levels) == "2016/17"  # most records


def test_no_offers_at_all_is_no_data_everywhere():
    """With no course records every level and every guarantee part is "no data", nothing cold."""
    results = compute_from_inputs(inputs(AREAS, SITES, []), KM_PARAMS)
    assert results.area_level["no_data"].all() and not results.area_level["cold"].any()
    assert set(results.guarantee_areas["verdict"]) == {"cannot_confirm"}
    assert results.region_level["cold_share"].isna().all()
    assert results.duplication.empty and results.small_sixth_forms.empty


def test_standalone_choice_by_level_agrees_with_the_combined_pass(results):
    """choice_by_level on its own gives what the shared level-and-type pass gives; both are
    checked against hand answers and the brute force."""
    from coldspots import analysis

    data = county()
    sites = data.sites.sort_values("site_id").reset_index(drop=True)
    areas = data.areas.sort_values("area_code").reset_index(drop=True)
    offers = analysis.active_offers(data.offers, sites, "2016/17")
    reach = analysis.reach_for(analysis.Inputs(areas, sites, data.offers, data.regions,
                                               data.matrix), PARAMS)
    by_level = analysis.choice_by_level(areas, sites, offers, reach)
    columns = ["area_code", "level", "offers", "providers", "nearest_minutes", "no_data"]
    pd.testing.assert_frame_equal(by_level[columns], results.area_level[columns])


def test_point_guarantee_lists_nearest_eligible_options_for_the_profile():
    """From A's spot (0,0): A Levels at S1 (10), S2 (20), S3 (√(100²+40²)); with English grade 5,
    S1's A Levels asking for grade 6 drop out, so the nearest becomes S2 at 20 minutes."""
    from coldspots import analysis, guarantee

    offers = [dict(o) for o in OFFERS]
    for number in (0, 1, 2):  # S1's A Levels
        offers[number]["min_english_grade"] = 6
    data = inputs(AREAS, SITES, offers)
    active = analysis.active_offers(data.offers, data.sites, "2016/17")
    origin = data.areas.iloc[0]

    def a_levels(params):
        result = guarantee.point_guarantee(origin.easting, origin.northing, data.sites, active,
                                           params)
        return {c["component"]: c for c in result["components"]}

    anyone = a_levels(PARAMS)["a_level"]
    assert [o["site_id"] for o in anyone["options"]] == [1, 2, 3]
    assert [o["minutes"] for o in anyone["options"]] == pytest.approx(
        [10.0, 20.0, math.hypot(100, 40)])
    assert [o["within_reach"] for o in anyone["options"]] == [True, True, False]
    grade_5 = a_levels(PARAMS.replace(english_grade=5))
    assert [o["site_id"] for o in grade_5["a_level"]["options"]] == [2, 3]
    assert (grade_5["a_level"]["status"], grade_5["a_level"]["nearest_minutes"]) == ("met", 20.0)
    t_level = grade_5["t_level"]["options"][0]
    assert (t_level["site_id"], t_level["subject"]) == (2, "Digital")
