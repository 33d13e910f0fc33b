"""Board action pages outside the admin: who may record and edit what (forged POSTs included),
history, the list's filters and overdue flag, hostile text, the LCPA page's panel, the map."""

import csv
import datetime
import io
import json
import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coldspots.models import BoardAction
from coldspots.results import data_version
from offermap.action_views import actions_panel, history_rows

pytestmark = pytest.mark.django_db

NEW = reverse("offermap:action_new")
LIST = reverse("offermap:actions")
HOSTILE = '<script>alert(1)</script>{{ 7*7 }}=HYPERLINK("x")'


def form_data(world, **changes) -> dict:
    """A valid POST for an action in East Kent, Level 3 (in both the champion's and the lead's
    scope)."""
    east = world.own_action.region
    data = {
        "remit": "level_3", "region": str(east.pk), "level": "3", "area": "", "provider": "",
        "academic_year": "2024/25", "action": "Ask the college to open a T Level",
        "note": "", "owner": "Kent LCPA team", "due_0": "1", "due_1": "9", "due_2": "2027",
        "status": "planned",
    }
    return data | changes


def detail(action):
    return reverse("offermap:action", args=[action.pk])


def edit(action):
    return reverse("offermap:action_edit", args=[action.pk])


def signed_in(client, world, role):
    client.force_login(world.users[role])
    return client


def map_payload(html: str) -> dict:
    blocks = re.findall(r'<script id="offer-map-data" type="application/json">(.*?)</script>',
                        html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- Permissions ---------------------------------------------------------------------------


def test_a_lead_is_offered_only_their_lcpa(client, world):
    """The lead's form lists East Kent alone, and starts with it chosen."""
    response = signed_in(client, world, "lead").get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["region"].queryset) == [world.own_action.region]
    assert form["region"].value() == world.own_action.region.pk
    assert "West Kent" not in response.content.decode().split('id="id_region"')[1].split(
        "</select>")[0]


def test_a_lead_cannot_record_for_another_lcpa_by_a_forged_post(client, world):
    """A POST naming West Kent is refused with a GOV.UK error and records nothing."""
    west = world.other_action.region
    before = BoardAction.objects.count()
    response = signed_in(client, world, "lead").post(NEW, form_data(world, region=west.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_region"' in html
    assert BoardAction.objects.count() == before


def test_a_lead_records_an_action_for_their_lcpa_and_it_is_kept_with_its_author(client, world):
    """A valid POST saves the action, names who recorded it (also in its history) and goes to
    the action's page."""
    response = signed_in(client, world, "lead").post(NEW, form_data(world))
    action = BoardAction.objects.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == detail(action)
    assert action.created_by == world.users["lead"]
    assert action.due == datetime.date(2027, 9, 1)
    assert action.history.get().history_user == world.users["lead"]


def test_a_lead_cannot_open_or_change_another_lcpas_action(client, world):
    """Another LCPA's action: its page, its edit form and a forged edit POST are all 403."""
    client = signed_in(client, world, "lead")
    other = world.other_action
    assert client.get(detail(other)).status_code == 403
    assert client.get(edit(other)).status_code == 403
    response = client.post(edit(other), form_data(world, region=other.region_id, remit="send"))
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.owner == ""


def test_a_lead_cannot_move_their_action_to_another_lcpa(client, world):
    """Editing their own action to point at West Kent is refused; the action stays put."""
    own = world.own_action
    response = signed_in(client, world, "lead").post(
        edit(own), form_data(world, region=world.other_action.region_id))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    own.refresh_from_db()
    assert own.region_id != world.other_action.region_id


def test_a_champion_records_only_their_remit(client, world):
    """The Level 3 champion is offered Level 3 only; a forged SEND POST is refused; a Level 3
    action in West Kent is accepted."""
    client = signed_in(client, world, "champion")
    form = client.get(NEW).context["form"]
    assert [value for value, _ in form.fields["remit"].choices if value] == ["level_3"]
    before = BoardAction.objects.count()
    refused = client.post(NEW, form_data(world, remit="send"))
    assert "govuk-error-summary" in refused.content.decode()
    assert BoardAction.objects.count() == before
    west = world.other_action.region
    accepted = client.post(NEW, form_data(world, region=west.pk))
    assert accepted.status_code == 302
    assert BoardAction.objects.latest("created_at").region == west


def test_a_champion_cannot_edit_another_remits_action(client, world):
    """The SEND action is readable by the Level 3 champion but not editable, by GET or POST."""
    client = signed_in(client, world, "champion")
    assert client.get(detail(world.other_action)).status_code == 200
    assert client.get(edit(world.other_action)).status_code == 403
    assert client.post(edit(world.other_action),
                       form_data(world, remit="send")).status_code == 403


def test_an_officer_reads_every_action_and_records_none(client, world):
    """Officers see both actions in the list but get 403 on recording and editing."""
    client = signed_in(client, world, "officer")
    shown = {row["action"].pk for row in client.get(LIST).context["rows"]}
    assert shown == {world.own_action.pk, world.other_action.pk}
    before = BoardAction.objects.count()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data(world)).status_code == 403
    assert client.post(edit(world.own_action), form_data(world)).status_code == 403
    assert BoardAction.objects.count() == before
    assert b"Record an action" not in client.get(LIST).content


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world):
    """Every action page, and a POST, sends an anonymous visitor to the sign-in page."""
    sign_in = reverse("accounts:sign_in")
    before = BoardAction.objects.count()
    for response in (client.get(LIST), client.get(NEW), client.get(detail(world.own_action)),
                     client.get(edit(world.own_action)), client.post(NEW, form_data(world))):
        assert response.status_code == 302
        assert response["Location"].startswith(sign_in)
    assert BoardAction.objects.count() == before


