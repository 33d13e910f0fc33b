"""The map page: full page and htmx fragment, filters, tables, downloads, bad input, query bound."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.models import Course, Provider
from tests.factories import CourseFactory
from tests.offermap.conftest import make_area, make_provider

MAP = reverse("offermap:map")
HX = {"HTTP_HX_REQUEST": "true"}


def page(client, query="", **headers):
    response = client.get(f"{MAP}?{query}", **headers)
    assert response.status_code == 200, response.content[:500]
    return response, response.content.decode()


def test_full_page_has_form_results_and_map_without_other_hosts(client, kent):
    """The page is a whole document: filter form, results, the map's container and data, and
    only nonced scripts (the map's data is a JSON block, which never runs)."""
    response, html = page(client, "year=2016/17")
    assert html.startswith("<!doctype html>")
    assert 'id="filters"' in html and 'method="get"' in html
    assert 'id="results"' in html
    assert 'data-offer-map="offer-map-data"' in html
    assert html.count('<script id="offer-map-data" type="application/json">') == 1
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    data_blocks = html.count('type="application/json"')
    assert html.count("<script") - data_blocks == html.count(f'nonce="{nonce}"')
    assert "js/offer-map.js" in html and "vendor/leaflet/leaflet.js" in html
    assert "vendor/htmx/htmx.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html.split("<footer")[0])
    assert "<iframe" not in html


def test_htmx_request_gets_only_the_results_fragment(client, kent):
    """With HX-Request the view returns the results and out-of-band updates, not the page."""
    response, html = page(client, "year=2016/17&level=3", **HX)
    assert "<html" not in html and 'id="filters"' not in html
    assert html.count('id="results"') == 1
    assert 'id="results-status"' in html and 'hx-swap-oob="true"' in html
    assert '<div id="table-state" hx-swap-oob="true">' in html
    assert "<title>Map: Kent, Level 3, 2016/17" in html
    assert 'data-offer-map="offer-map-data"' in html and 'id="offer-map-data"' in html
    assert response["HX-Push-Url"] == f"{MAP}?year=2016%2F17&level=3"
    assert "HX-Request" in response["Vary"]


def test_fragment_for_another_year_updates_its_sources_and_subjects_in_the_form(client, kent):
    """The year's sources and subjects sit in the form, outside the results: the fragment for
    another year replaces them out of band with that year's."""
    CourseFactory(provider=kent.providers[0], site=kent.providers[0].sites.first(),
                  academic_year="2015/16", level="3",
                  qualification_type=Course.QualificationType.T_LEVEL, tlevel_route="Digital",
                  source_key="tlevels_2021", source_year="2020/21")
    _, page_html = page(client, "year=2016/17")
    _, html = page(client, "year=2015/16", **HX)

    def sources(text):
        return text.split('id="year-sources"')[1].split("</div>")[0]

    def subjects(text):
        return text.split('id="filter-subject"')[1].split("</select>")[0]

    assert "Sources for 2016/17" in sources(page_html)
    assert "DfE 16–18 performance tables · 2016/17" in sources(page_html)
    assert '<div id="year-sources" hx-swap-oob="true">' in html
    assert "Sources for 2015/16" in sources(html) and "2016/17" not in sources(html)
    assert "DfE 16–18 performance tables · 2015/16" in sources(html)
    assert "ESFA T Level provider register (February 2021) · 2020/21" in sources(html)
    assert 'hx-swap-oob="innerHTML"' in subjects(html)
    assert ">Engineering<" in subjects(page_html) and ">Engineering<" not in subjects(html)
    assert ">Digital<" in subjects(html)


def test_fragment_updates_the_counts_of_chosen_types_in_the_form(client, kent):
    """The folded type lists say how many are chosen; the fragment brings the new counts."""
    _, html = page(client, "year=2016/17&type=a_level&type=tech_level", **HX)
    assert ('<span class="govuk-details__summary-text" id="filter-type-chosen" '
            'hx-swap-oob="true">Qualification type (2 chosen)</span>') in html
    assert ('id="filter-kind-chosen" hx-swap-oob="true">Provider type</span>') in html
    _, full = page(client, "year=2016/17&type=a_level")
    assert 'id="filter-type-chosen">Qualification type (1 chosen)</span>' in full


def test_year_sources_have_their_element_even_without_sources(client, kent):
    """A year without records still has the (empty) element a later update replaces."""
    _, html = page(client, "year=2019/20")
    assert '<div id="year-sources"></div>' in html


def test_empty_form_fields_are_left_out_of_the_shared_link(client, kent):
    """The pushed URL drops the form's empty fields, so shared links stay short."""
    response, _ = page(client, "lcpa=&level=3&subject=", **HX)
    assert response["HX-Push-Url"] == f"{MAP}?level=3"


def test_history_restore_request_gets_the_whole_page(client, kent):
    """When htmx restores history from the server it needs the full page, not the fragment."""
    _, html = page(
        client, "level=3", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert 'id="filters"' in html


def test_level_filter_changes_offers_in_view_and_table(client, kent):
    """Choosing Level 2 counts only Level 2 offers and lists only sites that have them."""
    _, everything = page(client, "year=2016/17")
    _, level_2 = page(client, "year=2016/17&level=2", **HX)
    assert re.search(r'app-headline__figure">6<', everything)
    assert re.search(r'app-headline__figure">1<', level_2)
    assert "East School" in everything and "East School" not in level_2
    assert "East College" in level_2


def test_lcpa_filter_narrows_table_and_names_the_place(client, kent):
    """Choosing an LCPA lists only its sites and titles the results with its name."""
    _, html = page(client, "year=2016/17&lcpa=west-kent", **HX)
    assert "West Kent: 2016/17" in html
    assert "West School" in html and "East College" not in html


def test_lcpa_table_has_every_measure_as_text(client, kent):
    """Each LCPA row says its cold-spot share, options, guarantee and change in words."""
    _, html = page(client, "year=2016/17")
    table = html.split('id="lcpa-table-heading"')[1].split("</table>")[0]
    assert "East Kent" in table and "West Kent" in table and ">Kent<" in table
    assert "%" in table and "offers, 2015/16 → 2016/17" in table  # a share; the change's years
    assert "students " in table  # the change gives students beside offers


def test_each_measure_shades_the_map_with_its_legend(client, kent):
    """Every measure renders, with its own legend title, and the radio shows it chosen."""
    for key, title in [("cold_share", "with no or reduced choice"),
                       ("options_per_1000", "per 1,000"),
                       ("guarantee", "Young Person’s Guarantee"),
                       ("guarantee_checked", "so this is not the whole guarantee"),
                       ("change", "since the previous year")]:
        _, html = page(client, f"year=2016/17&measure={key}")
        assert title in html, key
        assert f'value="{key}" checked' in html


def test_cold_area_layer_is_drawn_only_when_asked(client, kent):
    """Small areas with no or reduced choice are added to the map when the box is ticked."""
    _, without = page(client, "year=2016/17&level=2")
    _, with_layer = page(client, "year=2016/17&level=2&cold_areas=1")
    assert "Small-area cold spots" not in without.split("<script nonce")[-1]
    assert "Small-area cold spots" in with_layer
    assert "West Kent 000A" in with_layer  # no Level 2 offer reaches the west


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("level=9", "Unknown value"),
        ("minutes=abc", "Enter a number"),
        ("minutes=999", "minutes from"),
        ("mode=rocket", "public transport"),
        ("measure=bogus", "Choose a measure"),
        ("lcpa=atlantis", "no LCPA"),
        ("page=0", "page number"),
        ("sort=%3Cscript%3E", "cannot be sorted"),
        ("year=2016", "academic year"),
        ("cold_areas=maybe", "small-area cold spots"),
    ],
)
def test_bad_parameters_give_a_message_not_an_error(client, kent, query, message):
    """A bad value is named in an error summary and the page falls back to the default."""
    for headers in ({}, HX):
        _, html = page(client, query, **headers)
        assert "govuk-error-summary" in html
        assert message in html


