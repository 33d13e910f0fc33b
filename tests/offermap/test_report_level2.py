"""The Level 2 champion's report (offermap.report_level2): its figures are the analysis' own
(region_level, year_on_year, the guarantee) and match a brute-force count on known data; a
year with no Level 2 records says "no data recorded"; small counts are "c"; names stay text."""

import re

import numpy as np
import pandas as pd
import pytest

from coldspots import remits
from coldspots.params import AnalysisParams
from coldspots.results import compute, compute_from_inputs, load_inputs
from offermap import report_level2
from offermap.report_parts import NO_DATA, SUPPRESSED
from tests.coldspots import builders as b

HOSTILE = '<script>alert(1)</script>{{ 7|add:1 }}=HYPERLINK("http://x","y")'
PARAMS = b.KM_PARAMS.replace(year=b.YEAR)  # 30 minutes by car, 1 km = 1 minute
EARLIER = "2015/16"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

AREAS = [
    ("e1", 0, 0, 100, "east"),
    ("e2", 10, 0, 40, "east"),
    ("e3", 100, 0, 50, "east"),  # nothing at Level 2 within 30 km: no choice
    ("e4", 40, 0, 3, "east"),  # one provider within reach: reduced choice; 3 young people
    ("w1", 300, 0, 80, "west"),
]
SITES = [
    (1, 1, 0, 0, "fe_college", "east"),
    (2, 2, 5, 0, "school_sixth_form", "east"),
    (3, 3, 20, 0, "school_sixth_form", "east"),
    (4, 4, 300, 0, "school_sixth_form", "west"),
]
OFFERS = [
    {"site_id": 1, "level": "2", "qualification_type": "l2_vocational", "learners": 40.0},
    {"site_id": 1, "level": "1", "qualification_type": "study_programme_l1_entry"},
    {"site_id": 1, "level": "3", "qualification_type": "tech_level"},
    {"site_id": 2, "level": "2", "qualification_type": "technical_certificate",
     "learners": 3.0},
    # The only Level 2 offer e4 reaches asks for grade 4 in English and maths.
    {"site_id": 3, "level": "2", "qualification_type": "l2_vocational",
     "min_english_grade": 4.0, "min_maths_grade": 4.0},
    {"site_id": 4, "level": "3", "qualification_type": "a_level"},
    # The earlier year: one Level 2 offer each in the east and the west.
    {"site_id": 1, "level": "2", "qualification_type": "l2_vocational", "learners": 30.0,
     "academic_year": EARLIER},
    {"site_id": 4, "level": "2", "qualification_type": "l2_vocational", "learners": 4.0,
     "academic_year": EARLIER},
    {"site_id": 4, "level": "3", "qualification_type": "a_level", "academic_year": EARLIER},
]


def make_inputs(offers=OFFERS, names=None):
    inputs = b.inputs(AREAS, SITES, offers)
    if names:
        for site_id, name in names.items():
            inputs.sites.loc[inputs.sites["site_id"] == site_id, "provider_name"] = name
    return inputs


@pytest.fixture
def known():
    inputs = make_inputs(names={3: HOSTILE})
    return compute_from_inputs(inputs, PARAMS), inputs


def build(known, slug=None):
    results, inputs = known
    return {s.key: s for s in report_level2.sections(results, inputs, slug)}


def minutes_matrix(inputs):
    """Area × site minutes (1 km = 1 minute with KM_PARAMS), by brute force."""
    a, s = inputs.areas, inputs.sites
    dx = a["easting"].to_numpy()[:, None] - s["easting"].to_numpy()[None, :]
    dy = a["northing"].to_numpy()[:, None] - s["northing"].to_numpy()[None, :]
    return pd.DataFrame(np.hypot(dx, dy) / 1000, index=a["area_code"], columns=s["site_id"])