def test_the_menu_links_to_the_actions_only_for_those_who_may_read_them(client, world):
    """'Board actions' is in the service menu for the lead, not for a visitor or a no-role
    account."""
    link = f'href="{LIST}"'
    assert link not in client.get(reverse("offermap:about_data")).content.decode()
    assert link not in signed_in(client, world, "no_role").get(
        reverse("offermap:about_data")).content.decode()
    assert link in signed_in(client, world, "lead").get(
        reverse("offermap:about_data")).content.decode()


def test_someone_with_no_role_is_refused(client, world):
    """A signed-in account with no role gets 403 on the list and the forms."""
    client = signed_in(client, world, "no_role")
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403


def test_a_lead_lists_only_their_lcpas_actions(client, world):
    """The lead's list holds East Kent's action only; the champion's holds both."""
    lead = {row["action"].pk for row in signed_in(client, world, "lead").get(LIST)
            .context["rows"]}
    assert lead == {world.own_action.pk}
    champion = {row["action"].pk for row in signed_in(client, world, "champion").get(LIST)
                .context["rows"]}
    assert champion == {world.own_action.pk, world.other_action.pk}


def test_visible_to_agrees_with_the_rules_for_every_role(world):
    """The queryset filter gives exactly the actions has_perm allows, for each role."""
    for role, user in world.users.items():
        if user is None:
            continue
        expected = {a.pk for a in BoardAction.objects.all()
                    if user.has_perm("coldspots.view_boardaction", a)}
        assert set(BoardAction.objects.visible_to(user).values_list("pk", flat=True)) == \
            expected, role


# --- The form ------------------------------------------------------------------------------


def test_missing_and_impossible_values_are_listed_in_the_error_summary(client, world):
    """No 'what', a 31 February due date and a small area of another LCPA each get a linked
    message in the summary and beside the field; nothing is saved."""
    west_area = world.other_action.region.areas.first()
    before = BoardAction.objects.count()
    response = signed_in(client, world, "champion").post(
        NEW, form_data(world, action="", due_0="31", due_1="2", area=west_area.pk))
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#id_action"' in summary
    assert "Enter what the board will do" in summary
    assert 'href="#id_due_0"' in summary
    assert "Due date must be a real date" in summary
    assert 'href="#id_area"' in summary
    assert "govuk-textarea--error" in html
    assert html.count("govuk-form-group--error") >= 3
    assert response.context["form"]["due"].value() == ["31", "2", "2027"]
    assert BoardAction.objects.count() == before


@pytest.mark.parametrize("changes", [
    {"region": "abc"}, {"region": "999999"}, {"provider": "999999"}, {"area": "x"},
    {"level": "4"}, {"status": "closed"}, {"action": "A\x00B"}, {"owner": "x" * 500},
    {"due_0": "1" * 50, "due_1": "-1"}, {"academic_year": "2024/2025"},
])
def test_forged_or_broken_posts_get_a_message_never_a_server_error(client, world, changes):
    """Values no form offers (unknown records, NUL characters, overlong text, odd dates) are
    refused with the error summary; nothing is saved."""
    before = BoardAction.objects.count()
    response = signed_in(client, world, "champion").post(NEW, form_data(world, **changes))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert BoardAction.objects.count() == before