def test_error_messages_link_to_the_field_that_sets_the_value(client, kent):
    """Each error in the summary links to its filter, and a hidden filter group is opened."""
    _, html = page(client, "minutes=abc&type=bogus")
    assert '<a href="#filter-minutes-30">Enter a number.</a>' in html
    assert 'href="#filter-type-a_level"' in html
    assert 'id="filter-type-a_level"' in html
    assert html.count("<details class=\"govuk-details\" open>") == 1


def test_page_past_the_end_shows_the_last_page_with_a_message(client, kent):
    """Asking for page 50 of one page shows the page there is and says so."""
    _, html = page(client, "year=2016/17&page=50")
    assert "There are only 1 pages" in html
    assert "East College" in html


def test_year_without_data_says_so(client, kent):
    """A well-formed year with no course data says which years have data."""
    _, html = page(client, "year=2019/20")
    assert "No course data is recorded for 2019/20" in html
    assert "2015/16, 2016/17" in html


def test_provider_table_sorts_and_paginates(client, kent):
    """Sorting by offers descending puts the site with most offers first; pages hold 25 rows."""
    _, html = page(client, "year=2016/17&sort=-offers")
    rows = re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
                      r'href="/providers/\d+/">([^<]+)</a>', html)
    assert rows[0] == "East College"
    assert 'aria-sort="descending"' in html
    area = kent.areas[0]
    for n in range(30):
        make_provider(f"Extra {n:02d}", area)
    _, first = page(client, "year=2016/17")
    _, second = page(client, "year=2016/17&page=2")
    assert "page 1 of 2" in first and "page 2 of 2" in second
    first, second = (html.split('id="provider-table-heading"')[1] for html in (first, second))
    assert "Extra 00" in first and "Extra 29" in second and "Extra 29" not in first