def brute_states(inputs, year, level):
    """Per area: 'no_choice' / 'reduced_choice' / 'choice' by the documented rule."""
    minutes = minutes_matrix(inputs)
    offers = inputs.offers[(inputs.offers["academic_year"] == year)
                           & (inputs.offers["level"] == level)]
    providers = inputs.sites.set_index("site_id")["provider_id"]
    states = {}
    for code in minutes.index:
        times = minutes.loc[code, offers["site_id"].unique()]
        within = times[times <= PARAMS.minutes]
        n = providers.loc[within.index].nunique()
        states[code] = ("no_choice" if n == 0 else "reduced_choice"
                        if n < PARAMS.min_providers or times.min() > PARAMS.max_nearest_minutes
                        else "choice")
    return states


def brute_no_level2(inputs, year, grade=None):
    """Per area: True when no Level 2 offer (that a learner with `grade` can enter) is within
    reach."""
    minutes = minutes_matrix(inputs)
    offers = inputs.offers[(inputs.offers["academic_year"] == year)
                           & (inputs.offers["level"] == "2")]
    if grade is not None:
        ok = (offers["min_english_grade"].isna() | (offers["min_english_grade"] <= grade)) & (
            offers["min_maths_grade"].isna() | (offers["min_maths_grade"] <= grade))
        offers = offers[ok]
    return {code: not (minutes.loc[code, offers["site_id"].unique()] <= PARAMS.minutes).any()
            for code in minutes.index}


def shares(flags: dict, region=None) -> float:
    rows = [r for r in AREAS if region is None or r[4] == region]
    total = sum(r[3] for r in rows)
    return sum(r[3] for r in rows if flags[r[0]]) / total


def row(table, **match):
    found = [r for r in table.rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, table.rows)
    return found[0]


def test_choice_shares_are_the_analysis_and_the_brute_force_count(known):
    """No and reduced choice at Level 2 per LCPA and Kent are region_level's shares, and equal
    the rule applied by hand to the distances."""
    results, inputs = known
    table = build(known)["choice"].table("level2-choice")
    states = brute_states(inputs, b.YEAR, "2")
    frame = results.region_level.set_index(["region_slug", "level"])
    for slug, name, region in (("east", "East", "east"), ("west", "West", "west"),
                               ("kent", "Kent", None)):
        got = row(table, lcpa=name, level="Level 2")
        for state, column in (("no_choice", "no_choice_share"),
                              ("reduced_choice", "reduced_choice_share")):
            expected = shares({c: s == state for c, s in states.items()}, region)
            assert got[column] == pytest.approx(expected * 100, abs=0.05)
            assert got[column] == round(frame.loc[(slug, "2"), column] * 100, 1)
    east = row(table, lcpa="East", level="Level 2")
    assert east["cold_areas"] == 2  # e3 no choice, e4 reduced
    assert east["cold_cohort"] == 53


def test_a_level_not_fully_recorded_gets_no_verdict(known):
    """Level 1 is not measured by any complete source: partial data, no shares, no cold areas
    (unknown, not 0), and the summary says so."""
    section = build(known)["choice"]
    level1 = row(section.table("level2-choice"), lcpa="Kent", level="Level 1")
    assert level1["data"] == "partial data"
    assert level1["no_choice_share"] is None and level1["cold_areas"] is None
    assert any(s.startswith("Level 1: partial data") for s in section.summary)


def test_change_counts_are_year_on_year_and_match_the_records(known):
    """Offers at Level 2 in both years per LCPA are year_on_year's, and equal a direct count of
    the offer records by site LCPA; Level 2 and below is the sum over the levels."""
    results, inputs = known
    table = build(known)["change"].table("level2-change")
    yoy = results.year_on_year.set_index(["region_slug", "level"])
    offers = inputs.offers.merge(inputs.sites[["site_id", "region_slug"]], on="site_id")
    counts = offers.groupby(["region_slug", "level", "academic_year"]).size()
    for slug, name in (("east", "East"), ("west", "West")):
        got = row(table, lcpa=name, level="Level 2")
        assert got["offers_from"] == counts.get((slug, "2", EARLIER), 0)
        assert got["offers_to"] == counts.get((slug, "2", b.YEAR), 0)
        assert got["offers_change"] == yoy.loc[(slug, "2"), "offers_change"]
    kent = row(table, lcpa="Kent", level="Level 2")
    assert (kent["offers_from"], kent["offers_to"]) == (2, 3)
    below = row(table, lcpa="Kent", level="Level 2 and below")
    assert below["offers_to"] == sum(
        row(table, lcpa="Kent", level=level)["offers_to"] or 0
        for level in ("Level 2", "Level 1", "Entry level"))