def test_the_form_opens_prefilled_from_a_report_link(client, world):
    """remit, LCPA, level, small area and year in the link are the form's starting values."""
    area = world.kent.areas[1]
    response = signed_in(client, world, "champion").get(
        NEW + f"?remit=level_3&lcpa=east-kent&level=3&area={area.code}&year=2023/24"
        "&next=/lcpa/east-kent/")
    form = response.context["form"]
    assert form["remit"].value() == "level_3"
    assert form["region"].value() == area.region_id
    assert form["level"].value() == "3"
    assert form["area"].value() == area.pk
    assert form["academic_year"].value() == "2023/24"
    assert 'name="next" value="/lcpa/east-kent/"' in response.content.decode()


@pytest.mark.parametrize("query", ["lcpa=%00&area=%00&provider=%00", "region=99999999999999999999",
                                   "area=" + "E" * 500, "provider=-1&level=%00&year=%00"])
def test_a_broken_prefill_link_opens_an_empty_form(client, world, query):
    """Starting values that name nothing (or hold a NUL) are ignored: the form still opens."""
    response = signed_in(client, world, "champion").get(f"{NEW}?{query}")
    assert response.status_code == 200
    assert response.context["form"]["area"].value() is None


def test_small_areas_offered_are_those_of_the_chosen_lcpa(client, world):
    """The area select (redrawn by htmx when the LCPA changes) lists only that LCPA's areas."""
    west = world.other_action.region
    response = signed_in(client, world, "champion").get(
        NEW + f"?region={west.pk}", HTTP_HX_REQUEST="true")
    offered = set(response.context["form"].fields["area"].queryset)
    assert offered == set(west.areas.all())
    assert 'id="id_area-group"' in response.content.decode()


def test_after_saving_the_form_returns_only_to_a_page_on_this_site(client, world):
    """`next` on this site is followed; another host's address is ignored."""
    client = signed_in(client, world, "lead")
    back = client.post(NEW, form_data(world, next="/lcpa/east-kent/"))
    assert back["Location"] == "/lcpa/east-kent/#board-actions"
    away = client.post(NEW, form_data(world, next="https://evil.example/"))
    assert away["Location"] == detail(BoardAction.objects.latest("created_at"))


# --- History -------------------------------------------------------------------------------


def test_an_edit_is_kept_in_the_history_and_shown_with_who_when_and_what(client, world):
    """After the lead edits owner and status, the action's page shows the change, before and
    after, by the lead, above the first version."""
    client = signed_in(client, world, "lead")
    own = world.own_action
    response = client.post(edit(own), form_data(world, owner="Ms Owner", status="in_progress",
                                                note=own.note))
    assert response.status_code == 302
    rows = history_rows(own)
    assert [row["kind"] for row in rows] == ["Changed", "Recorded"]
    assert rows[0]["who"] == "lead"
    changed = {change["field"]: (change["old"], change["new"]) for change in rows[0]["changes"]}
    assert changed["owner"] == ("(none)", "Ms Owner")
    assert changed["status"] == ("Noted", "In progress")
    html = client.get(detail(own)).content.decode()
    history = html.split('id="history-list"')[1]
    assert "Changed on" in history and "by lead" in history
    assert "Ms Owner" in history and "In progress" in history and "Noted" in history


# --- The list ------------------------------------------------------------------------------


@pytest.fixture
def dated(world):
    """One overdue open action, one due later, one done long ago (in East Kent, Level 3)."""
    today = timezone.localdate()
    east = world.own_action.region
    make = BoardAction.objects.create
    return {
        "overdue": make(remit="level_3", region=east, action="Late", status="planned",
                        due=today - datetime.timedelta(days=3)),
        "later": make(remit="level_3", region=east, action="Later", status="in_progress",
                      due=today + datetime.timedelta(days=10)),
        "done": make(remit="level_3", region=east, action="Finished", status="done",
                     due=today - datetime.timedelta(days=30)),
    }


def listed(client, query="") -> set[int]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    return {row["action"].pk for row in response.context["rows"]}


def test_the_list_filters_by_status_remit_lcpa_and_due_date(client, world, dated):
    """Each filter narrows the list to the actions that match it."""
    client = signed_in(client, world, "champion")
    everything = {world.own_action.pk, world.other_action.pk, *(a.pk for a in dated.values())}
    assert listed(client) == everything
    assert listed(client, "status=open") == everything - {dated["done"].pk}
    assert listed(client, "status=done") == {dated["done"].pk}
    assert listed(client, "remit=send") == {world.other_action.pk}
    assert listed(client, "lcpa=west-kent") == {world.other_action.pk}
    assert listed(client, "due=overdue") == {dated["overdue"].pk}
    assert listed(client, "due=next_30") == {dated["later"].pk}
    assert listed(client, "due=none") == {world.own_action.pk, world.other_action.pk}
    today = timezone.localdate()
    assert listed(client, f"due_by_0={today.day}&due_by_1={today.month}&due_by_2={today.year}"
                  ) == {dated["overdue"].pk, dated["done"].pk}


