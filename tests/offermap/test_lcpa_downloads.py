"""The LCPA page's downloads: every table as CSV and the map's layers as GeoJSON, matching the
page, safe to open in a spreadsheet, with learner counts from 1 to 5 shown as "c"."""

import csv
import html as html_module
import io
import json
import re

import pytest
from django.urls import reverse

from offermap.views import LCPA_TABLES
from providers.models import Course, Provider

PAGE = reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17"
HOSTILE = '=HYPERLINK("x")<script>alert(1)</script>'


def page(client, url=PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def download_links(html: str) -> list[str]:
    return [html_module.unescape(href) for href in
            re.findall(r'href="([^"]*/download/[^"]*)"', html)]


def read_csv(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_every_table_on_the_page_has_a_csv_download(client, kent):
    """The page links each of its tables (and each chart's table) once, for its year."""
    links = download_links(page(client))
    csv_links = [link for link in links if ".csv" in link]
    names = {re.search(r"/download/([a-z-]+)\.csv", link).group(1) for link in csv_links}
    # No two small offers are duplicated in this data (each has 120 learners).
    assert names == set(LCPA_TABLES) - {"duplication"}
    assert all("year=2016%2F17" in link for link in links)
    assert any(link.split("?")[0].endswith("/download/map.geojson") for link in links)


def test_every_csv_download_parses_and_names_its_lcpa_and_year(client, kent):
    """Each table's CSV parses, and each row carries the LCPA, the year and the travel time."""
    for name in LCPA_TABLES:
        url = reverse("offermap:lcpa_download_csv", args=["east-kent", name]) + "?year=2016/17"
        for row in read_csv(client, url):
            assert row["page_lcpa"] == "East Kent"
            assert row["academic_year"] == "2016/17"
            assert row["travel"] == "60 minutes by public transport"


def test_cold_spots_csv_has_the_rows_of_the_page(client, kent):
    """The small areas and reasons of the page's table are the CSV's, in the same order."""
    html = page(client)
    table = html.split('id="cold-areas"')[1].split("</table>")[0]
    shown = [html_module.unescape(cell) for cell in
             re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', table)]
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "cold-spots"]) + "?year=2016/17")
    assert shown and [row["area_name"] for row in rows] == shown
    for row in rows:
        assert html_module.escape(row["why"], quote=False) in table


def test_choice_by_level_csv_matches_the_pages_shares(client, kent):
    """Each measured level's shares in the CSV (0 to 1) are those the page writes (23%)."""
    from offermap.maps import format_share

    html = page(client)
    table = html.split('id="cold-spots"')[1].split("</table>")[0]
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "choice-by-level"]) + "?year=2016/17")
    measured = [row for row in rows if row["measured"] == "True"]
    assert measured
    for row in measured:
        line = table.split(f">{row['level']}</th>")[1].split("</tr>")[0]
        assert f"{format_share(float(row['no_choice_share']))} (" in line
        assert f"{format_share(float(row['reduced_choice_share']))} (" in line
        assert f"{row['cold_areas']} of {row['areas']}" in line


def test_providers_csv_lists_the_sites_of_the_page(client, kent):
    """The providers download has the provider and site names of the page's table."""
    html = page(client)
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "providers"]) + "?year=2016/17")
    assert {row["provider_name"] for row in rows} == {"East College", "East School"}
    section = html.split('id="providers"')[1].split("</table>")[0]
    for row in rows:
        assert row["provider_name"] in section and row["offers"] in section


def test_chart_table_csv_is_the_charts_table(client, kent):
    """The minutes chart's CSV has the figures of the table under the chart."""
    html = page(client)
    chart = html.split('id="chart-minutes"')[1].split("</figure>")[0]
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "minutes"]) + "?year=2016/17")
    figures = [row["median_minutes_3"] for row in rows]
    assert figures and all(f'app-numeric">{figure}</td>' in chart for figure in figures)


def test_csv_cells_are_safe_to_open_in_a_spreadsheet(client, kent):
    """A provider named like a formula gets a leading apostrophe; the page shows it escaped."""
    Provider.objects.filter(name="East School").update(name=HOSTILE)
    html = page(client)
    assert "<script>alert(1)</script>" not in html
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "providers"]) + "?year=2016/17")
    names = {row["provider_name"] for row in rows}
    assert "'" + HOSTILE in names and HOSTILE not in names


@pytest.fixture
def small_numbers(kent):
    """East College and East School each have 3 learners on their Level 3 A Levels in 2016/17:
    a duplicated small offer, and East School a sixth form of 3."""
    Course.objects.filter(academic_year="2016/17", qualification_type="a_level",
                          site__area__region__slug="east-kent").update(learners=3)
    return kent


