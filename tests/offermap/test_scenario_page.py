"""The what-if page (/reports/scenarios/): its figures are the engine's, it writes nothing, its CSV
matches the page, bad scenarios get a message and 400 (never 500), names are text."""

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from areas.models import Area, CohortFigure, Region
from coldspots.models import BoardAction, DataVersion, TravelTime
from coldspots.results import run_scenario
from coldspots.scenarios import parse_changes
from offermap.forms import default_params
from offermap.maps import format_share
from providers.models import Course, Provider, Site
from providers.spreadsheets import spreadsheet_safe

pytestmark = pytest.mark.django_db

PAGE = "/reports/scenarios/"
CSV_URL = "/reports/scenarios/difference.csv"
BASE = {"year": "2016/17", "minutes": "60", "mode": "pt"}


def url(path=PAGE, changes=None, **extra):
    query = dict(BASE, **extra)
    if changes is not None:
        query["changes"] = changes if isinstance(changes, str) else json.dumps(changes)
    return f"{path}?{urlencode(query)}"


def college(kent):
    return kent.providers[0]


def close_college(kent):
    return [{"change": "close_provider", "provider_id": college(kent).pk}]


def engine(changes):
    """run_scenario as the page is meant to call it: the officers' thresholds, the year and
    travel time of BASE."""
    params = default_params().replace(year="2016/17", minutes=60, mode="pt")
    parsed, errors = parse_changes(changes)
    assert errors == []
    return run_scenario(params, parsed)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_the_page_shows_the_engines_figures(client, kent):
    """Closing East College: the areas listed as changing, their states, and the guarantee and
    choice shares per LCPA are exactly what run_scenario computes (worked out here from its
    frames, not from the page's own code)."""
    response = client.get(url(changes=close_college(kent)))
    assert response.status_code == 200
    html = response.content.decode()
    result = engine(close_college(kent))
    before = result.baseline.area_level.set_index(["area_code", "level"])["state"]
    after = result.scenario.area_level.set_index(["area_code", "level"])["state"]
    moved = {key for key in before.index if before[key] != after[key]}
    assert moved, "closing the only college must change something"
    shown = {(row["area_code"], row["level"])
             for row in response.context["comparison"].area_changes if row["measure"] == "choice"}
    assert shown == moved
    # The college was East Kent's only Level 2 provider: its areas lose every Level 2 option.
    east_codes = {area.code for area in kent.areas[:3]}
    assert {code for code, level in moved if level == "2"} == east_codes
    assert set(after.loc[sorted(east_codes), "2"]) == {"no_choice"}
    for area in kent.areas[:3]:
        assert escape(area.name) in html
    # Guarantee shares per LCPA, before and after, as the page prints them.
    table = result.by_region.drop_duplicates("region_slug").set_index("region_slug")
    rows = {row["slug"]: row for row in response.context["comparison"].lcpa_guarantee}
    assert set(rows) == set(table.index)
    for slug, row in rows.items():
        assert row["met_before"] == table.loc[slug, "covered_share_before"]
        assert row["met_after"] == table.loc[slug, "covered_share_after"]
    east = table.loc["east-kent"]
    assert f"<td class=\"govuk-table__cell app-numeric\">{format_share(east.covered_share_after)}" \
        in html
    # Young people affected at Level 2: the cohort of the east areas (50 each in the fixture).
    level_2 = next(entry for entry in response.context["comparison"].affected
                   if entry["level"] == "2")
    cohort = result.baseline.area_level.set_index(["area_code", "level"])["cohort"]
    assert level_2["worse_people"] == sum(cohort[(code, "2")] for code in east_codes) == 150
    assert level_2["worse_people_text"] == "150"


def test_running_a_scenario_writes_nothing(client, kent):
    """The page and its CSV only read: row counts, the data version and every offer's stored
    state are unchanged, and no INSERT, UPDATE or DELETE reaches the database."""
    changes = [*close_college(kent),
               {"change": "add_offer", "site_id": kent.providers[2].sites.get().pk, "level": "2",
                "qualification_type": "l2_vocational", "subject": "Care"},
               {"change": "change_travel_limit", "minutes": 45}]
    client.get(url())  # the first request may set up the thresholds' row: not a scenario

    def state():
        return ([model.objects.count() for model in (Course, Site, Provider, Area, Region,
                                                     CohortFigure, TravelTime, BoardAction)],
                list(DataVersion.objects.values_list("counter", flat=True)),
                list(Course.objects.order_by("pk").values()))

    before = state()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(changes=changes)).status_code == 200
        assert client.get(url(CSV_URL, changes=changes)).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert state() == before


def test_the_csv_parses_and_matches_the_page(client, kent):
    """The difference CSV has one row per area and measure listed on the page, with the same
    states and young people; a count from 1 to 5 is "c" in both."""
    small = kent.areas[1]
    CohortFigure.objects.filter(area=small).update(value=3)
    page = client.get(url(changes=close_college(kent)))
    rows = csv_rows(client.get(url(CSV_URL, changes=close_college(kent))))
    listed = page.context["comparison"].area_changes
    assert len(rows) == len(listed) > 0
    for row, item in zip(rows, listed, strict=True):
        assert (row["small_area_code"], row["level"], row["before"], row["after"]) == (
            item["area_code"], item["level"], item["before"], item["after"])
        assert row["young_people"] == str(item["young_people_text"])
    small_rows = [row for row in rows if row["small_area_code"] == small.code]
    assert small_rows and {row["young_people"] for row in small_rows} == {"c"}
    html = page.content.decode()
    area_rows = re.findall(rf"<tr[^>]*>\s*<th[^>]*>[^<]*<span[^>]*>\({small.code}\)</span>"
                           r".*?</tr>", html, re.S)
    assert area_rows and all(re.search(r'app-numeric">c</td>\s*</tr>', row)
                             for row in area_rows)