def test_change_by_source_adds_up_to_the_year_on_year_counts(known):
    """Split by source, the counts add up to year_on_year's (the split only says where they
    come from)."""
    results, inputs = known
    split = remits.year_on_year_by_source(inputs.offers, results.sites, results.regions,
                                          EARLIER, b.YEAR, results.params)
    total = split.groupby(["region_slug", "level"])["offers_to"].sum(min_count=1)
    yoy = results.year_on_year.set_index(["region_slug", "level"])["offers_to"]
    for key, value in yoy.dropna().items():
        assert total.get(key, 0) == value


def test_a_source_that_stops_is_named_in_the_change():
    """Offers from a source present in the earlier year only: the summary names it and says the
    change may be the source stopping."""
    offers = [*OFFERS, {"site_id": 2, "level": "1", "qualification_type": "fe_education_training",
                        "academic_year": EARLIER, "source_key": "fe_outcomes"}]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    summary = " ".join({s.key: s for s in report_level2.sections(results, inputs, None)}[
        "change"].summary)
    assert f"Records in {EARLIER} but none in {b.YEAR} from: DfE FE outcomes (published)" in (
        summary)


def test_a_year_with_no_level_2_records_says_no_data_recorded():
    """The earlier year has no Level 2 record: no count, no fall, "no data recorded"."""
    offers = [o for o in OFFERS if not (o.get("academic_year") == EARLIER and o["level"] == "2")]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_level2.sections(results, inputs, None)}["change"]
    level2 = [s for s in section.summary if s.startswith("Level 2:")]
    assert level2 == [f"Level 2: {NO_DATA} in {EARLIER}, so no change can be given."]
    got = row(section.table("level2-change"), lcpa="Kent", level="Level 2")
    assert got["offers_from"] is None and got["offers_change"] is None


def test_a_report_year_with_no_level_2_records_gives_no_verdict():
    """No Level 2 offer recorded in the report's year: the choice row says "no data recorded"
    and has no shares."""
    offers = [o for o in OFFERS if not (o.get("academic_year", b.YEAR) == b.YEAR
                                        and o["level"] == "2")]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_level2.sections(results, inputs, None)}["choice"]
    got = row(section.table("level2-choice"), lcpa="Kent", level="Level 2")
    assert got["data"] == NO_DATA and got["no_choice_share"] is None
    assert f"Level 2: {NO_DATA} in {b.YEAR}." in section.summary[0]


def test_no_level_2_pathway_shares_match_the_guarantee_and_the_brute_force(known):
    """The share with no Level 2 course within reach, for anyone and for a learner with grade
    3 in English and maths, is the guarantee's Level 2 part and the brute-force count."""
    results, inputs = known
    table = build(known)["pathway"].table("level2-pathway")
    graded = compute_from_inputs(inputs, PARAMS.replace(english_grade=3, maths_grade=3))
    for name, region in (("East", "east"), ("West", "west"), ("Kent", None)):
        got = row(table, lcpa=name)
        assert got["no_l2_share"] == pytest.approx(
            shares(brute_no_level2(inputs, b.YEAR), region) * 100, abs=0.05)
        assert got["no_l2_grade3_share"] == pytest.approx(
            shares(brute_no_level2(inputs, b.YEAR, grade=3), region) * 100, abs=0.05)
    # Level 2 is measured, so every area is met or not met: 1 − the guarantee's own share.
    for run, column in ((results, "no_l2_share"), (graded, "no_l2_grade3_share")):
        parts = run.guarantee_regions.set_index("region_slug")["level_2_share"]
        for name, slug in (("East", "east"), ("West", "west"), ("Kent", "kent")):
            assert row(table, lcpa=name)[column] == round((1 - parts[slug]) * 100, 1)
    by_area = graded.guarantee_areas.set_index("area_code")["level_2"]
    assert by_area["e4"] == "not_met"
    assert row(table, lcpa="East")["no_l2_grade3_cohort"] == 53  # e3 and e4
    assert row(table, lcpa="East")["no_l2_cohort"] == 50


