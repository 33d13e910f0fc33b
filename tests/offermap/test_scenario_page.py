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


def test_the_csv_of_no_change_is_its_header(client, kent):
    """With no change there is no difference: the download is the header row alone."""
    response = client.get(url(CSV_URL))
    assert response.status_code == 200
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["measure", "level", "small_area_code", "small_area", "lcpa", "before", "after",
         "direction", "young_people", "young_people_counted"]]


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


# ---------------------------------------------------------------------------------------------
# Saved scenarios


@pytest.fixture
def people(kent):
    """A champion (Level 3), an East Kent lead, an officer and someone with no role, with an
    action in each LCPA (East: Level 3, in both the champion's and the lead's scope)."""
    from accounts.roles import CHAMPION, LEAD, OFFICER
    from tests.accounts.conftest import make_user

    east, west = kent.regions
    return {
        "champion": make_user("champion", role=CHAMPION, staff=True, remit="level_3"),
        "lead": make_user("lead", role=LEAD, staff=True, region=east),
        "officer": make_user("officer", role=OFFICER, staff=True),
        "no_role": make_user("visitor"),
        "east_action": BoardAction.objects.create(remit="level_3", region=east,
                                                  note="Thin Level 2 offer"),
        "west_action": BoardAction.objects.create(remit="level_3", region=west,
                                                  note="West Kent has one school"),
    }


def save_data(kent, name="Close the college", action=None):
    data = {**BASE, "changes": json.dumps(close_college(kent)), "name": name}
    if action is not None:
        data["board_action"] = action.pk
    return data


SAVE = "/reports/scenarios/save/"


def test_a_champion_saves_a_scenario_and_attaches_it_to_an_action(client, kent, people):
    """The saved scenario keeps the name, parameters and changes; it is listed on the page
    (opening it gives the same scenario) and linked from the board action's page."""
    from coldspots.models import SavedScenario

    client.force_login(people["champion"])
    form = client.get(url(SAVE, changes=close_college(kent)))
    assert form.status_code == 200 and "Close East College" in form.content.decode()
    response = client.post(SAVE, save_data(kent, action=people["east_action"]))
    assert response.status_code == 302
    saved = SavedScenario.objects.get()
    assert (saved.name, saved.changes, saved.board_action, saved.created_by) == (
        "Close the college", close_college(kent), people["east_action"], people["champion"])
    assert saved.params == {"year": "2016/17", "minutes": 60, "mode": "pt"}
    assert saved.history.count() == 1
    page = client.get(response["Location"].split("#")[0])
    assert page.status_code == 200
    listed = page.context["saved"]["rows"]
    assert [row["saved"] for row in listed] == [saved]
    again = client.get(listed[0]["url"])
    assert again.context["changes"] == page.context["changes"]
    detail = client.get(reverse("offermap:action", args=[people["east_action"].pk])).content
    assert reverse("offermap:saved_scenario", args=[saved.pk]) in detail.decode()
    opened = client.get(reverse("offermap:saved_scenario", args=[saved.pk]))
    assert opened.status_code == 302 and opened["Location"] == listed[0]["url"]


def test_a_lead_cannot_attach_a_scenario_to_another_lcpas_action(client, kent, people):
    """The East Kent lead is offered only East Kent's action; a forged POST naming West Kent's
    is refused with a message and saves nothing; their own saves."""
    from coldspots.models import SavedScenario

    client.force_login(people["lead"])
    form = client.get(url(SAVE, changes=close_college(kent)))
    offered = set(form.context["form"].fields["board_action"].queryset)
    assert offered == {people["east_action"]}
    refused = client.post(SAVE, save_data(kent, action=people["west_action"]))
    assert refused.status_code == 200
    assert "Choose one of the board actions you may change" in refused.content.decode()
    assert not SavedScenario.objects.exists()
    assert client.post(SAVE, save_data(kent, action=people["east_action"])).status_code == 302
    assert SavedScenario.objects.get().board_action == people["east_action"]


