"""The SEMH and SEND champions' reports (offermap.report_semh, report_send): their figures are
the analysis' own (send_areas, send_reach, the site masks) and match a brute-force count on
known data; no provision recorded says "no data recorded"; small counts are "c"; names stay
text."""

import re

import numpy as np
import pandas as pd
import pytest

from coldspots.params import AnalysisParams
from coldspots.results import compute, compute_from_inputs, load_inputs
from offermap import report_semh, report_send
from offermap.report_parts import NO_DATA, SUPPRESSED
from tests.coldspots import builders as b

HOSTILE = '<script>alert(1)</script>{{ 7|add:1 }}=HYPERLINK("http://x","y")'
PARAMS = b.KM_PARAMS.replace(year=b.YEAR)  # 30 minutes by car, 1 km = 1 minute
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

AREAS = [  # code, x km, y km, young people, LCPA, with an EHCP
    ("e1", 0, 0, 100, "east", 10),
    ("e2", 45, 0, 40, "east", 3),
    ("w1", 200, 0, 80, "west", 8),
    ("w2", 260, 0, 20, "west", 2),
]
SITES = [  # site, provider, x, y, kind, LCPA, open
    (1, 1, 5, 0, "alternative_provision", "east"),
    (2, 2, 0, 0, "special_school", "east"),
    (3, 3, 20, 0, "specialist_post16", "east"),
    (4, 4, 210, 0, "special_school", "west"),
    (5, 5, 0, 0, "school_sixth_form", "east"),
    (6, 6, 250, 0, "alternative_provision", "west", False),  # closed: not counted
]
OFFERS = [
    {"site_id": 3, "level": "E", "qualification_type": "supported_internship",
     "ehcp_required": True, "learners": 4.0},
    {"site_id": 2, "level": "E", "qualification_type": "send_post16", "ehcp_required": True},
    {"site_id": 4, "level": "E", "qualification_type": "send_post16", "ehcp_required": True},
    {"site_id": 5, "level": "3", "qualification_type": "a_level"},
]


def make_inputs(sites=SITES, offers=OFFERS, areas=AREAS):
    inputs = b.inputs(areas, sites, offers)
    for site_id in (1, 3):
        inputs.sites.loc[inputs.sites["site_id"] == site_id, "provider_name"] = HOSTILE
    return inputs


@pytest.fixture
def known():
    inputs = make_inputs()
    return compute_from_inputs(inputs, PARAMS), inputs


def build(module, known, slug=None):
    results, inputs = known
    return {s.key: s for s in module.sections(results, inputs, slug)}


def row(table, **match):
    found = [r for r in table.rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, table.rows)
    return found[0]


def minutes_to(kinds, sites=SITES, areas=AREAS):
    """Area code -> minutes to each open site of `kinds` (1 km = 1 minute), by brute force."""
    chosen = [s for s in sites if s[4] in kinds and (len(s) < 7 or s[6])]
    return {a[0]: {s[0]: float(np.hypot(a[1] - s[2], a[2] - s[3])) for s in chosen}
            for a in areas}


def weighted_median(values, weights):
    order = np.argsort(values, kind="stable")
    values, weights = np.asarray(values)[order], np.asarray(weights, dtype=float)[order]
    return values[np.searchsorted(np.cumsum(weights), weights.sum() / 2)]


REGIONS = (("East", "east"), ("West", "west"), ("Kent", None))


def in_region(region):
    return [a for a in AREAS if region is None or a[4] == region]


# ----------------------------------------------------------------------------------------------
# SEMH


