"""The board champions' reports: the index, the Level 3 report for Kent and for one LCPA, and
their CSV downloads — figures equal to the analysis', learners 1 to 5 as "c" on the page and in
every CSV, hostile names shown as text, bad parameters a 400 and unknown names a 404."""

import csv
import dataclasses
import html as html_module
import io
import re

import numpy as np
import pytest
from django.urls import reverse

from coldspots.results import compute
from offermap import report_level3
from offermap.forms import default_params
from offermap.report_parts import NO_DATA
from offermap.report_views import ReportForm
from offermap.reports import REMITS, Remit, build_report, report_tables
from providers.models import Course, Provider

KENT_REPORT = reverse("offermap:report", args=["level-3"])
EAST_REPORT = reverse("offermap:report_lcpa", args=["level-3", "east-kent"])
HOSTILE = '=HYPERLINK("x")<script>alert(1)</script>{{ 7|add:1 }}'


def results_for(minutes=60, year=None):
    """The analysis the report view uses (the officers' thresholds, its year and minutes)."""
    return compute(dataclasses.replace(default_params(), minutes=minutes, mode="pt", year=year))


def get_page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def page_table(html: str, key: str) -> list[list[str]]:
    """The body cells of the report table `key`, as the page shows them (unescaped text)."""
    block = html.split(f'id="table-{key}"')[1].split("</table>")[0]
    body = block.split("<tbody")[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        rows.append([html_module.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def read_csv(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def csv_url(key, lcpa=None, query=""):
    url = (reverse("offermap:report_lcpa_download_csv", args=["level-3", lcpa, key]) if lcpa
           else reverse("offermap:report_download_csv", args=["level-3", key]))
    return url + query


def shown(value: str) -> str:
    """A CSV cell as the page writes it (an empty cell is "no data recorded")."""
    return value if value != "" else NO_DATA.capitalize()


def test_index_links_every_remit_for_kent_and_each_lcpa(client, kent):
    """The index names each remit, with its Kent-wide report and one per LCPA, all opening."""
    html = get_page(client, reverse("offermap:reports"))
    for remit in REMITS.values():
        assert html_module.escape(remit.title) in html
        links = [reverse("offermap:report", args=[remit.slug])] + [
            reverse("offermap:report_lcpa", args=[remit.slug, region.slug])
            for region in kent.regions]
        for link in links:
            assert f'href="{link}"' in html
            assert client.get(link).status_code == 200


def test_navigation_and_lcpa_page_link_to_the_reports(client, kent):
    """The site navigation links the index, and the LCPA page its own reports."""
    html = get_page(client, reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    assert f'href="{reverse("offermap:reports")}"' in html
    assert html_module.escape(EAST_REPORT + "?year=2016%2F17&minutes=60&mode=pt") in html


def test_kent_choice_table_equals_the_analysis(client, kent):
    """Each LCPA's and Kent's Level 3 row is region_level's, as percentages rounded once."""
    frame = results_for().region_level
    frame = frame.loc[frame["level"] == "3"].set_index("region_name")
    rows = read_csv(client, csv_url("choice-by-lcpa"))
    assert [row["lcpa"] for row in rows] == ["East Kent", "West Kent", "Kent"]
    for row in rows:
        expected = frame.loc[row["lcpa"]]
        assert float(row["no_choice_pct"]) == round(expected["no_choice_share"] * 100, 1)
        assert float(row["reduced_choice_pct"]) == round(expected["reduced_choice_share"] * 100, 1)
        assert int(row["cold_areas"]) == expected["cold_areas"]
        assert int(row["areas"]) == expected["areas"]
        assert float(row["median_minutes"]) == round(expected["median_minutes"], 1)
    # The page shows the same cells as the CSV.
    cells = page_table(get_page(client, KENT_REPORT), "choice-by-lcpa")
    assert cells == [table_cells(row) for row in rows]


def test_lcpa_report_lists_its_lcpa_and_kent_only(client, kent):
    """The LCPA report's tables are about that LCPA (and Kent to compare), not the others."""
    rows = read_csv(client, csv_url("choice-by-lcpa", "east-kent"))
    assert [row["lcpa"] for row in rows] == ["East Kent", "Kent"]
    assert all(row["report_lcpa"] == "East Kent" for row in rows)
    html = get_page(client, EAST_REPORT)
    assert "West Kent" not in html.split('id="table-choice-by-type"')[1].split("</table>")[0]


def test_choice_by_type_equals_the_per_type_cells(client, kent):
    """A type's share within reach is the cohort share of the LCPA's areas with a provider of
    that type within reach in area_type (worked out here from the cells themselves)."""
    results = results_for()
    areas = results.areas.set_index("area_code")
    rows = read_csv(client, csv_url("choice-by-type"))
    by_key = {(row["lcpa"], row["type"]): row for row in rows}
    for region, slug in (("East Kent", "east-kent"), ("West Kent", "west-kent")):
        codes = areas.index[areas["region_slug"] == slug]
        for kind, label in (("a_level", "A Level"), ("tech_level", "Tech level")):
            cells = results.area_type.loc[(results.area_type["level"] == "3")
                                          & (results.area_type["qualification_type"] == kind)]
            reached = set(cells.loc[cells["providers"] > 0, "area_code"])
            cohort = areas.loc[codes, "cohort_16_17"]
            share = cohort[[code in reached for code in codes]].sum() / cohort.sum()
            assert float(by_key[(region, label)]["reach_pct"]) == round(share * 100, 1)
    # West Kent has no tech level within an hour; the East College's is too far.
    assert float(by_key[("West Kent", "Tech level")]["reach_pct"]) == 0.0
    # No T Level is recorded at all in the year: "no data recorded", not 0.
    assert by_key[("East Kent", "T Level")]["reach_pct"] == ""
    cells = page_table(get_page(client, KENT_REPORT), "choice-by-type")
    assert ["East Kent", "T Level", *[NO_DATA.capitalize()] * 4] in cells
    # The at-a-glance table holds the same shares, one row per LCPA.
    glance = read_csv(client, csv_url("reach-by-type"))
    assert [row["lcpa"] for row in glance] == ["East Kent", "West Kent", "Kent"]
    for row in glance:
        for label in ("A Level", "T Level", "Tech level"):
            assert row[label] == by_key[(row["lcpa"], label)]["reach_pct"]


def test_cold_areas_are_the_area_level_states(client, kent):
    """The listed small areas are exactly those area_level calls no or reduced choice at L3."""
    results = results_for()
    cells = results.area_level
    cold = cells.loc[(cells["level"] == "3") & cells["cold"] & cells["in_kent"], "area_code"]
    rows = read_csv(client, csv_url("cold-areas"))
    assert sorted(row["area_code"] for row in rows) == sorted(cold)
    assert rows  # the West Kent areas have one school only


def test_narrow_offers_lists_non_selective_schools_with_one_kind(client, kent):
    """Schools offering only A Levels are narrow; a college is not a school; a selective
    school is not listed; a school with two kinds is not narrow."""
    grammar = Provider.objects.get(name="West School")
    grammar.admissions_policy = Provider.AdmissionsPolicy.SELECTIVE
    grammar.save()
    rows = read_csv(client, csv_url("narrow-offers"))
    assert [row["provider"] for row in rows] == ["East School"]
    assert rows[0]["types"] == "1" and rows[0]["type_list"] == "A Level"
    school = Provider.objects.get(name="East School")
    Course.objects.create(provider=school, site=school.sites.first(), academic_year="2016/17",
                          level="3", qualification_type="applied_general", title="BTEC",
                          learners=30)
    assert read_csv(client, csv_url("narrow-offers")) == []
    assert report_level3.NARROW_FEWER_THAN == 2


def small_numbers(kent):
    """East School's A Level has 3 learners, East College's 12: a small sixth form (3) and a
    duplicated small offer (3 and 12)."""
    Course.objects.filter(provider__name="East School", academic_year="2016/17").update(
        learners=3)
    Course.objects.filter(provider__name="East College", qualification_type="a_level").update(
        learners=12)


def test_learners_from_1_to_5_are_c_on_the_page_and_in_every_csv(client, kent):
    """The 3 learners appear as "c" in each table and download that counts them, never as 3;
    12 is shown."""
    small_numbers(kent)
    html = get_page(client, KENT_REPORT)
    small = page_table(html, "small-sixth-forms")
    assert [(row[0], row[3]) for row in small] == [("East School", "c"), ("West School", "120")]
    pairs = page_table(html, "duplicated-small-offers")
    assert len(pairs) == 1 and {pairs[0][4], pairs[0][7]} == {"c", "12"}
    narrow = page_table(html, "narrow-offers")
    assert narrow[0][0] == "East School" and narrow[0][7] == "c"
    for key in report_tables(build_report(REMITS["level-3"], results_for(), None, None)):
        for lcpa in (None, "east-kent"):
            for row in read_csv(client, csv_url(key, lcpa)):
                for name in ("learners", "learners_a", "learners_b", "cohort"):
                    assert row.get(name, "") not in {"1", "2", "3", "4", "5"}, (key, row)
    rows = read_csv(client, csv_url("small-sixth-forms", "east-kent"))
    assert rows[0]["learners"] == "c"


# The columns every report CSV starts with, before the table's own.
CSV_LEAD = ("report_lcpa", "academic_year", "travel", "providers_confirmed_offer",
            "providers_expected")


def table_cells(row: dict) -> list[str]:
    """A CSV row's own cells (after the lead columns) as the page shows them."""
    return [shown(value) for name, value in row.items() if name not in CSV_LEAD]


def test_every_table_has_a_csv_that_matches_the_page(client, kent):
    """Each table on the page links its CSV (with the page's year), and the CSV holds the same
    rows and cells as the page."""
    small_numbers(kent)
    for url, lcpa in ((KENT_REPORT, None), (EAST_REPORT, "east-kent")):
        html = get_page(client, url + "?year=2016/17&minutes=45")
        links = [html_module.unescape(h) for h in re.findall(r'href="([^"]*/download/[^"]*)"',
                                                             html)]
        keys = {re.search(r"/download/([a-z0-9-]+)\.csv", link).group(1) for link in links}
        tables = report_tables(build_report(REMITS["level-3"], results_for(45, "2016/17"),
                                            None, lcpa))
        assert keys == set(tables)
        assert all("minutes=45" in link and "year=2016%2F17" in link for link in links)
        for link in links:
            key = re.search(r"/download/([a-z0-9-]+)\.csv", link).group(1)
            rows = read_csv(client, link)
            assert all(row["academic_year"] == "2016/17" for row in rows)
            assert all(row["travel"] == "45 minutes by public transport" for row in rows)
            if f'id="table-{key}"' not in html or not rows:
                continue  # a chart's table (in its details) or an empty table
            assert page_table(html, key) == [table_cells(row) for row in rows], key


def test_hostile_provider_names_are_text_on_the_page_and_safe_in_csv(client, kent):
    """A provider name with markup, template syntax and a formula is shown as typed (escaped),
    never run, and its CSV cell cannot start a formula."""
    Provider.objects.filter(name="East School").update(name=HOSTILE)
    small_numbers(kent)
    html = get_page(client, KENT_REPORT)
    assert "<script>alert(1)</script>" not in html
    assert html_module.escape(HOSTILE) in html or "&lt;script&gt;alert(1)" in html
    assert "{{ 7|add:1 }}" in html_module.unescape(html)
    raw = client.get(csv_url("small-sixth-forms")).content.decode()
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows[0]["provider"] == "'" + HOSTILE


@pytest.mark.parametrize("query", ["?year=1999/00", "?year=2016-17", "?minutes=61",
                                   "?minutes=abc", "?mode=bus", "?year=%00"])
def test_bad_parameters_get_an_error_summary_and_400(client, kent, query):
    """A year, travel time or mode not on the lists is a 400 with the GOV.UK error summary and
    no figures; a download with it is a plain 400."""
    for url in (KENT_REPORT, EAST_REPORT):
        response = client.get(url + query)
        assert response.status_code == 400
        html = response.content.decode()
        assert "govuk-error-summary" in html and 'href="#report-' in html
        assert 'id="table-choice-by-lcpa"' not in html
    assert client.get(csv_url("choice-by-lcpa") + query).status_code == 400
    assert client.get(csv_url("choice-by-lcpa", "east-kent") + query).status_code == 400


def test_defaults_are_the_latest_year_and_60_minutes(client, kent):
    """With no parameters the report is for the latest year with offers and 60 minutes."""
    rows = read_csv(client, csv_url("choice-by-lcpa"))
    assert rows[0]["academic_year"] == "2016/17"
    assert rows[0]["travel"] == "60 minutes by public transport"
    form = ReportForm({}, years=["2015/16", "2016/17"])
    assert form.is_valid()
    params = form.params("v")
    assert (params.year, params.minutes, params.mode) == (None, 60, "pt")


@pytest.mark.parametrize("url", [
    "/reports/no-such-remit/", "/reports/level-3/no-such-lcpa/",
    "/reports/no-such-remit/east-kent/", "/reports/level-3/download/no-such-table.csv",
    "/reports/level-3/east-kent/download/no-such-table.csv",
    "/reports/level-3/no-such-lcpa/download/choice-by-lcpa.csv",
    "/reports/no-such-remit/download/choice-by-lcpa.csv",
])
def test_unknown_remit_lcpa_or_table_is_404(client, kent, url):
    """Unknown names are a 404, not a report of something else."""
    assert client.get(url).status_code == 404


def test_report_pages_are_read_only(client, kent):
    """A POST to a report or its download is refused (405)."""
    assert client.post(KENT_REPORT).status_code == 405
    assert client.post(csv_url("choice-by-lcpa")).status_code == 405


def test_the_page_states_its_parameters_and_sources(client, kent):
    """The parameters block names the year, travel time, thresholds, estimates, "no data
    recorded", the sources and the date it was made."""
    html = html_module.unescape(get_page(client, EAST_REPORT + "?minutes=45"))
    params = default_params()
    for text in ("2016/17", "45 minutes by public transport",
                 f"at least {params.min_providers} open-access providers",
                 f"within {params.max_nearest_minutes} minutes", "No data recorded",
                 "Generated", "Get Information About Schools", "c: 1 to 5 learners"):
        assert text in html, text
    assert "This report has no map" in html


def test_table_keys_are_unique_and_url_safe(kent):
    """Every table key of the Level 3 report (Kent and LCPA) names a CSV: unique, a slug."""
    results = results_for()
    for slug in (None, "east-kent"):
        tables = report_tables(build_report(REMITS["level-3"], results, None, slug))
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in tables)
        assert {"choice-by-lcpa", "reach-by-type", "choice-by-type", "cold-areas",
                "small-sixth-forms", "duplicated-small-offers", "narrow-offers"} <= set(tables)


def test_a_remit_is_one_registry_entry_with_a_dotted_builder(kent):
    """build_report imports the builder named by the dotted path and calls it."""
    remit = Remit("test", "Test", "", "offermap.report_level3.sections", "level_3")
    sections = build_report(remit, results_for(), None, "west-kent")
    assert [s.key for s in sections] == [
        s.key for s in report_level3.sections(results_for(), None, "west-kent")]
    assert np.all([s.heading for s in sections])


def test_report_shows_the_remits_board_actions_to_a_champion(client, kent):
    """A Level 3 champion sees the report's Level 3 actions for the LCPA (not another remit's)
    with a link to record one prefilled with the remit, LCPA and level; anonymous sees none."""
    from accounts.roles import CHAMPION
    from coldspots.models import BoardAction
    from tests.accounts.conftest import make_user

    east = kent.regions[0]
    BoardAction.objects.create(remit="level_3", region=east, note="Merge two small A Levels")
    BoardAction.objects.create(remit="send", region=east, note="A SEND matter")
    assert "Merge two small A Levels" not in get_page(client, EAST_REPORT)
    client.force_login(make_user("champion", role=CHAMPION, staff=True, remit="level_3"))
    html = html_module.unescape(get_page(client, EAST_REPORT))
    assert "Merge two small A Levels" in html and "A SEND matter" not in html
    record = re.search(r'href="([^"]*/reports/actions/new/\?[^"]*)"', html).group(1)
    assert "remit=level_3" in record and "lcpa=east-kent" in record and "level=3" in record
