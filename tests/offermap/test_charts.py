"""Charts (offermap.charts): their values are the analysis' own figures, their text is escaped,
and each has a text alternative, a legend of what is drawn and its data table."""

import math
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from django.template.loader import render_to_string

from coldspots.guarantee import COMPONENT_LABELS, COMPONENTS
from coldspots.params import AnalysisParams
from coldspots.results import compute
from offermap import charts
from offermap.report_parts import SUPPRESSED
from providers.models import Course

HOSTILE = '<script>alert(1)</script>{{ 7*7 }}=HYPERLINK("x")'


@pytest.fixture
def results(kent):
    """The small Kent's analysis for 2016/17 (compared with 2015/16), 60 minutes."""
    return compute(AnalysisParams(year="2016/17"))


def drawn_values(chart):
    """{(category, series key): value} as the chart holds them."""
    return {(category, series.key): value for series in chart.series
            for category, value in zip(chart.categories, series.values, strict=True)}


def render(chart) -> str:
    return render_to_string("charts/chart.html", {"chart": chart})


def test_change_chart_values_are_the_year_on_year_figures(results):
    """Each bar is Results.year_on_year's offers_change for that LCPA and level (Kent, the sum,
    is in the table only)."""
    chart = charts.change_chart(results, highlight="east-kent")
    yoy = results.year_on_year.set_index(["region_slug", "level"])
    names = {"East Kent (this LCPA)": "east-kent", "West Kent": "west-kent"}
    assert chart.categories == list(names)
    assert chart.series, "at least one measured level is drawn"
    for (category, level), value in drawn_values(chart).items():
        expected = yoy.loc[(names[category], level), "offers_change"]
        assert (value is None and math.isnan(expected)) or value == expected
    kent_rows = [row for row in chart.table.rows if row["lcpa"] == "Kent"]
    assert kent_rows and all(row["offers_change"] == yoy.loc[("kent", "3"), "offers_change"]
                             for row in kent_rows if row["level"] == "Level 3")


def test_change_chart_level_3_matches_the_course_records(results, kent):
    """East Kent's Level 3 change equals its Level 3 courses in 2016/17 minus those in 2015/16,
    counted straight from the records."""
    chart = charts.change_chart(results)
    counts = {year: Course.objects.filter(site__area__region__slug="east-kent", level="3",
                                          academic_year=year).count()
              for year in ("2015/16", "2016/17")}
    values = drawn_values(chart)
    assert values[("East Kent", "3")] == counts["2016/17"] - counts["2015/16"] == 2


def test_minutes_chart_is_the_median_and_90th_percentile_of_region_level(results):
    """Bars are region_level's median_minutes, lines its p90_minutes, at measured levels only."""
    chart = charts.minutes_chart(results)
    frame = results.region_level.set_index(["region_name", "level"])
    measured = set(results.region_level.loc[results.region_level["measured"], "level"])
    assert {series.key for series in chart.series} == measured
    for series in chart.series:
        for category, median, p90 in zip(chart.categories, series.values, series.upper,
                                         strict=True):
            assert median == pytest.approx(frame.loc[(category, series.key), "median_minutes"])
            assert p90 == pytest.approx(frame.loc[(category, series.key), "p90_minutes"])
            assert p90 >= median


def test_guarantee_chart_shares_are_guarantee_regions_and_fill_the_bar(results):
    """The three segments are met / not met / cannot be confirmed from guarantee_regions; they
    add up to the whole bar."""
    chart = charts.guarantee_chart(results)
    frame = results.guarantee_regions.set_index("region_name")
    for series in chart.series:
        for category, value in zip(chart.categories, series.values, strict=True):
            assert value == pytest.approx(frame.loc[category, series.key])
    for group in chart.drawing.groups:
        assert sum(bar.width for bar in group.bars) == pytest.approx(charts.WIDTH, abs=0.5)
        assert "Met: " in group.text and "Not met: " in group.text


def test_guarantee_parts_chart_is_each_components_share(results):
    """Each part's bar is guarantee_regions' <part>_share for the LCPA and for Kent."""
    chart = charts.guarantee_parts_chart(results, "east-kent")
    frame = results.guarantee_regions.set_index("region_slug")
    assert chart.categories == list(COMPONENT_LABELS.values())
    for series in chart.series:
        for part, value in zip(COMPONENTS, series.values, strict=True):
            expected = frame.loc[series.key, f"{part}_share"]
            assert (value is None and math.isnan(expected)) or value == pytest.approx(expected)


def test_every_chart_has_a_text_alternative_legend_and_table(results):
    """The SVG is a named image (role, title, desc, aria-labelledby) and the page gets the data
    table with a row per category."""
    for chart in (charts.change_chart(results), charts.minutes_chart(results),
                  charts.guarantee_chart(results)):
        html = render(chart)
        svg = re.search(r"<svg class=\"app-chart__svg\"[^>]*>", html).group(0)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart.title_id} {chart.desc_id}"' in svg
        assert f'<title id="{chart.title_id}">' in html and f'<desc id="{chart.desc_id}">' in html
        assert len(chart.description) > 60 and "table" in chart.description
        assert '<table class="govuk-table">' in html
        for category in chart.categories:
            assert f'<th scope="row" class="govuk-table__header">{category}</th>' in html