def test_ap_reach_is_send_reach_and_the_brute_force_count(known):
    """AP sites per LCPA, the share with AP within reach and the areas without are the
    analysis' (send_reach, send_areas) and equal a count from the distances."""
    results, _ = known
    table = build(report_semh, known)["ap-reach"].table("semh-ap-reach")
    reach = results.send_reach.set_index("region_slug")
    times = minutes_to(("alternative_provision",))
    within = {code: min(t.values()) <= PARAMS.minutes for code, t in times.items()}
    for name, region in REGIONS:
        got = row(table, lcpa=name)
        areas = in_region(region)
        total = sum(a[3] for a in areas)
        assert got["ap_reach_share"] == pytest.approx(
            100 * sum(a[3] for a in areas if within[a[0]]) / total, abs=0.05)
        assert got["ap_reach_share"] == round(reach.loc[region or "kent", "ap_reach_share"]
                                              * 100, 1)
        assert got["areas_without"] == sum(not within[a[0]] for a in areas)
        assert got["cohort_without"] == sum(a[3] for a in areas if not within[a[0]])
        assert got["ap_sites"] == sum(1 for s in SITES if s[4] == "alternative_provision"
                                      and (len(s) < 7 or s[6])
                                      and (region is None or s[5] == region))
        median = weighted_median([min(times[a[0]].values()) for a in areas],
                                 [a[3] for a in areas])
        assert got["ap_median_minutes"] == round(median)


def test_ap_lcpa_report_lists_its_sites_and_areas_without_ap(known):
    """East's report: its AP site, and its small area with no AP within reach (e2), with the
    nearest AP's name as plain text."""
    sections = build(report_semh, known, "east")
    sites = sections["ap-sites"].table("semh-ap-sites")
    assert [r["provider"] for r in sites.rows] == [HOSTILE]
    areas = sections["no-ap"].table("semh-areas-without-ap")
    assert [r["area_code"] for r in areas.rows] == ["e2"]
    got = areas.rows[0]["nearest_provider"]
    assert got == HOSTILE and type(got) is str
    assert areas.rows[0]["nearest_minutes"] == 40
    assert [r["lcpa"] for r in sections["ap-reach"].table("semh-ap-reach").rows] == [
        "East", "Kent"]


def test_no_ap_recorded_says_no_data_recorded_and_lists_no_area():
    """With no alternative provision recorded, no share, no area "without AP": no data."""
    inputs = make_inputs(sites=[s for s in SITES if s[4] != "alternative_provision"])
    results = compute_from_inputs(inputs, PARAMS)
    for slug in (None, "east"):
        sections = {s.key: s for s in report_semh.sections(results, inputs, slug)}
        reach = sections["ap-reach"]
        assert NO_DATA in reach.summary[0]
        assert all(r["ap_reach_share"] is None and r["areas_without"] is None
                   for r in reach.table("semh-ap-reach").rows)
        assert not reach.charts
        no_ap = sections["no-ap"]
        assert all(not t.rows for t in no_ap.tables)
        assert not any("have no AP" in s for s in reach.summary + no_ap.summary)


def test_semh_small_counts_are_c():
    """An area of 3 young people with no AP within reach is c in the LCPA's list."""
    areas = [*AREAS[:1], ("e2", 45, 0, 3, "east", 3), *AREAS[2:]]
    inputs = make_inputs(areas=areas)
    results = compute_from_inputs(inputs, PARAMS)
    sections = {s.key: s for s in report_semh.sections(results, inputs, "east")}
    table = sections["no-ap"].table("semh-areas-without-ap")
    assert table.rows[0]["cohort"] == 3
    assert table.shown_rows()[0]["cohort"] == SUPPRESSED
    assert SUPPRESSED in table.cells()[0]


# ----------------------------------------------------------------------------------------------
# SEND


def test_specialist_provision_and_internships_by_lcpa(known):
    """Specialist sites and supported internships per LCPA equal a count of the records; 4
    learners on an internship are shown as c."""
    table = build(report_send, known)["provision"].table("send-provision")
    for name, region in REGIONS:
        got = row(table, lcpa=name)
        assert got["specialist_sites"] == sum(
            1 for s in SITES if s[4] in ("special_school", "specialist_post16")
            and (region is None or s[5] == region))
        site_region = {s[0]: s[5] for s in SITES}
        assert got["internships"] == sum(
            1 for o in OFFERS if o["qualification_type"] == "supported_internship"
            and (region is None or site_region[o["site_id"]] == region))
    east = row(table, lcpa="East")
    assert east["internship_learners"] == 4
    shown = table.shown_rows()[table.rows.index(east)]
    assert shown["internship_learners"] == SUPPRESSED


