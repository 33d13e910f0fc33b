"""The pure measures behind the Level 3 report, on hand-built frames: choice by type per LCPA
(summarise_region_types) and narrow offers (narrow_offers)."""

import numpy as np
import pandas as pd

from coldspots.analysis import KENT, narrow_offers, summarise_region_types

AREAS = pd.DataFrame({
    "area_code": ["A1", "A2", "B1"], "region_slug": ["east", "east", "west"],
    "in_kent": [True, True, True], "cohort_16_17": [100.0, 300.0, 50.0],
})
REGIONS = pd.DataFrame({"region_slug": ["east", "west"], "region_name": ["East", "West"]})
SITES = pd.DataFrame({
    "site_id": [1, 2, 3], "provider_id": [10, 20, 30],
    "provider_name": ["School A", "School B", "College"],
    "provider_urn": pd.array([111, 222, None], dtype="Int64"),
    "provider_kind": ["school_sixth_form", "school_sixth_form", "fe_college"],
    "region_slug": ["east", "west", "east"],
})


def test_reach_share_is_the_cohort_of_areas_with_a_provider_of_the_type():
    """A2 (300 of East's 400) has an A Level provider within reach: 75%; West has none; Kent
    is 300 of 450; a type with no cell anywhere is flagged any_offer False."""
    area_type = pd.DataFrame({
        "area_code": ["A2", "A1"], "level": ["3", "3"],
        "qualification_type": ["a_level", "tech_level"], "providers": [2, 0],
        "nearest_minutes": [10.0, 70.0],
    })
    frame = summarise_region_types(AREAS, REGIONS, area_type, "3",
                                   ("a_level", "t_level")).set_index(
        ["region_slug", "qualification_type"])
    assert frame.loc[("east", "a_level"), "reach_share"] == 0.75
    assert frame.loc[("east", "a_level"), "mean_providers"] == 2 * 300 / 400
    assert frame.loc[("west", "a_level"), "reach_share"] == 0
    assert np.isnan(frame.loc[("west", "a_level"), "median_minutes"])
    assert frame.loc[(KENT, "a_level"), "reach_share"] == 300 / 450
    assert not frame.loc[("east", "t_level"), "any_offer"]
    assert frame.loc[("east", "a_level"), "any_offer"]


def test_options_count_offers_of_the_type_at_sites_in_the_lcpa():
    """Offers are counted at their site's LCPA; Kent adds every LCPA's."""
    offers = pd.DataFrame({"site_pos": [0, 2, 1], "level": ["3", "3", "3"],
                           "qualification_type": ["a_level", "a_level", "a_level"]})
    area_type = pd.DataFrame(columns=["area_code", "level", "qualification_type", "providers",
                                      "nearest_minutes"])
    frame = summarise_region_types(AREAS, REGIONS, area_type, "3", ("a_level",), offers,
                                   SITES).set_index("region_slug")
    assert frame.loc["east", "options"] == 2
    assert frame.loc["west", "options"] == 1
    assert frame.loc[KENT, "options"] == 3


def test_narrow_offers_count_kinds_at_the_level_for_open_school_sixth_forms():
    """School A has two kinds at Level 3 (not narrow), School B one (narrow, with its learners);
    the college and a selective school's offers are left out."""
    offers = pd.DataFrame({
        "site_pos": [0, 0, 0, 1, 1, 2],
        "provider_id": [10, 10, 10, 20, 20, 30],
        "level": ["3", "3", "2", "3", "3", "3"],
        "qualification_type": ["a_level", "applied_general", "l2_vocational", "a_level",
                               "a_level", "tech_level"],
        "subject": ["Maths", "", "", "History", "", ""],
        "tlevel_route": ["", "", "", "", "", ""],
        "learners": [10.0, 5.0, 8.0, 4.0, np.nan, 30.0],
        "access": ["open", "open", "open", "open", "open", "open"],
    })
    frame = narrow_offers(offers, SITES, "3", 2).set_index("provider_name")
    assert set(frame.index) == {"School A", "School B"}
    assert frame.loc["School B", "narrow"] and not frame.loc["School A", "narrow"]
    assert frame.loc["School B", "types"] == 1 and frame.loc["School B", "learners"] == 4
    assert frame.loc["School A", "type_list"] == "a_level, applied_general"
    assert frame.loc["School B", "subjects"] == 1
    selective = offers.assign(access=np.where(offers["provider_id"] == 20, "selective", "open"))
    assert list(narrow_offers(selective, SITES, "3", 2)["provider_name"]) == ["School A"]