def test_legend_is_exactly_the_fills_drawn(results):
    """Every fill used by a bar is in the legend and every legend fill is used by a bar."""
    chart = charts.minutes_chart(results)
    html = render(chart)
    svg = html.split("</svg>")[0]
    legend = html.split('class="app-chart__legend"')[1]
    drawn = set(re.findall(r'class="app-chart__bar"[^>]*fill="url\(#([^)]+)\)"', svg))
    keyed = set(re.findall(r'fill="url\(#([^)]+)\)"', legend))
    assert drawn and drawn == keyed
    assert "9 in 10 within" in legend  # the line beyond each bar has its key too


# ---------------------------------------------------------------------------------------------
# Hand-built results: hostile names, missing values


def fake_results(name=HOSTILE, change=(3.0, math.nan), learners=(3.0, 40.0)):
    """Results-shaped frames for two LCPAs (one named `name`) at Levels 2 and 3."""
    slugs, names = ["one", "two", "kent"], [name, "Second", "Kent"]
    levels = ["2", "3"]
    region_level = pd.DataFrame([
        {"region_slug": s, "region_name": n, "level": level, "measured": True,
         "median_minutes": 10.0 + i, "p90_minutes": math.nan if s == "two" else 30.0 + i}
        for i, (s, n) in enumerate(zip(slugs, names, strict=True)) for level in levels])
    yoy = pd.DataFrame([
        {"region_slug": s, "region_name": n, "level": level, "offers_from": 5.0,
         "offers_to": 5.0 + change[j], "offers_change": change[j],
         "learners_from": learners[0], "learners_to": learners[1]}
        for s, n in zip(slugs, names, strict=True) for j, level in enumerate(levels)])
    guarantee = pd.DataFrame([
        {"region_slug": s, "region_name": n, "met_share": 0.5, "not_met_share": 0.25,
         "cannot_confirm_share": 0.25, **{f"{c}_share": 0.9 for c in COMPONENTS}}
        for s, n in zip(slugs, names, strict=True)])
    return SimpleNamespace(
        params=AnalysisParams(levels=("2", "3")), year="2023/24", compare_year="2022/23",
        region_level=region_level, year_on_year=yoy, guarantee_regions=guarantee,
        travel_method_label="estimated from straight-line distance",
    )


@pytest.mark.parametrize("build", [
    lambda r: charts.change_chart(r, highlight="one"),
    lambda r: charts.minutes_chart(r, highlight="one"),
    lambda r: charts.guarantee_chart(r, highlight="one"),
    lambda r: charts.guarantee_parts_chart(r, "one"),
])
def test_hostile_names_are_escaped_in_the_svg_and_table(build):
    """An LCPA named with markup and template syntax is shown as text, never run or parsed."""
    html = render(build(fake_results()))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "=HYPERLINK(&quot;x&quot;)" in html


def test_a_missing_value_draws_no_bar_and_says_no_data():
    """A NaN change draws nothing, is written "no data" beside its place, and never "nan"."""
    chart = charts.change_chart(fake_results(name="First"))
    level_3 = next(series for series in chart.series if series.key == "3")
    assert level_3.values == [None, None]
    assert level_3.texts == ["L3: no data", "L3: no data"]
    bars = [bar for group in chart.drawing.groups for bar in group.bars
            if bar.text.startswith("L3")]
    assert bars and all(bar.width == 0 for bar in bars)
    html = render(chart)
    assert "nan" not in html.lower()
    assert "L3: no data" in html


def test_a_missing_p90_draws_the_bar_without_its_line():
    """Where the 90th percentile is unknown the median bar is drawn and no line is."""
    chart = charts.minutes_chart(fake_results(name="First"))
    second = chart.drawing.groups[1]
    assert second.label == "Second"
    assert all(bar.width > 0 and bar.whisker_x is None for bar in second.bars)
    assert all(bar.whisker_x is not None for bar in chart.drawing.groups[0].bars)


def test_a_chart_with_no_value_shows_its_reason_and_table_not_an_empty_figure():
    """When every value is missing, the figure is replaced by a sentence and the table stays."""
    chart = charts.change_chart(fake_results(name="First", change=(math.nan, math.nan)))
    html = render(chart)
    assert not chart.has_values
    assert "<svg class=\"app-chart__svg\"" not in html
    assert chart.empty_text in html and '<table class="govuk-table">' in html


def test_learners_from_one_to_five_are_c_in_the_change_table():
    """The change chart's table shows 3 learners as "c" and 40 as 40."""
    chart = charts.change_chart(fake_results(name="First"))
    shown = chart.table.shown_rows()
    assert {row["learners_from"] for row in shown} == {SUPPRESSED}
    assert {row["learners_to"] for row in shown} == {40}
    html = render(chart)
    assert html.count('app-numeric">c</td>') == len(shown)


def test_negative_changes_go_left_of_the_zero_line():
    """A fall is drawn from the zero line to the left, a rise to the right."""
    chart = charts.change_chart(fake_results(name="First", change=(-4.0, 2.0)))
    drawing = chart.drawing
    bars = chart.drawing.groups[0].bars
    fall, rise = bars
    assert fall.x + fall.width == pytest.approx(drawing.zero_x)
    assert rise.x == pytest.approx(drawing.zero_x)
    assert fall.width == pytest.approx(2 * rise.width, abs=0.2)
    assert fall.text == "L2: -4" and rise.text == "L3: +2"
    assert 'class="app-chart__axis"' in render(chart)