def test_overdue_actions_carry_an_overdue_tag_and_others_do_not(client, world, dated):
    """'Overdue' is written as a GOV.UK tag on the overdue open action only (not on a done one
    past its date)."""
    html = signed_in(client, world, "champion").get(LIST).content.decode()
    rows = {name: next(r for r in html.split("<tr") if f">{name}</a>" in r)
            for name in ("Late", "Later", "Finished")}
    assert 'govuk-tag govuk-tag--red app-overdue">Overdue' in rows["Late"]
    assert "Overdue" not in rows["Later"]
    assert "Overdue" not in rows["Finished"]


@pytest.mark.parametrize("query", ["status=bogus", "remit=x&lcpa=nowhere", "due=soon",
                                   "due_by_0=40&due_by_1=2&due_by_2=2026", "due_by_0=1",
                                   "page=abc", "lcpa=%00"])
def test_bad_filters_give_a_message_not_an_error(client, world, query):
    """A filter that cannot be read is named in the error summary and left out."""
    response = signed_in(client, world, "champion").get(f"{LIST}?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        assert "govuk-error-summary" in response.content.decode()


def test_the_csv_holds_the_filtered_list_with_formulas_defused(client, world, dated):
    """The download has the actions the page lists for the same filters (all pages), a text
    cell starting with = gets an apostrophe, and the lead's file has no other LCPA's action."""
    dated["overdue"].owner = '=HYPERLINK("x")'
    dated["overdue"].save()
    client = signed_in(client, world, "champion")
    url = reverse("offermap:download_actions_csv")
    rows = list(csv.DictReader(io.StringIO(client.get(url + "?status=open").content.decode())))
    assert {int(row["id"]) for row in rows} == listed(client, "status=open")
    late = next(row for row in rows if row["what_the_board_will_do"] == "Late")
    assert late["owner"] == "'=HYPERLINK(\"x\")"
    assert late["overdue"] == "yes" and late["open"] == "yes"
    lead_rows = list(csv.DictReader(io.StringIO(
        signed_in(client, world, "lead").get(url).content.decode())))
    assert "West Kent" not in {row["lcpa"] for row in lead_rows}
    assert len(lead_rows) == 4


# --- Hostile text --------------------------------------------------------------------------


def test_hostile_text_is_escaped_on_every_page(client, world):
    """A note, owner and action holding markup and template syntax reach the list, the action's
    page (and history), the edit form, the LCPA panel and the map only as text."""
    client = signed_in(client, world, "lead")
    own = world.own_action
    response = client.post(edit(own), form_data(world, action=HOSTILE, owner=HOSTILE,
                                                note=HOSTILE))
    assert response.status_code == 302
    pages = {
        "list": client.get(LIST), "detail": client.get(detail(own)), "edit": client.get(edit(own)),
        "lcpa": client.get(reverse("offermap:lcpa", args=["east-kent"])),
        "map": client.get(reverse("offermap:map")),
    }
    for name, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert "<script>alert(1)" not in html, name
        if name != "map":  # the map marks counts, not text
            assert escape(HOSTILE, quote=False).replace('"', "&quot;")[:30] in html, name
            assert "{{ 7*7 }}" in html, name


# --- The panel -----------------------------------------------------------------------------


def test_the_lcpa_page_shows_its_actions_to_those_who_may_read_them(client, world):
    """East Kent's page lists its action and a prefilled record link for the lead; West Kent's
    page shows the lead no action and no link; an anonymous visitor sees no panel."""
    lcpa = reverse("offermap:lcpa", args=["east-kent"])
    html = signed_in(client, world, "lead").get(lcpa).content.decode()
    panel = html.split('id="board-actions"')[1].split("</section>")[0]
    assert "Thin Level 3 offer" in panel
    assert "lcpa=east-kent" in panel and "Record an action" in panel
    west = client.get(reverse("offermap:lcpa", args=["west-kent"])).content.decode()
    west_panel = west.split('id="board-actions"')[1].split("</section>")[0]
    assert "No SEND place" not in west_panel and "Record an action" not in west_panel
    client.logout()
    assert 'id="board-actions"' not in client.get(lcpa).content.decode()


def test_the_panel_helper_narrows_by_remit_level_and_area(rf, world):
    """actions_panel gives only the actions for its remit / LCPA / level (plus all-level ones)
    and area, and a record link carrying them."""
    east = world.own_action.region
    area = world.kent.areas[0]
    at_area = BoardAction.objects.create(remit="level_3", region=east, area=area, level="3",
                                         action="At one area")
    BoardAction.objects.create(remit="level_2", region=east, level="2", action="Level 2")
    request = rf.get("/reports/level_3/east-kent/")
    request.user = world.users["champion"]
    panel = actions_panel(request, remit="level_3", region=east, level="3")
    assert {row["action"].pk for row in panel["rows"]} == {world.own_action.pk, at_area.pk}
    assert "remit=level_3" in panel["record_url"] and "level=3" in panel["record_url"]
    assert panel["may_record"]
    narrow = actions_panel(request, remit="level_3", region="east-kent", area=area)
    assert [row["action"].pk for row in narrow["rows"]] == [at_area.pk]
    request.user = world.users["officer"]
    assert not actions_panel(request, region=east)["may_record"]


# --- The map -------------------------------------------------------------------------------


def test_the_map_marks_lcpas_and_small_areas_with_open_actions(client, world):
    """For the champion: East and West Kent's tooltips and labels name their open actions, a
    small area with one is drawn in its own hatched layer, and the tables say the same."""
    area = world.kent.areas[1]
    BoardAction.objects.create(remit="level_3", region=area.region, area=area, level="3",
                               action="Look at this area")
    BoardAction.objects.create(remit="send", region=world.other_action.region,
                               action="Closed one", status="done")
    html = signed_in(client, world, "champion").get(reverse("offermap:map")).content.decode()
    payload = map_payload(html)
    layers = {layer["id"]: layer for layer in payload["layers"]}
    tooltips = {f["properties"]["name"]: f["properties"]["tooltip"]
                for f in layers["lcpas"]["features"]}
    assert {"label": "Open board actions", "text": "2 open board actions (Level 3, all levels)"
            } in tooltips["East Kent"]
    assert {"label": "Open board actions", "text": "1 open board action (all levels)"
            } in tooltips["West Kent"]  # the done action is not counted
    action_labels = [label["text"] for label in layers["labels"]["labels"]
                     if label["kind"] == "action"]
    assert sorted(action_labels) == ["1 open board action", "2 open board actions"]
    marked = layers["actions-areas"]
    assert marked["style"]["hatched"] is True
    assert [f["properties"]["name"] for f in marked["features"]] == [
        f"{area.name} ({area.code})"]
    assert 'id="legend-action-areas"' in html and 'id="legend-open-actions"' in html
    table = html.split('id="action-areas-table"')[1].split("</table>")[0]
    assert area.code in table and "1 open (Level 3)" in table
    assert "2 open actions" in html.split('id="lcpa-table-heading"')[1]


def test_the_map_marks_only_what_the_visitor_may_read(client, world):
    """The lead sees East Kent marked and not West Kent; an anonymous visitor sees no mark."""
    html = signed_in(client, world, "lead").get(reverse("offermap:map")).content.decode()
    features = map_payload(html)["layers"][0]["features"]
    marked = {f["properties"]["name"] for f in features if "open_actions" in f["properties"]}
    assert marked == {"East Kent"}
    client.logout()
    html = client.get(reverse("offermap:map")).content.decode()
    assert "Open board actions" not in html
    assert "legend-open-actions" not in html


def test_recording_an_action_leaves_the_analysis_caches_alone(client, world):
    """Board actions do not bump the data version (their marks are added per request), and a
    new action shows on the map at once although the map's document is cached."""
    client = signed_in(client, world, "champion")
    client.get(reverse("offermap:map"))  # fills the cache
    version = data_version()
    world.own_action.status = "done"
    world.own_action.save()
    client.post(NEW, form_data(world, region=world.other_action.region_id))
    assert data_version() == version
    payload = map_payload(client.get(reverse("offermap:map")).content.decode())
    west = next(f for f in payload["layers"][0]["features"]
                if f["properties"]["name"] == "West Kent")
    assert west["properties"]["open_actions"] == 2


def test_marks_and_list_cost_the_same_queries_however_many_actions(client, world):
    """The map page and the list ask the rules once per (remit, LCPA) pair, not per action:
    forty more actions in the same pairs add no query."""
    client = signed_in(client, world, "lead")
    client.get(reverse("offermap:map"))  # warm the analysis caches

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in (reverse("offermap:map"), LIST)}
    for n in range(40):
        BoardAction.objects.create(remit="level_3", region=world.own_action.region,
                                   action=f"Action {n}")
    after = {url: count(url) for url in before}
    assert after == before
