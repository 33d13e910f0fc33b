"""Who may see, change and review a submission (asked through has_perm, as the views do)."""

import pytest

from offerround import services
from offerround.models import SubmittedOffer

pytestmark = pytest.mark.django_db

VIEW, CHANGE, REVIEW = ("offerround.view_submission", "offerround.change_submission",
                        "offerround.review_submission")


def test_contact_sees_and_changes_only_their_provider(round_world):
    """The college's contact may see and change the college's draft, not the school's; the
    trust's contact may do both; officers see both but change neither."""
    college, school = round_world.submission(0), round_world.submission(1)
    users = round_world.users
    assert users["college"].has_perm(VIEW, college) and users["college"].has_perm(CHANGE, college)
    assert not users["college"].has_perm(VIEW, school)
    assert not users["college"].has_perm(CHANGE, school)
    assert all(users["trust"].has_perm(p, s) for p in (VIEW, CHANGE) for s in (college, school))
    assert users["officer"].has_perm(VIEW, school) and not users["officer"].has_perm(CHANGE, school)
    assert users["officer"].has_perm(REVIEW, school)
    for name in ("champion", "lead", "no_role"):
        assert not users[name].has_perm(VIEW, college), name
        assert not users[name].has_perm(CHANGE, college), name
        assert not users[name].has_perm(REVIEW, college), name
    assert not users["college"].has_perm(REVIEW, college)


def test_contact_cannot_change_a_submitted_offer(round_world):
    """Once submitted, the contact still sees it but may no longer change it."""
    submission = round_world.submission(1)
    for offer in submission.offers.all():
        services.answer(offer, SubmittedOffer.Action.CONFIRM)
    services.submit(submission, round_world.users["school"])
    submission.refresh_from_db()
    assert round_world.users["school"].has_perm(VIEW, submission)
    assert not round_world.users["school"].has_perm(CHANGE, submission)


def test_a_contact_removed_from_the_role_loses_access(round_world):
    """The provider link alone is not enough: the person must be in the contact role."""
    user = round_world.users["college"]
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)  # a fresh object: has_perm caches groups
    assert not user.has_perm(VIEW, round_world.submission(0))