def test_adding_and_removing_changes_keeps_the_scenario_in_the_address(client, kent):
    """An "add a change" form redirects to the address with the change added; each change's
    Remove link leads to the scenario without it."""
    site = kent.providers[2].sites.get()
    response = client.get(url(changes=close_college(kent), add="add_offer", **{
        "add_offer-site_id": site.pk, "add_offer-level": "3",
        "add_offer-qualification_type": "t_level", "add_offer-subject": "Digital"}))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert json.loads(query["changes"][0]) == [*close_college(kent), {
        "change": "add_offer", "site_id": site.pk, "level": "3",
        "qualification_type": "t_level", "subject": "Digital"}]
    assert query["year"] == ["2016/17"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Open a new T Level offer (Level 3) in Digital at West School" in page.content.decode()
    remove = page.context["changes"][0]["remove_url"]
    assert json.loads(parse_qs(urlsplit(remove).query)["changes"][0]) == [
        json.loads(query["changes"][0])[1]]


@pytest.mark.parametrize("query", [
    {"changes": "not json"},
    {"changes": '{"change": "close_site", "site_id": 1}'},
    {"changes": "[1, 2]"},
    {"changes": "7"},
    {"changes": "[" * 5000 + "]" * 5000},
    {"changes": '[{"change": "close_site", "site_id": 999999}]'},
    {"changes": '[{"change": "close_offer", "course_id": 999999}]'},
    {"changes": '[{"change": "close_provider", "provider_id": "1e400"}]'},
    {"changes": '[{"change": "change_travel_limit", "minutes": 999}]'},
    {"changes": '[{"change": "change_travel_limit", "minutes": 45.5}]'},
    {"changes": '[{"change": "set_journey_time", "area_code": "X", "site_id": 1, '
                '"minutes": 5}]'},
    {"changes": '[{"change": "explode"}]'},
    {"changes": '[{"change": "add_offer", "site_id": 1, "level": "2", '
                '"qualification_type": "a_level"}]'},
    {"changes": "[" + ",".join(['{"change": "change_travel_limit", "minutes": 45}'] * 31) + "]"},
    {"changes": "[\x00]"},
    {"year": "1999/00"},
    {"year": "twenty"},
    {"minutes": "9999"},
    {"add": "launch_rockets"},
    {"add": "close_provider", "close_provider-provider_id": "abc"},
    {"add": "close_offer", "close_offer-course_id": "999999"},
    {"add": "change_travel_limit", "change_travel_limit-minutes": "-5"},
    {"add": "add_offer", "add_offer-site_id": "1", "add_offer-level": "2",
     "add_offer-qualification_type": "a_level"},
    {"add": "add_offer", "add_offer-subject": "x" * 500},
])
def test_bad_scenarios_get_a_message_and_400(client, kent, query):
    """Malformed JSON, unknown ids, out-of-range values and unknown changes: the page answers
    400 with the GOV.UK error summary, and the CSV 400 with the message, never a 500."""
    response = client.get(f"{PAGE}?{urlencode({**BASE, **query})}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "govuk-error-summary__list" in html and "<li><a href=" in html
    download = client.get(f"{CSV_URL}?{urlencode({**BASE, **query})}")
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/plain")


def test_a_csv_with_no_changes_is_refused_with_a_message(client, kent):
    """The difference of no change is not a download: 400 saying what to do."""
    response = client.get(url(CSV_URL))
    assert response.status_code == 400
    assert "Add at least one change" in response.content.decode()


HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "<script>alert(1)</script>", "{{ 7|add:1 }}",
           "{% if 1 %}yes{% endif %}"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_text_on_the_page_and_safe_in_the_csv(client, kent, name):
    """Provider, site and small-area names and a typed subject that look like HTML, a template
    or a formula are shown as text and written formula-safe."""
    provider = college(kent)
    provider.name = name
    provider.save()
    for area in kent.areas:
        area.name = name
        area.save()
    site = kent.providers[2].sites.get()  # West School's: the college's areas still change
    site.name = name
    site.save()
    changes = [*close_college(kent), {"change": "add_offer", "site_id": site.pk, "level": "2",
                                      "qualification_type": "l2_vocational", "subject": name}]
    response = client.get(url(changes=changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(name) in html
    assert "<script>alert(1)</script>" not in html
    rows = csv_rows(client.get(url(CSV_URL, changes=changes)))
    assert rows and {row["small_area"] for row in rows} == {spreadsheet_safe(name)}
    if name.startswith("="):
        assert all(not row["small_area"].startswith("=") for row in rows)


def test_the_page_is_linked_from_the_service_navigation(client, kent):
    """Everyone who can open the map finds the what-if page in the menu."""
    html = client.get(reverse("offermap:map") + "?year=2016%2F17").content.decode()
    assert f'href="{reverse("offermap:scenarios")}"' in html