def test_without_grade_4_equals_the_first_when_no_requirement_is_recorded():
    """With no entry requirement recorded, the summary says the two figures are the same because
    requirements are not recorded."""
    offers = [{k: v for k, v in o.items() if not k.startswith("min_")} for o in OFFERS]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_level2.sections(results, inputs, None)}["pathway"]
    assert any(f"Entry requirements: {NO_DATA}" in s for s in section.summary)
    kent = row(section.table("level2-pathway"), lcpa="Kent")
    assert kent["no_l2_share"] == kent["no_l2_grade3_share"]


def test_level_2_not_recorded_means_the_pathway_cannot_be_said():
    """With no complete source loaded (officers' own records only) and no Level 2 record, no
    area is counted as lacking a Level 2 course: the share is "cannot be said"."""
    offers = [{**o, "source_key": b.OFFICER_SOURCE} for o in OFFERS if o["level"] != "2"]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_level2.sections(results, inputs, None)}["pathway"]
    kent = row(section.table("level2-pathway"), lcpa="Kent")
    assert kent["no_l2_share"] == 0 and kent["no_data_share"] == 100
    assert any(NO_DATA in s and "cannot be said" in s for s in section.summary)


def test_small_counts_are_c(known):
    """3 young people in a cold small area and 4 learners in the west's earlier year are shown
    as c, in the rows every rendering uses and in the cells."""
    sections = build(known, "east")
    areas = sections["choice"].table("level2-cold-areas")
    e4 = row(areas, area_code="e4")
    assert e4["cohort"] == 3
    shown = {r["area_code"]: r for r in areas.shown_rows()}
    assert shown["e4"]["cohort"] == SUPPRESSED
    assert shown["e3"]["cohort"] == 50
    change = build(known)["change"].table("level2-change")
    west = [r for r in change.shown_rows() if r["lcpa"] == "West" and r["level"] == "Level 2"]
    assert west[0]["learners_from"] == SUPPRESSED
    assert SUPPRESSED in change.cells()[change.rows.index(
        row(change, lcpa="West", level="Level 2"))]


def test_hostile_provider_names_stay_plain_text(known):
    """A provider name with markup, template code and a formula is the same plain string in
    the rows (escaping is the renderer's job, never undone here)."""
    areas = build(known, "east")["choice"].table("level2-cold-areas")
    got = row(areas, area_code="e4")["nearest_provider"]
    assert got == HOSTILE and type(got) is str
    assert HOSTILE in row(areas, area_code="e4")["why"]


def test_kent_wide_and_lcpa_variants(known):
    """Kent-wide: one row per LCPA and Kent; an LCPA's: its row and Kent's, and its own small
    areas only. Table keys are unique and URL-safe; an unknown LCPA is refused."""
    results, inputs = known
    for slug in (None, "east", "west"):
        sections = report_level2.sections(results, inputs, slug)
        keys = [t.key for s in sections for t in s.tables] + [
            c.key for s in sections for c in s.charts]
        assert len(keys) == len(set(keys)) and all(KEY_RE.match(k) for k in keys)
    wide = build(known)["pathway"].table("level2-pathway")
    assert [r["lcpa"] for r in wide.rows] == ["East", "West", "Kent"]
    east = build(known, "east")
    assert [r["lcpa"] for r in east["pathway"].table("level2-pathway").rows] == ["East", "Kent"]
    codes = {r["area_code"] for r in east["choice"].table("level2-cold-areas").rows}
    assert codes == {"e3", "e4"}
    assert build(known)["choice"].table("level2-cold-areas") is None
    with pytest.raises(KeyError):
        report_level2.sections(results, inputs, "nowhere")


