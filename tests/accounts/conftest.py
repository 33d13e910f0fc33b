"""People in each role, for the permission tests."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User

from accounts.models import Profile
from accounts.roles import CHAMPION, CONTACT, LEAD, OFFICER
from coldspots.models import BoardAction
from tests.offermap.conftest import build_kent

PASSWORD = "a-long-enough-passphrase-42"


@dataclass
class World:
    kent: object
    users: dict
    own_action: BoardAction  # in the champion's remit and the lead's LCPA
    other_action: BoardAction  # in neither


def make_user(username, *, role=None, staff=False, superuser=False, remit="", region=None,
              providers=()):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.is_staff, user.is_superuser = staff or superuser, superuser
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
        profile = Profile.objects.create(user=user, remit=remit, region=region)
        profile.providers.set(providers)
    return user


@pytest.fixture
def world(db):
    kent = build_kent()
    east, west = kent.regions
    users = {
        "anonymous": None,
        "no_role": make_user("visitor"),
        "officer": make_user("officer", role=OFFICER, staff=True),
        "champion": make_user("champion", role=CHAMPION, staff=True, remit="level_3"),
        "lead": make_user("lead", role=LEAD, staff=True, region=east),
        "superuser": make_user("root", superuser=True),
        # A provider contact for the first provider (East College): not staff, no admin.
        "contact": make_user("contact", role=CONTACT, providers=[kent.providers[0]]),
    }
    own = BoardAction.objects.create(remit="level_3", region=east, note="Thin Level 3 offer")
    other = BoardAction.objects.create(remit="send", region=west, note="No SEND place")
    return World(kent, users, own, other)
