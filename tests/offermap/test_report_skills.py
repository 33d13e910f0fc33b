"""The Skills report builder: its rows are the analysis's figures (formatted, never computed
again), Kent-wide or for one LCPA, with "c" for 1–5 young people, "no data recorded" kept apart
from none, and hostile names passed through as plain text."""

import dataclasses

import pytest
from django.utils.safestring import SafeData

from coldspots.results import compute_from_inputs
from coldspots.skills import sectors_frame
from offermap import report_skills
from offermap.report_parts import NO_DATA, SUPPRESSED
from tests.coldspots.builders import KM_PARAMS
from tests.coldspots.test_skills import CONSTRUCTION, small_inputs

HOSTILE = ["<script>alert(1)</script>", "{{ 7|add:1 }}", '=HYPERLINK("http://x","y")']


@pytest.fixture
def results():
    return compute_from_inputs(small_inputs(), KM_PARAMS)


def _percent(value):
    return f"{value:.1%}"


def test_kent_wide_rows_are_the_analysis_figures_one_per_lcpa_and_sector(results):
    """Kent-wide: a row per LCPA × sector then Kent, each share the analysis's, formatted."""
    table = report_skills.sections(results, None, None)[0].table("priority-sector-reach")
    reach = results.skills.region_reach
    assert len(table.rows) == len(reach)
    for row, (_, expected) in zip(table.rows, reach.iterrows(), strict=True):
        assert row["region_name"] == expected["region_name"]
        assert row["sector"] == expected["sector"]
        assert row["any_share"] == _percent(expected["any_share"])
        assert row["cohort_without"] == round(expected["cohort_without"])
    assert {r["region_name"] for r in table.rows} == {"East", "West", "Kent"}
    west_food = next(r for r in table.rows if r["region_name"] == "West"
                     and r["sector"] == "Food")
    # 3 estimated starts: shown as the DfE publishes a count under 5 ("low"), never "3".
    assert reach.set_index(["region_slug", "sector"]).loc[("west", "Food"),
                                                          "derived_starts"] == 3
    assert west_food["derived_starts"] == "low"


def test_one_lcpa_has_only_its_own_rows_and_an_unknown_one_is_not_found(results):
    """A slug keeps that LCPA's rows (and Kent's beside them in the reach table) in every
    table; an unknown slug raises KeyError (the page 404s)."""
    sections = report_skills.sections(results, None, "east")
    reach = sections[0].table("priority-sector-reach")
    assert [r["region_name"] for r in reach.rows] == ["East"] * 3 + ["Kent"] * 3
    for section in sections:
        for table in section.tables[1:] if section is sections[0] else section.tables:
            assert {r["region_name"] for r in table.rows} <= {"East"}
    gaps = sections[1]
    assert any("East: no young person can reach Health" in line for line in gaps.summary)
    with pytest.raises(KeyError):
        report_skills.sections(results, None, "atlantis")


def test_sentences_carry_the_numbers(results):
    """The LCPA's sentences give each sector's share, with the course and standard parts."""
    summary = report_skills.sections(results, None, "east")[0].summary
    assert any(line.startswith("East, Food: 75.0% of 16–17 year olds") for line in summary)
    assert any("Construction: 25.0%" in line and "within 30 minutes" in line
               for line in summary)
    offer = report_skills.sections(results, None, "east")[2].table("offer-by-sector")
    construction = next(r for r in offer.rows if r["ssa_tier1"] == CONSTRUCTION)
    assert construction["t_levels"] == 1


def test_one_to_five_young_people_show_as_c():
    """Young people without a sector numbering 1 to 5 are shown as c, larger counts as they are."""
    data = small_inputs()
    areas = data.areas.assign(cohort_16_17=[4.0, 300.0, 600.0])
    results = compute_from_inputs(dataclasses.replace(data, areas=areas), KM_PARAMS)
    table = report_skills.sections(results, None, "east")[0].table("priority-sector-reach")
    food = next(r for r in table.shown_rows() if r["sector"] == "Food")
    assert food["cohort_without"] == SUPPRESSED
    health = next(r for r in table.shown_rows() if r["sector"] == "Health")
    assert health["cohort_without"] == 304
    assert "cohort_without" in table.learner_columns


def test_no_sector_recorded_shows_no_data_and_says_lower_bound():
    """Courses naming no sector show "no data recorded", and the sentences say lower bound."""
    data = small_inputs()
    bare = data.offers.assign(subject="", tlevel_route="")
    results = compute_from_inputs(dataclasses.replace(data, offers=bare), KM_PARAMS)
    section = report_skills.sections(results, None, None)[0]
    rows = section.table("priority-sector-reach").rows
    assert {r["course_share"] for r in rows} == {NO_DATA}
    assert any("lower bound" in line for line in section.summary)
    assert any(NO_DATA in line for line in section.summary)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_plain_text(name):
    """A hostile LCPA or sector name reaches rows and sentences verbatim, never marked safe."""
    data = small_inputs()
    regions = data.regions.assign(region_name=[name, "West"])
    areas = data.areas.assign(region_name=[name, name, "West"])
    sectors = sectors_frame([(name, 1, [CONSTRUCTION], ["Construction"])])
    results = compute_from_inputs(dataclasses.replace(
        data, regions=regions, areas=areas, priority_sectors=sectors), KM_PARAMS)
    sections = report_skills.sections(results, None, "east")
    reach = sections[0].table("priority-sector-reach")
    assert reach.rows[0]["region_name"] == name and reach.rows[0]["sector"] == name
    texts = [line for s in sections for line in s.summary]
    assert any(name in line for line in texts)
    assert not any(isinstance(line, SafeData) for line in texts)
    assert not any(isinstance(v, SafeData) for t in sections[0].tables for r in t.rows
                   for v in r.values())
