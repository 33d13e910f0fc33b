"""Board actions per record: champions their remit, LCPA leads their own LCPA, nobody else."""

import pytest
from django.urls import reverse

from coldspots.models import BoardAction

pytestmark = pytest.mark.django_db


def action_form(action: BoardAction, **changes) -> dict:
    data = {
        "remit": action.remit, "region": action.region_id, "area": "", "level": "",
        "academic_year": "", "note": action.note, "action": "", "owner": "", "due": "",
        "status": action.status,
    }
    return data | changes


def change_url(action):
    return reverse("admin:coldspots_boardaction_change", args=[action.pk])


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        # (role, outcome on the action in their scope, outcome on the other one)
        ("officer", 403, 403),  # officers read actions; the board records them
        ("champion", 302, 403),  # remit level_3: may change the Level 3 action only
        ("lead", 302, 403),  # East Kent: may change East Kent's action only
        ("superuser", 302, 302),
    ],
)
def test_changing_an_action_follows_the_role(client, world, role, own, other):
    """A POST to an action's change form saves (302) only within the person's remit or LCPA."""
    client.force_login(world.users[role])
    for action, expected in ((world.own_action, own), (world.other_action, other)):
        response = client.post(change_url(action), action_form(action, note="Reviewed"))
        assert response.status_code == expected, (role, action.remit)
        action.refresh_from_db()
        assert (action.note == "Reviewed") == (expected == 302)


@pytest.mark.parametrize(
    ("role", "sees_other"), [("officer", True), ("champion", True), ("lead", False)]
)
def test_who_sees_which_actions(client, world, role, sees_other):
    """Champions and officers read every action; an LCPA lead sees only their own LCPA's."""
    client.force_login(world.users[role])
    listing = client.get(reverse("admin:coldspots_boardaction_changelist"))
    assert listing.status_code == 200
    shown = {action.pk for action in listing.context["cl"].result_list}
    assert world.own_action.pk in shown
    assert (world.other_action.pk in shown) == sees_other
    other_page = client.get(change_url(world.other_action))
    assert other_page.status_code == (200 if sees_other else 403)


def test_a_lead_cannot_record_or_move_an_action_to_another_lcpa(client, world):
    """Adding an action for another LCPA, or moving one there, is refused with a message."""
    client.force_login(world.users["lead"])
    west = world.other_action.region
    before = BoardAction.objects.count()
    added = client.post(
        reverse("admin:coldspots_boardaction_add"), action_form(world.own_action, region=west.pk)
    )
    assert added.status_code == 200
    assert "only for your own remit or your own LCPA" in added.content.decode()
    assert BoardAction.objects.count() == before
    moved = client.post(change_url(world.own_action), action_form(world.own_action,
                                                                   region=west.pk))
    assert moved.status_code == 200
    world.own_action.refresh_from_db()
    assert world.own_action.region_id != west.pk
    own = client.post(reverse("admin:coldspots_boardaction_add"), action_form(world.own_action))
    assert own.status_code == 302
    assert BoardAction.objects.count() == before + 1
    assert BoardAction.objects.latest("created_at").created_by == world.users["lead"]


def test_a_champion_records_actions_for_their_remit_only(client, world):
    """A Level 3 champion may add a Level 3 action anywhere, and no SEND action."""
    client.force_login(world.users["champion"])
    url = reverse("admin:coldspots_boardaction_add")
    refused = client.post(url, action_form(world.own_action, remit="send"))
    assert "only for your own remit or your own LCPA" in refused.content.decode()
    west = world.other_action.region
    accepted = client.post(url, action_form(world.own_action, region=west.pk))
    assert accepted.status_code == 302


def test_only_a_superuser_deletes_actions(client, world):
    """Champions and leads record and edit actions but cannot delete them (history stays)."""
    for role in ("champion", "lead", "officer"):
        client.force_login(world.users[role])
        url = reverse("admin:coldspots_boardaction_delete", args=[world.own_action.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert BoardAction.objects.filter(pk=world.own_action.pk).exists()
