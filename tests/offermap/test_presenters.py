"""offermap.presenters on hand-built frames: tables and headline figures, no database."""

import math

import numpy as np
import pandas as pd
import pytest

from coldspots.analysis import Inputs
from coldspots.params import AnalysisParams
from offermap import presenters


def inputs(offers_rows):
    sites = pd.DataFrame({
        "site_id": [1, 2, 3],
        "site_name": ["North campus", "Hill School", "Far Academy"],
        "provider_id": [10, 20, 30],
        "provider_urn": pd.array([100, 200, pd.NA], dtype="Int64"),
        "provider_name": ["Big College", "Hill School", "Far Academy"],
        "provider_kind": ["fe_college", "school_sixth_form", "school_sixth_form"],
        "specialist_send": [False] * 3,
        "out_of_county": [False, False, True],
        "provider_open": [True, True, True],
        "is_main": [True] * 3,
        "easting": [600_000.0] * 3, "northing": [150_000.0] * 3,
        "latitude": [51.2] * 3, "longitude": [0.8] * 3,
        "postcode": [""] * 3,
        "area_code": ["A1", "A2", None],
        "region_slug": ["east", "east", None],
    })
    offers = pd.DataFrame(offers_rows, columns=[
        "course_id", "site_id", "provider_id", "provider_kind", "academic_year", "title", "level",
        "qualification_type", "subject", "tlevel_route", "learners", "places",
        "min_english_grade", "min_maths_grade", "ehcp_required", "record_label", "withdrawn",
        "provider_open",
    ])
    regions = pd.DataFrame({"region_slug": ["east"], "region_name": ["East Kent"],
                            "region_code": ["E"], "provisional": [True], "boundary": [None],
                            "boundary_vintage": [""]})
    return Inputs(areas=pd.DataFrame(), sites=sites, offers=offers, regions=regions,
                  matrix=pd.DataFrame())


def offer(course_id, site_id, level, kind="a_level", learners=np.nan, year="2016/17",
          withdrawn=False):
    provider = {1: 10, 2: 20, 3: 30}[site_id]
    provider_kind = "fe_college" if site_id == 1 else "school_sixth_form"
    return [course_id, site_id, provider, provider_kind, year, "t", level, kind, "", "",
            learners, np.nan, np.nan, np.nan, False, "published", withdrawn, True]


@pytest.fixture
def data():
    return inputs([
        offer(1, 1, "3", learners=40), offer(2, 1, "2", "l2_vocational"),
        offer(3, 2, "3", learners=12), offer(4, 3, "3"),
        offer(5, 2, "3", withdrawn=True), offer(6, 1, "3", year="2015/16"),
    ])


def test_offers_in_view_count_what_the_analysis_counts(data):
    """Withdrawn offers and other years are left out; the LCPA filter keeps its sites only."""
    everything = presenters.offers_in_view(data, "2016/17", AnalysisParams())
    assert sorted(everything["course_id"]) == [1, 2, 3, 4]
    east = presenters.offers_in_view(data, "2016/17", AnalysisParams(), "east")
    assert sorted(east["course_id"]) == [1, 2, 3]
    level_2 = presenters.offers_in_view(data, "2016/17", AnalysisParams(levels=("2",)))
    assert list(level_2["course_id"]) == [2]


def test_provider_rows_keep_unknown_learners_unknown(data):
    """A site whose learners are all unknown has NaN learners, not 0; levels read in order."""
    rows = presenters.provider_rows(
        data, presenters.offers_in_view(data, "2016/17", AnalysisParams())
    ).set_index("provider_name")
    assert rows.loc["Big College", "offers"] == 2
    assert rows.loc["Big College", "learners"] == 40
    assert rows.loc["Big College", "levels"] == "Level 2, Level 3"
    assert math.isnan(rows.loc["Far Academy", "learners"])
    assert rows.loc["Far Academy", "lcpa"] == presenters.OUTSIDE_KENT
    assert rows.loc["Hill School", "kind"] == "School sixth form"


def test_sort_puts_unknown_values_last_in_both_directions(data):
    """Sorting by learners puts sites with unknown learners last, ascending or descending."""
    rows = presenters.provider_rows(
        data, presenters.offers_in_view(data, "2016/17", AnalysisParams())
    )
    columns = presenters.PROVIDER_SORT_COLUMNS
    ascending = presenters.sort_frame(rows, "learners", columns)["provider_name"].tolist()
    descending = presenters.sort_frame(rows, "-learners", columns)["provider_name"].tolist()
    assert ascending == ["Hill School", "Big College", "Far Academy"]
    assert descending == ["Big College", "Hill School", "Far Academy"]


def test_sites_without_offers_counts_open_sites_with_nothing_recorded(data):
    """A Kent site with no record in the year is counted as 'no data', per LCPA or county."""
    assert presenters.sites_without_offers(data, "2016/17") == 0
    assert presenters.sites_without_offers(data, "2015/16") == 1  # Hill School
    assert presenters.sites_without_offers(data, "2019/20", "east") == 2


def test_subject_choices_merge_subjects_and_routes(data):
    """The subject list holds both subjects and T Level routes, once each, sorted."""
    data.offers.loc[0, "subject"] = "maths"
    data.offers.loc[1, "tlevel_route"] = "Digital"
    data.offers.loc[2, "subject"] = "Art"
    assert presenters.subject_choices(data, "2016/17") == ["Art", "Digital", "maths"]


def test_marker_rows_name_the_site_and_link_the_provider(data):
    """Markers join provider and site names when they differ and link providers with a URN."""
    rows = presenters.provider_rows(
        data, presenters.offers_in_view(data, "2016/17", AnalysisParams())
    )
    markers = presenters.marker_rows(rows, lambda urn: f"/providers/{urn}/").set_index("name")
    assert markers.loc["Big College: North campus", "url"] == "/providers/100/"
    assert markers.loc["Far Academy", "url"] == ""
    assert markers.loc["Hill School", "description"] == (
        "School sixth form. 1 offer in view (Level 3)."
    )


def test_learners_text_counts_in_words_and_never_shows_missing_as_zero():
    """1 to 5 learners is "c" (never "1 learner"), more are counted, and an unknown number says
    it is not recorded."""
    from offermap.presenters import learners_text

    assert learners_text(1) == "c learners"
    assert learners_text(5.4) == "c learners"
    assert learners_text(6) == "6 learners"
    assert learners_text(0) == "0 learners"
    assert learners_text(1200.0) == "1,200 learners"
    assert learners_text(float("nan")) == "learners not recorded"
    assert learners_text(None) == "learners not recorded"