def test_lcpa_table_sorts_with_kent_last(client, kent):
    """Sorting the LCPA table by name descending lists West before East, Kent still last."""
    _, html = page(client, "year=2016/17&lcpa_sort=-lcpa")
    table = html.split('id="lcpa-table-heading"')[1].split("</table>")[0]
    assert table.index("West Kent") < table.index("East Kent") < table.index(">Kent<")


def test_names_are_escaped_in_table_and_map(client, kent):
    """A provider name with markup is shown as text in the table and never as HTML on the map."""
    make_provider("<script>alert(1)</script>", kent.areas[0])
    _, html = page(client, "year=2016/17")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_database_still_renders(client, db):
    """With no data at all the page explains itself instead of failing."""
    _, html = page(client)
    assert 'id="results"' in html
    assert "No provider site has an offer recorded" in html


def test_map_page_refuses_post(client, kent):
    """The map page is read-only: POST is not allowed."""
    assert client.post(MAP).status_code == 405


def test_query_count_is_bounded_whatever_the_number_of_providers(
    client, kent, django_assert_max_num_queries
):
    """The map page for all of Kent runs a fixed number of queries, however many providers."""
    for n in range(40):
        make_provider(f"Bulk {n}", kent.areas[n % len(kent.areas)],
                      kind=Provider.Kind.SIXTH_FORM_COLLEGE)
    # The first request reads the frames (cold cache); a repeat reads only the data version.
    with django_assert_max_num_queries(25):
        page(client, "year=2016/17&cold_areas=1")
    with django_assert_max_num_queries(12):
        page(client, "year=2016/17&level=3", **HX)


def test_downloads_hold_the_current_view(client, kent):
    """The CSV and GeoJSON downloads hold the same LCPAs and sites as the page."""
    query = "year=2016/17&level=3&lcpa=east-kent"
    response = client.get(reverse("offermap:download_providers_csv") + "?" + query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["provider_name"] for row in rows} == {"East College", "East School"}

    response = client.get(reverse("offermap:download_lcpas_csv") + "?" + query)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["region_name"] for row in rows] == ["East Kent", "West Kent", "Kent"]
    assert rows[0]["cohort_is_estimate"] == "True"

    response = client.get(reverse("offermap:download_geojson") + "?" + query)
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    kinds = [f["properties"]["feature_type"] for f in collection["features"]]
    assert kinds.count("lcpa") == 2 and kinds.count("site") == 2
    assert collection["properties"]["academic_year"] == "2016/17"


@pytest.mark.parametrize("name", ["download_providers_csv", "download_lcpas_csv",
                                  "download_cold_areas_csv", "download_geojson"])
def test_downloads_refuse_bad_parameters_with_400(client, kent, name):
    """A download with a bad parameter is refused with 400 and says which one."""
    response = client.get(reverse(f"offermap:{name}") + "?minutes=abc")
    assert response.status_code == 400
    assert "minutes" in response.content.decode()