def test_learner_counts_from_one_to_five_are_c_on_the_page(client, small_numbers):
    """The duplication list and the small sixth forms show "c", never "3 learners"."""
    html = page(client)
    duplication = html.split('id="duplication"')[1].split('id="providers"')[0]
    assert "East School (c learners)" in duplication
    assert "East School: c " in duplication
    assert "3 learners" not in html and "East School: 3" not in html


def test_learner_counts_from_one_to_five_are_c_in_the_downloads(client, small_numbers):
    """The duplication and small sixth form CSVs and the GeoJSON's sites show "c" for 3."""
    duplication = read_csv(client, reverse("offermap:lcpa_download_csv",
                                           args=["east-kent", "duplication"]) + "?year=2016/17")
    assert duplication
    assert {row["learners_a"] for row in duplication} == {"c"}
    assert {row["learners_b"] for row in duplication} == {"c"}
    small = read_csv(client, reverse("offermap:lcpa_download_csv",
                                     args=["east-kent", "small-sixth-forms"]) + "?year=2016/17")
    assert [row["learners"] for row in small if row["provider_name"] == "East School"] == ["c"]
    response = client.get(reverse("offermap:lcpa_download_geojson", args=["east-kent"])
                          + "?year=2016/17")
    sites = [f["properties"] for f in json.loads(response.content)["features"]
             if f["properties"]["feature_type"] == "site"]
    school = next(site for site in sites if site["provider"] == "East School")
    assert school["learners"] == "c"


def test_geojson_has_the_lcpas_and_the_sites_of_the_page(client, kent):
    """The map download has every LCPA with its measures and this LCPA's sites, as the map."""
    response = client.get(reverse("offermap:lcpa_download_geojson", args=["east-kent"])
                          + "?year=2016/17")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert collection["properties"]["academic_year"] == "2016/17"
    assert collection["properties"]["lcpa"] == "east-kent"
    lcpas = [f for f in collection["features"] if f["properties"]["feature_type"] == "lcpa"]
    sites = [f for f in collection["features"] if f["properties"]["feature_type"] == "site"]
    assert {f["properties"]["region_slug"] for f in lcpas} == {"east-kent", "west-kent"}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in lcpas)
    assert {f["properties"]["provider"] for f in sites} == {"East College", "East School"}
    html = page(client)
    east = next(f for f in lcpas if f["properties"]["region_slug"] == "east-kent")
    share = east["properties"]["cold_share"]
    from offermap.maps import format_share
    assert format_share(share) in html.split('id="compare"')[1]


@pytest.mark.parametrize(("url", "status"), [
    (reverse("offermap:lcpa_download_csv", args=["east-kent", "no-such-table"]), 404),
    (reverse("offermap:lcpa_download_csv", args=["atlantis", "providers"]), 404),
    (reverse("offermap:lcpa_download_geojson", args=["atlantis"]), 404),
    (reverse("offermap:lcpa_download_csv", args=["east-kent", "providers"]) + "?minutes=abc",
     400),
    (reverse("offermap:lcpa_download_geojson", args=["east-kent"]) + "?mode=rocket", 400),
])
def test_bad_download_requests_are_refused_without_a_server_error(client, kent, url, status):
    """An unknown table or LCPA is 404; bad parameters are 400 with the reason."""
    assert client.get(url).status_code == status


def test_downloads_refuse_post(client, kent):
    """The downloads only read: a POST gets 405."""
    url = reverse("offermap:lcpa_download_csv", args=["east-kent", "providers"])
    assert client.post(url).status_code == 405


def test_a_hostile_lcpa_name_is_text_in_the_charts_and_safe_in_their_csv(client, kent):
    """An LCPA named with markup, template syntax and a formula is escaped in every chart on
    the page and starts with an apostrophe in a chart's CSV."""
    from areas.models import Region

    hostile = '=HYPERLINK("x")<script>alert(1)</script>{{ 7*7 }}'
    Region.objects.filter(slug="west-kent").update(name=hostile)
    html = page(client)
    assert "<script>alert(1)</script>" not in html
    for key in ("minutes", "change", "guarantee-by-lcpa"):
        figure = html.split(f'id="chart-{key}"')[1].split("</figure>")[0]
        assert "=HYPERLINK(&quot;x&quot;)&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in figure
    rows = read_csv(client, reverse("offermap:lcpa_download_csv",
                                    args=["east-kent", "guarantee-by-lcpa"]) + "?year=2016/17")
    assert "'" + hostile in {row["lcpa"] for row in rows}


def test_download_links_leave_out_a_parameter_the_page_could_not_use(client, kent):
    """With a bad travel time the page uses the default, and so do its downloads (no 400)."""
    html = page(client, PAGE + "&minutes=abc")
    links = download_links(html)
    assert links and all("minutes=" not in link and "year=2016%2F17" in link for link in links)
    assert all(client.get(link).status_code == 200 for link in links[:3])