def test_no_supported_internship_recorded_says_no_data_recorded():
    """No supported internship recorded anywhere: the cells are empty and the summary says
    "no data recorded", not "0"."""
    inputs = make_inputs(offers=[o for o in OFFERS
                                 if o["qualification_type"] != "supported_internship"])
    results = compute_from_inputs(inputs, PARAMS)
    section = {s.key: s for s in report_send.sections(results, inputs, None)}["provision"]
    assert all(r["internships"] is None for r in section.table("send-provision").rows)
    assert f"Supported internships: {NO_DATA} in {b.YEAR}." in " ".join(section.summary)


def test_distance_to_learn_is_send_reach_and_the_brute_force(known):
    """Typical minutes to specialist provision and the share within reach (both weighted by
    the EHCP estimate) are send_reach's and equal the brute force; the EHCP column is labelled
    an estimate."""
    results, _ = known
    section = build(report_send, known)["distance"]
    table = section.table("send-distance")
    reach = results.send_reach.set_index("region_slug")
    times = minutes_to(("special_school", "specialist_post16"))
    for name, region in REGIONS:
        got = row(table, lcpa=name)
        areas = in_region(region)
        nearest = [min(times[a[0]].values()) for a in areas]
        ehcp = [a[5] for a in areas]
        assert got["median_minutes"] == round(weighted_median(nearest, ehcp))
        assert got["median_minutes"] == round(reach.loc[region or "kent",
                                                        "specialist_median_minutes"])
        within = sum(e for n, e in zip(nearest, ehcp, strict=True) if n <= PARAMS.minutes)
        assert got["within_share"] == pytest.approx(100 * within / sum(ehcp), abs=0.05)
        assert got["ehcp_without"] == sum(ehcp) - within
    assert "(estimate)" in dict(table.columns)["ehcp"]
    assert "estimate" in section.summary[0]


def test_local_choice_counts_specialist_providers_within_reach(known):
    """Specialist providers within reach per area (brute force) give the LCPA's EHCP-weighted
    mean and its young people with none, one, two or more; none agrees with send_areas."""
    results, _ = known
    sections = build(report_send, known)
    table = sections["local-choice"].table("send-local-choice")
    times = minutes_to(("special_school", "specialist_post16"))
    options = {code: sum(m <= PARAMS.minutes for m in t.values()) for code, t in times.items()}
    assert options == {"e1": 2, "e2": 1, "w1": 1, "w2": 0}
    for name, region in REGIONS:
        got = row(table, lcpa=name)
        areas = in_region(region)
        total = sum(a[5] for a in areas)
        assert got["mean_options"] == pytest.approx(
            sum(options[a[0]] * a[5] for a in areas) / total, abs=0.05)
        assert got["ehcp_none"] == sum(a[5] for a in areas if options[a[0]] == 0)
        assert got["ehcp_one"] == sum(a[5] for a in areas if options[a[0]] == 1)
        assert got["ehcp_two_or_more"] == sum(a[5] for a in areas if options[a[0]] >= 2)
    none_by_analysis = ~results.send_areas.set_index("area_code")["specialist_within_reach"]
    assert {c for c, flag in none_by_analysis.items() if flag} == {"w2"}
    shown = table.shown_rows()[[r["lcpa"] for r in table.rows].index("Kent")]
    assert shown["ehcp_none"] == SUPPRESSED  # 2 young people


def test_send_lcpa_report_lists_its_areas_with_plain_names(known):
    """West's report: its two areas, fewest providers first, the nearest provider's name as
    text, EHCP figures of 1 to 5 as c."""
    sections = build(report_send, known, "west")
    areas = sections["local-choice"].table("send-areas")
    assert [r["area_code"] for r in areas.rows] == ["w2", "w1"]
    assert [r["options"] for r in areas.rows] == [0, 1]
    assert [r["ehcp"] for r in areas.shown_rows()] == [SUPPRESSED, 8]
    east = build(report_send, known, "east")["local-choice"].table("send-areas")
    e2 = row(east, area_code="e2")
    assert e2["nearest_provider"] == HOSTILE and type(e2["nearest_provider"]) is str
    sites = build(report_send, known, "east")["provision"].table("send-sites")
    assert HOSTILE in [r["provider"] for r in sites.rows]