def test_second_identical_request_reuses_the_cached_map(client, kent):
    """A repeated view reads only the data version: the analysis and map come from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page(client, "year=2016/17")
    with CaptureQueriesContext(connection) as queries:
        page(client, "year=2016/17")
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert reads, "the data version must still be read, so edits show at once"
    assert all("coldspots_dataversion" in sql or "COUNT(*)" in sql for sql in reads), reads


def test_editing_data_changes_the_map(client, kent):
    """After an officer adds an offer, the next view counts it (the cache follows the data)."""
    _, before = page(client, "year=2016/17&level=2")
    make_provider("New Level 2 Centre", kent.areas[3], offers=(("2", "l2_vocational"),))
    _, after = page(client, "year=2016/17&level=2")
    assert "New Level 2 Centre" not in before and "New Level 2 Centre" in after


def test_keeps_working_with_a_far_area_and_no_cohort(client, kent):
    """An area with no cohort figure does not break the LCPA figures."""
    make_area(kent.regions[1], 9, 0.4, 51.25).cohort_figures.all().delete()
    _, html = page(client, "year=2016/17")
    assert "West Kent" in html


def test_cold_spot_download_lists_each_cold_area_and_level_with_the_reason(client, kent):
    """The cold-spot CSV names each small area with no or reduced choice, its level, its state
    and why, with the thresholds used; a level that is not measured lists nothing."""
    response = client.get(reverse("offermap:download_cold_areas_csv") + "?year=2016/17&level=2")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    west = [row for row in rows if row["lcpa"] == "West Kent"]
    assert len(west) == 3  # no Level 2 offer reaches any West Kent area
    assert {row["level"] for row in rows} == {"Level 2"}
    assert {row["state"] for row in west} == {"No choice"}
    assert all(row["why"].startswith("No choice: 0 open-access providers within 60 minutes; "
                                     "nearest: East College") for row in west)
    assert {(row["min_providers"], row["max_nearest_minutes"]) for row in rows} == {("3", "30")}
    assert all(row["academic_year"] == "2016/17" for row in rows)
    unmeasured = client.get(reverse("offermap:download_cold_areas_csv") + "?year=2016/17&level=1")
    assert list(csv.DictReader(io.StringIO(unmeasured.content.decode()))) == []


def test_provider_without_urn_is_listed_without_a_link(client, kent):
    """A training provider known only by its UKPRN is listed and mapped, with no broken link."""
    provider = make_provider("Skills Training Ltd", kent.areas[1],
                             kind=Provider.Kind.INDEPENDENT_TRAINING_PROVIDER)
    provider.urn, provider.ukprn = None, 10012345
    provider.save()
    _, html = page(client, "year=2016/17")
    table = html.split('id="provider-table-heading"')[1]
    assert "Skills Training Ltd" in table
    assert "/providers/None/" not in html
    assert not re.search(r"/providers/\d+\.0/", html)
    response = client.get(reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    assert response.status_code == 200 and "Skills Training Ltd" in response.content.decode()
    response = client.get(reverse("offermap:download_geojson") + "?year=2016/17")
    sites = [f["properties"] for f in json.loads(response.content)["features"]
             if f["properties"]["feature_type"] == "site"]
    assert {"provider": "Skills Training Ltd", "provider_urn": None}.items() <= next(
        s for s in sites if s["provider"] == "Skills Training Ltd").items()


QUERY_KEYS = ["year", "level", "type", "subject", "provider_kind", "lcpa", "minutes", "mode",
              "measure", "cold_areas", "sort", "lcpa_sort", "page", "english", "ehcp",
              "compare_year", "cold_share"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(QUERY_KEYS),
                       st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
                       max_size=6),
       st.booleans())
def test_no_query_makes_a_server_error(client, kent, query, htmx):
    """Whatever the query string holds, the map page answers 200 (with a message if needed)."""
    headers = HX if htmx else {}
    response = client.get(MAP, query, **headers)
    assert response.status_code == 200


def test_headline_leads_with_the_whole_guarantee_and_says_why_unconfirmed(client, kent):
    """The guarantee's three shares stand side by side (never a lone 0%); the parts that cannot
    be confirmed are named; the LCPA table says 'cannot be confirmed' rather than 0%."""
    _, html = page(client, "year=2016/17")
    headline = html.split('class="app-headline"')[1].split("Map: LCPAs")[0]
    shares = re.findall(r"<dt>([^<]+)</dt><dd[^>]*>([^<]+)</dd>", headline)
    assert [label for label, _ in shares] == ["Met", "Not met", "Cannot be confirmed"]
    assert all(value.endswith("%") for _, value in shares)
    assert "Cannot be confirmed where nothing is within reach of: T Levels" in headline
    assert "The rule used:</strong> No choice: no open-access provider within 60" in html
    table = html.split('id="lcpa-table-heading"')[1].split("</table>")[0]
    assert "Cannot be confirmed" in table and "reach the parts that have data" in table


def test_page_says_which_kinds_of_offer_have_no_records(client, kent):
    """The page names the kinds of offer with no record in the year (no data, not no provision)."""
    _, html = page(client, "year=2016/17")
    section = html.split("Which kinds of offer have records in 2016/17")[1].split("</details>")[0]
    held, missing = section.split("No data recorded")
    assert "A Level" in held and "Tech level" in held
    assert "T Level" in missing and "Intermediate apprenticeship" in missing
