"""A round for 2017/18 over the small Kent (offers recorded in 2016/17), with a contact for each
of two providers, a trust's contact for both, an officer, and people who may not see drafts."""

import datetime
from dataclasses import dataclass

import pytest

from accounts.roles import CHAMPION, CONTACT, LEAD, OFFICER
from offerround import services
from tests.accounts.conftest import make_user
from tests.offermap.conftest import build_kent

YEAR = "2017/18"
DEADLINE = datetime.date(2027, 3, 31)


@dataclass
class RoundWorld:
    kent: object
    offer_round: object
    users: dict

    def submission(self, index: int):
        return self.offer_round.submissions.get(provider=self.kent.providers[index])


@pytest.fixture
def round_world(db):
    kent = build_kent()
    east_college, east_school, _west = kent.providers
    users = {
        "officer": make_user("officer", role=OFFICER, staff=True),
        "college": make_user("college", role=CONTACT, providers=[east_college]),
        "school": make_user("school", role=CONTACT, providers=[east_school]),
        "trust": make_user("trust", role=CONTACT, providers=[east_college, east_school]),
        "champion": make_user("champion", role=CHAMPION, staff=True, remit="level_3"),
        "lead": make_user("lead", role=LEAD, staff=True, region=kent.regions[0]),
        "no_role": make_user("visitor"),
        "superuser": make_user("root", superuser=True),
    }
    offer_round = services.open_round(YEAR, DEADLINE, users["officer"])
    return RoundWorld(kent, offer_round, users)
