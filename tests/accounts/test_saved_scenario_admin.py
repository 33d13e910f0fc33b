"""Saved what-if scenarios in the admin: listed, filtered and searched; what the scenario page
computed is read-only; nobody adds one there; an attached action is named only to those who
may read it; stored names are shown as text."""

import pytest
from django.urls import reverse

from coldspots.models import SavedScenario

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>{{ 7*7 }}"
CHANGELIST = reverse("admin:coldspots_savedscenario_changelist")


def _saved(world, name, *, year="2016/17", action=None, by="champion"):
    return SavedScenario.objects.create(
        name=name, params={"year": year, "minutes": 45, "mode": "pt"},
        changes=[{"change": "close_provider", "provider_id": world.kent.providers[0].pk}],
        board_action=action, created_by=world.users[by])


@pytest.mark.parametrize("who", ["officer", "champion", "lead", "superuser"])
def test_changelist_shows_a_hostile_name_as_text(client, world, who):
    _saved(world, HOSTILE, action=world.own_action)
    client.force_login(world.users[who])
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert HOSTILE not in html and "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html
    assert "49" not in html.split("result_list", 1)[1].split("</table>", 1)[0]
    change = client.get(reverse("admin:coldspots_savedscenario_change",
                                args=[SavedScenario.objects.get().pk])).content.decode()
    assert "<script>alert(1)" not in change and "&lt;script&gt;alert(1)&lt;/script&gt;" in change


def test_listed_searched_and_filtered(client, world):
    _saved(world, "Close East College", action=world.own_action)
    _saved(world, "Older year", year="2015/16", by="lead")
    client.force_login(world.users["officer"])
    html = client.get(CHANGELIST).content.decode()
    assert "Close East College" in html and "Older year" in html
    assert "2016/17" in html and "2015/16" in html
    found = client.get(CHANGELIST, {"q": "east coll"}).content.decode()
    assert "Close East College" in found and "Older year" not in found
    by_lead = client.get(CHANGELIST, {"q": "lead"}).content.decode()
    assert "Older year" in by_lead and "Close East College" not in by_lead
    year = client.get(CHANGELIST, {"year": "2015/16"}).content.decode()
    assert "Older year" in year and "Close East College" not in year
    attached = client.get(CHANGELIST, {"board_action__isempty": "0"}).content.decode()
    assert "Close East College" in attached and "Older year" not in attached
    # Parameters the filter does not know, or rubbish, are not an error.
    for query in ({"year": "<b>"}, {"year": "9999/00"}, {"board_action__isempty": "x"}):
        assert client.get(CHANGELIST, query).status_code in (200, 302)


def test_computed_fields_are_read_only_and_nothing_is_added(client, world):
    """A superuser may rename a scenario; the parameters, changes and who saved it stay as the
    page saved them. The add page is refused for everyone (the page checks the changes)."""
    saved = _saved(world, "First name")
    client.force_login(world.users["superuser"])
    assert client.get(reverse("admin:coldspots_savedscenario_add")).status_code == 403
    page = reverse("admin:coldspots_savedscenario_change", args=[saved.pk])
    response = client.post(page, {"name": "Renamed", "board_action": "",
                                  "params": '{"year": "1999/00"}', "changes": "[]",
                                  "created_by": world.users["superuser"].pk})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Renamed" and saved.params["year"] == "2016/17"
    assert len(saved.changes) == 1 and saved.created_by == world.users["champion"]
    assert saved.history.latest().history_user == world.users["superuser"]
    for who in ("officer", "champion", "lead"):
        client.force_login(world.users[who])
        assert client.get(reverse("admin:coldspots_savedscenario_add")).status_code == 403
        assert 'name="_save"' not in client.get(page).content.decode()
        assert client.post(page, {"name": "Hijacked"}).status_code == 403
    saved.refresh_from_db()
    assert saved.name == "Renamed"


def test_an_action_is_named_only_to_those_who_may_read_it(client, world):
    """The lead's LCPA is East: a scenario informing West's action shows that it informs one,
    not what the action says (as on the scenario page)."""
    saved = _saved(world, "For the west", action=world.other_action)
    version = saved.history.get().history_id
    client.force_login(world.users["lead"])
    for url in (CHANGELIST, reverse("admin:coldspots_savedscenario_change", args=[saved.pk]),
                f"/admin/coldspots/savedscenario/{saved.pk}/history/{version}/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "An action you cannot read" in html and "No SEND place" not in html
    client.force_login(world.users["officer"])
    assert "No SEND place" in client.get(CHANGELIST).content.decode()