@pytest.mark.parametrize("who, outcome", [(None, 302), ("no_role", 403), ("officer", 403)])
def test_only_the_board_may_save(client, kent, people, who, outcome):
    """Anonymous visitors are sent to sign in; people with no role and officers are refused:
    they may run scenarios but not save them."""
    from coldspots.models import SavedScenario

    if who:
        client.force_login(people[who])
    for response in (client.get(url(SAVE, changes=close_college(kent))),
                     client.post(SAVE, save_data(kent))):
        assert response.status_code == outcome
        if outcome == 302:
            assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not SavedScenario.objects.exists()
    page = client.get(url(changes=close_college(kent)))
    assert "Save this scenario" not in page.content.decode()


def test_saved_scenarios_are_listed_for_officers_not_for_visitors(client, kent, people):
    """An officer reads the list of saved scenarios; anonymous and no-role visitors do not see
    it (or the names in it)."""
    from coldspots.models import SavedScenario

    SavedScenario.objects.create(name="Private working name", params=dict(BASE),
                                 changes=close_college(kent), created_by=people["champion"])
    assert "Private working name" not in client.get(url()).content.decode()
    client.force_login(people["no_role"])
    assert "Private working name" not in client.get(url()).content.decode()
    client.force_login(people["officer"])
    assert "Private working name" in client.get(url()).content.decode()


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_scenario_names_are_text(client, kent, people, name):
    """A saved name that looks like HTML, a template or a formula is shown as typed."""
    client.force_login(people["champion"])
    response = client.post(SAVE, save_data(kent, name=name, action=people["east_action"]))
    assert response.status_code == 302
    for page in (client.get(url()),
                 client.get(reverse("offermap:action", args=[people["east_action"].pk]))):
        html = page.content.decode()
        assert escape(name) in html
        assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("data", [
    {"name": ""}, {"name": "x" * 200}, {"name": "bad\x00name"}, {"board_action": "abc"},
    {"board_action": "999999"}, {"changes": "not json"},
    {"changes": '[{"change": "close_site", "site_id": 999999}]'}, {"changes": ""},
])
def test_bad_saves_get_a_message_never_a_500(client, kent, people, data):
    """Empty, long or control-character names, unknown actions and bad scenarios are refused
    with a GOV.UK error summary and nothing is saved."""
    from coldspots.models import SavedScenario

    client.force_login(people["champion"])
    response = client.post(SAVE, {**save_data(kent), **data})
    assert response.status_code in (200, 400)
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert not SavedScenario.objects.exists()


# ---------------------------------------------------------------------------------------------
# Setting a journey time from a postcode


def add_postcode(area, postcode="CT1 1QU"):
    from areas.models import Postcode

    return Postcode.objects.create(postcode=postcode, latitude=area.latitude,
                                   longitude=area.longitude, easting=area.easting,
                                   northing=area.northing, area=area)


def journey_query(site, place="ct11qu", minutes="20", **extra):
    return {"add": "set_journey_time", "set_journey_time-place": place,
            "set_journey_time-site_id": site, "set_journey_time-minutes": minutes, **extra}


@pytest.mark.parametrize("typed", ["ct11qu", " CT1  1QU ", "area"])
def test_the_journey_form_adds_the_engines_change(client, kent, typed):
    """A postcode, however spaced or cased, is its small area's code in the change; a small
    area code typed as such is taken as it is."""
    west_area = kent.areas[4]
    add_postcode(west_area)
    site = college(kent).sites.get()
    place = west_area.code.lower() if typed == "area" else typed
    response = client.get(url(**journey_query(site.pk, place=place, minutes="25")))
    assert response.status_code == 302
    changes = json.loads(parse_qs(urlsplit(response["Location"]).query)["changes"][0])
    assert changes == [{"change": "set_journey_time", "area_code": west_area.code,
                        "site_id": site.pk, "minutes": 25}]