@pytest.mark.django_db
def test_on_the_small_kent_database(kent):
    """On the page tests' database, through compute and load_inputs (the second run for grade
    3 is compute's own): the figures are the analysis'."""
    results = compute(AnalysisParams(year="2016/17"))
    inputs = load_inputs()
    for slug in (None, "east-kent"):
        sections = {s.key: s for s in report_level2.sections(results, inputs, slug)}
        choice = sections["choice"].table("level2-choice")
        frame = results.region_level.set_index(["region_slug", "level"])
        got = row(choice, lcpa="Kent", level="Level 2")
        assert got["no_choice_share"] == round(frame.loc[("kent", "2"), "no_choice_share"]
                                               * 100, 1)
        change = sections["change"].table("level2-change")
        yoy = results.year_on_year.set_index(["region_slug", "level"])
        assert row(change, lcpa="Kent", level="Level 2")["offers_to"] == yoy.loc[
            ("kent", "2"), "offers_to"] == 1
    guarantee = results.guarantee_areas
    west = guarantee.loc[guarantee["region_slug"] == "west-kent"]
    assert (west["level_2"] == "not_met").all()
    pathway = {s.key: s for s in report_level2.sections(results, inputs, "west-kent")}["pathway"]
    assert row(pathway.table("level2-pathway"), lcpa="West Kent")["no_l2_share"] == 100


def test_derived_records_are_counted_apart_from_published_ones():
    """A derived record (e.g. a college's offer copied to a campus) is its own row of the
    table by source and is named as derived in the summary."""
    offers = [*OFFERS, {"site_id": 3, "level": "2", "qualification_type": "technical_certificate",
                        "record_label": "derived"}]
    inputs = make_inputs(offers)
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_level2.sections(results, inputs, None)}["change"]
    table = section.table("level2-change-sources")
    derived = row(table, record_label="Derived", level="Level 2")
    published = row(table, record_label="Published", level="Level 2")
    assert (derived["offers_from"], derived["offers_to"]) == (None, 1)
    assert (published["offers_from"], published["offers_to"]) == (2, 3)
    assert any(s.startswith(f"Of these, 0 offers in {EARLIER} and 1 in {b.YEAR} are derived")
               for s in section.summary)


@pytest.mark.parametrize("slug", [None, "east"])
def test_every_count_of_people_is_a_learner_column(known, slug):
    """Every column that counts young people or learners is declared a learner column, so that
    every rendering shows 1 to 5 as c."""
    results, inputs = known
    for section in report_level2.sections(results, inputs, slug):
        for table in [*section.tables, *[c.table for c in section.charts]]:
            for name, _ in table.columns:
                if re.search(r"cohort|ehcp|learners", name):
                    assert name in table.learner_columns, (table.key, name)


def test_a_request_without_level_2_and_below_builds_an_empty_report():
    """A request filtered to Level 3 has no Level 2 rows: the tables are empty (with their
    empty text), no chart is drawn for another level, and the pathway part still reads the
    guarantee (whose parts are fixed)."""
    inputs = make_inputs()
    results = compute_from_inputs(inputs, PARAMS.replace(levels=("3",)))
    sections = {s.key: s for s in report_level2.sections(results, inputs, "east")}
    assert sections["choice"].table("level2-choice").rows == []
    assert not sections["choice"].charts and not sections["change"].charts
    assert row(sections["pathway"].table("level2-pathway"), lcpa="East")["no_l2_share"] > 0


def test_hostile_lcpa_names_stay_plain_text():
    """An LCPA named with markup and a formula is that plain string in every per-LCPA row."""
    inputs = make_inputs()
    inputs.regions.loc[inputs.regions["region_slug"] == "east", "region_name"] = HOSTILE
    results = compute_from_inputs(inputs, PARAMS)
    for section in report_level2.sections(results, inputs, None):
        for table in section.tables:
            names = {r["lcpa"] for r in table.rows if "lcpa" in r}
            assert not names or HOSTILE in names