def test_no_ehcp_figures_says_no_data_recorded():
    """With no EHCP figure for any area, no distance or choice is given: "no data recorded"."""
    inputs = make_inputs(areas=[a[:5] for a in AREAS])
    results = compute_from_inputs(inputs, PARAMS)
    sections = {s.key: s for s in report_send.sections(results, inputs, None)}
    assert NO_DATA in sections["distance"].summary[0]
    assert NO_DATA in sections["local-choice"].summary[0]


def test_no_specialist_provision_recorded_says_no_data_recorded():
    """No specialist site at all: the measures are empty and the sentences say so."""
    inputs = make_inputs(sites=[s for s in SITES if s[4] not in ("special_school",
                                                                 "specialist_post16")],
                         offers=[o for o in OFFERS if o["site_id"] == 5])
    results = compute_from_inputs(inputs, PARAMS)
    sections = {s.key: s for s in report_send.sections(results, inputs, "east")}
    assert all(r["median_minutes"] is None and r["ehcp_without"] is None
               for r in sections["distance"].table("send-distance").rows)
    assert all(r["ehcp_none"] is None
               for r in sections["local-choice"].table("send-local-choice").rows)
    for key in ("provision", "distance", "local-choice"):
        assert NO_DATA in sections[key].summary[0]


@pytest.mark.parametrize("module", [report_semh, report_send])
def test_kent_wide_and_lcpa_variants(known, module):
    """Kent-wide: a row per LCPA and Kent; an LCPA's: its row and Kent's. Keys are unique and
    URL-safe; an unknown LCPA is refused."""
    results, inputs = known
    for slug in (None, "east", "west"):
        sections = module.sections(results, inputs, slug)
        keys = [t.key for s in sections for t in s.tables] + [
            c.key for s in sections for c in s.charts]
        assert len(keys) == len(set(keys)) and all(KEY_RE.match(k) for k in keys)
        first = sections[0].tables[0]
        expected = ["East", "West", "Kent"] if slug is None else [slug.title(), "Kent"]
        assert [r["lcpa"] for r in first.rows] == expected
    with pytest.raises(KeyError):
        module.sections(results, inputs, "nowhere")


@pytest.mark.django_db
def test_on_the_small_kent_database(kent):
    """On the page tests' database (no AP or specialist provision): both reports build through
    compute and load_inputs and say "no data recorded"."""
    results = compute(AnalysisParams(year="2016/17"))
    inputs = load_inputs()
    for slug in (None, "east-kent"):
        semh = {s.key: s for s in report_semh.sections(results, inputs, slug)}
        send = {s.key: s for s in report_send.sections(results, inputs, slug)}
        assert NO_DATA in semh["ap-reach"].summary[0]
        assert NO_DATA in send["provision"].summary[0]
        sites = pd.DataFrame(send["provision"].table("send-provision").rows)
        assert (sites["specialist_sites"] == 0).all()


@pytest.mark.parametrize("module", [report_semh, report_send])
@pytest.mark.parametrize("slug", [None, "east"])
def test_every_count_of_people_is_a_learner_column(known, module, slug):
    """Every column that counts young people, people with an EHCP or learners is declared a
    learner column, so that every rendering shows 1 to 5 as c."""
    for section in module.sections(*known, slug):
        for table in [*section.tables, *[c.table for c in section.charts]]:
            for name, _ in table.columns:
                if re.search(r"cohort|ehcp|learners", name):
                    assert name in table.learner_columns, (table.key, name)


def test_reach_charts_escape_names_and_carry_the_tables_figures(known):
    """The AP and specialist minutes charts: their bars are send_reach's medians, and a hostile
    LCPA name is escaped when the chart template renders it."""
    from django.template.loader import render_to_string

    results, inputs = known
    results.regions.loc[results.regions["region_slug"] == "east", "region_name"] = HOSTILE
    reach = results.send_reach.set_index("region_slug")
    for module, key, column in ((report_semh, "semh-ap-minutes-chart", "ap_median_minutes"),
                                (report_send, "send-minutes-chart",
                                 "specialist_median_minutes")):
        chart = next(c for s in module.sections(results, inputs, "east") for c in s.charts
                     if c.key == key)
        assert chart.series[0].values == [reach.loc[s, column] for s in ("east", "west", "kent")]
        assert chart.categories[0] == f"{HOSTILE} (this LCPA)"
        html = render_to_string("charts/chart.html", {"chart": chart})
        assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