def test_a_journey_time_gives_a_cold_area_the_site(client, kent):
    """West Kent has no Level 2 offer: after a 20-minute journey from a West Kent postcode to
    East College, that area's Level 2 choice counts the college (as the engine computes it)
    and the page lists the change naming the area and the site."""
    west_area = kent.areas[4]
    add_postcode(west_area)
    site = college(kent).sites.get()
    added = client.get(url(**journey_query(site.pk)))
    assert added.status_code == 302
    page = client.get(added["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert (f"A journey of 20 minutes by public transport from the small area "
            f"{escape(west_area.name)} ({west_area.code}) to East College") in html
    changes = json.loads(parse_qs(urlsplit(added["Location"]).query)["changes"][0])
    result = engine(changes)
    key = (west_area.code, "2")
    before = result.baseline.area_level.set_index(["area_code", "level"]).loc[key]
    after = result.scenario.area_level.set_index(["area_code", "level"]).loc[key]
    # Brute force: only East College offers Level 2, and it is out of West Kent's reach.
    assert (before["providers"], before["state"]) == (0, "no_choice")
    assert after["providers"] == 1
    assert (after["nearest_site_id"], after["nearest_minutes"]) == (site.pk, 20)
    shown = {(row["area_code"], row["level"]): row
             for row in page.context["comparison"].area_changes if row["measure"] == "choice"}
    assert shown[key]["before"] != shown[key]["after"]
    assert shown[key]["direction"] == "better"
    # Only the area the journey starts from gains the college.
    assert {code for code, level in shown if level == "2"} == {west_area.code}


@pytest.mark.parametrize("query, field, message", [
    ({"set_journey_time-place": "not a postcode"}, "place", "Enter a full postcode"),
    ({"set_journey_time-place": ""}, "place", "Enter a postcode or a small area code"),
    ({"set_journey_time-place": "CT9 9ZZ"}, "place", "We could not find CT9 9ZZ"),
    ({"set_journey_time-place": "E01999999"}, "place", "There is no small area E01999999"),
    ({"set_journey_time-place": "ME4 4AA"}, "place", "ME4 4AA is outside Kent"),
    ({"set_journey_time-place": "CT1\x00 1QU"}, "place", "Null characters are not allowed"),
    ({"set_journey_time-place": "CT1 1QU" * 10}, "place", "Enter a full postcode"),
    ({"set_journey_time-site_id": ""}, "site_id", "Choose the site the journey goes to"),
    ({"set_journey_time-site_id": "999999"}, "site_id", "from the list"),
    ({"set_journey_time-site_id": "abc"}, "site_id", "from the list"),
    ({"set_journey_time-minutes": "-1"}, "minutes", "from 0 to 1440"),
    ({"set_journey_time-minutes": "1441"}, "minutes", "from 0 to 1440"),
    ({"set_journey_time-minutes": "12.5"}, "minutes", "from 0 to 1440"),
    ({"set_journey_time-minutes": "soon"}, "minutes", "from 0 to 1440"),
    ({"set_journey_time-minutes": ""}, "minutes", "from 0 to 1440"),
])
def test_a_bad_journey_gets_a_message_on_its_field(client, kent, query, field, message):
    """A malformed, unknown or non-Kent postcode, no site and minutes out of range: the page
    answers 400 (never 500) with the message on the field, linked from the error summary, and
    adds nothing."""
    from tests.factories import AreaFactory

    add_postcode(kent.areas[4])
    add_postcode(AreaFactory(region=None, name="Medway 001A"), "ME4 4AA")
    response = client.get(url(**{**journey_query(college(kent).sites.get().pk), **query}))
    assert response.status_code == 400
    html = response.content.decode()
    anchor = f"id_set_journey_time-{field}"
    assert f'<a href="#{anchor}">' in html
    assert f'id="{anchor}-error"' in html
    assert escape(message) in html or message in html
    assert 'id="add-set_journey_time" open' in html
    assert response.context["changes"] == []


def test_a_journey_time_to_a_hostile_area_name_is_text(client, kent):
    """The change's description names the small area and site as stored: shown as text."""
    name = "<script>alert(1)</script>"
    area = kent.areas[4]
    area.name = name
    area.save()
    site = college(kent).sites.get()
    site.name = name
    site.save()
    changes = [{"change": "set_journey_time", "area_code": area.code, "site_id": site.pk,
                "minutes": 20}]
    response = client.get(url(changes=changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"from the small area {escape(name)} ({area.code}) to {escape(name)}" in html
    assert name not in html
