"""An officer closes and reopens a round, deletes one with nothing accepted, and adds a provider
to an open round; contacts and the board can do none of it, and bad input gets a message."""

import pytest
from django.urls import reverse

from offerround import services
from offerround.models import OfferRound, Submission, SubmittedOffer
from providers.models import Course, Provider
from tests.factories import CourseFactory, ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

SCRIPT, TEMPLATE = "<script>alert(1)</script>", "{{ 7|add:1 }}"


def url(name, *args):
    return reverse(f"offerround:{name}", args=args)


def signed_in(client, user):
    client.force_login(user)
    return client


def submit_all_confirmed(world, index):
    submission = world.submission(index)
    for offer in submission.offers.all():
        services.answer(offer, SubmittedOffer.Action.CONFIRM)
    services.submit(submission, world.users["superuser"])
    return submission


# Closing and reopening ----------------------------------------------------------------------

def test_officer_closes_the_round_and_contacts_can_no_longer_change_or_submit(client, round_world):
    """After closing: the state and time are kept, the pages say closed and since when, and a
    contact's answer and submit are refused with nothing changed."""
    offer_round = round_world.offer_round
    signed_in(client, round_world.users["officer"])
    response = client.post(url("round_state", offer_round.pk), {"change": "close"}, follow=True)
    offer_round.refresh_from_db()
    assert offer_round.state == OfferRound.State.CLOSED and offer_round.closed_at is not None
    progress = response.content.decode()
    assert "round is closed" in progress and "Closed since" in progress
    assert "Reopen the round" in progress and "Add a provider to the round" not in progress

    submission = round_world.submission(0)
    offer = submission.offers.first()
    signed_in(client, round_world.users["college"])
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "round is closed" in page and "can no longer be changed or submitted" in page
    assert url("submit", submission.pk) not in page  # no submit form
    assert client.post(url("offer_answer", submission.pk, offer.pk),
                       {"answer": "confirm"}).status_code == 403
    assert client.post(url("submit", submission.pk)).status_code == 403
    assert client.get(url("offer_new", submission.pk)).status_code == 403
    offer.refresh_from_db()
    submission.refresh_from_db()
    assert offer.action == "" and submission.state == Submission.State.NOT_STARTED
    assert "the round is closed" in client.get(url("index")).content.decode()


def test_reopening_lets_contacts_change_again_and_history_keeps_both(client, round_world):
    """Reopen clears the closing time; the history has the opening, the close and the reopen,
    with who did each."""
    offer_round = round_world.offer_round
    officer = round_world.users["officer"]
    signed_in(client, officer)
    client.post(url("round_state", offer_round.pk), {"change": "close"})
    client.post(url("round_state", offer_round.pk), {"change": "reopen"})
    offer_round.refresh_from_db()
    assert offer_round.is_open and offer_round.closed_at is None
    states = list(offer_round.history.order_by("history_id").values_list("state", flat=True))
    assert states == ["open", "closed", "open"]
    assert offer_round.history.latest().history_user == officer

    submission = round_world.submission(0)
    offer = submission.offers.first()
    signed_in(client, round_world.users["college"])
    assert client.post(url("offer_answer", submission.pk, offer.pk),
                       {"answer": "confirm"}).status_code == 302
    offer.refresh_from_db()
    assert offer.action == "confirm"


def test_after_closing_officers_may_accept_but_not_return(client, round_world):
    """A submitted offer can still be accepted in a closed round; returning it is refused (the
    provider could not change it) with a message saying to reopen."""
    accepted = submit_all_confirmed(round_world, 0)
    kept = submit_all_confirmed(round_world, 1)
    services.close_round(round_world.offer_round)
    signed_in(client, round_world.users["officer"])
    review_page = client.get(url("review", accepted.pk)).content.decode()
    assert "to return it for changes, reopen the round first" in review_page
    client.post(url("review", accepted.pk), {"decision": "accept"})
    accepted.refresh_from_db()
    assert accepted.state == Submission.State.ACCEPTED
    response = client.post(url("review", kept.pk), {"decision": "return", "note": "Add more"},
                           follow=True)
    kept.refresh_from_db()
    assert kept.state == Submission.State.SUBMITTED
    assert "reopen the round first" in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"change": "explode"}, {"change": SCRIPT}])
def test_bad_state_change_gets_a_message_not_an_error(client, round_world, data):
    """No or an unknown change: a message on the progress page, and the round stays open."""
    signed_in(client, round_world.users["officer"])
    response = client.post(url("round_state", round_world.offer_round.pk), data, follow=True)
    assert response.status_code == 200
    assert "Choose to close or reopen the round." in response.content.decode()
    round_world.offer_round.refresh_from_db()
    assert round_world.offer_round.is_open


def test_closing_twice_says_so(client, round_world):
    signed_in(client, round_world.users["officer"])
    client.post(url("round_state", round_world.offer_round.pk), {"change": "close"})
    response = client.post(url("round_state", round_world.offer_round.pk), {"change": "close"},
                           follow=True)
    assert "already closed" in response.content.decode()


@pytest.mark.parametrize("who", ["college", "trust", "champion", "lead", "no_role"])
def test_only_the_council_may_close_delete_or_add(client, round_world, who):
    """Contacts and the board's roles get 403 on every round action, and nothing changes."""
    offer_round = round_world.offer_round
    newcomer = ProviderFactory(name="New Academy")
    signed_in(client, round_world.users[who])
    assert client.post(url("round_state", offer_round.pk), {"change": "close"}).status_code == 403
    assert client.get(url("delete_round", offer_round.pk)).status_code == 403
    assert client.post(url("delete_round", offer_round.pk)).status_code == 403
    assert client.get(url("add_provider", offer_round.pk)).status_code == 403
    assert client.post(url("add_provider", offer_round.pk),
                       {"provider": newcomer.pk}).status_code == 403
    offer_round.refresh_from_db()
    assert offer_round.is_open and offer_round.submissions.count() == 3
    assert "Close the round" not in client.get(url("index")).content.decode()


def test_state_change_is_a_post(client, round_world):
    signed_in(client, round_world.users["officer"])
    assert client.get(url("round_state", round_world.offer_round.pk)).status_code == 405


# Deleting -----------------------------------------------------------------------------------

def test_delete_asks_first_then_removes_the_round_and_nothing_else(client, round_world):
    """The confirmation page names what goes; the POST removes the round, its submissions and
    offers (their deletion kept in the history) and no offer record."""
    offer_round = round_world.offer_round
    courses = Course.objects.count()
    started = round_world.submission(0)
    services.answer(started.offers.first(), SubmittedOffer.Action.CONFIRM)
    submission_ids = list(offer_round.submissions.values_list("pk", flat=True))
    signed_in(client, round_world.users["officer"])
    progress = client.get(url("progress", offer_round.pk)).content.decode()
    assert url("delete_round", offer_round.pk) in progress
    page = client.get(url("delete_round", offer_round.pk)).content.decode()
    assert "Are you sure" in page and "3 submissions" in page
    assert "1 that a provider has started" in page
    assert OfferRound.objects.filter(pk=offer_round.pk).exists()  # a GET deletes nothing
    response = client.post(url("delete_round", offer_round.pk), follow=True)
    assert "The 2017/18 round has been deleted." in response.content.decode()
    assert not OfferRound.objects.filter(pk=offer_round.pk).exists()
    assert not Submission.objects.filter(pk__in=submission_ids).exists()
    assert not SubmittedOffer.objects.filter(submission_id__in=submission_ids).exists()
    assert Course.objects.count() == courses
    assert OfferRound.history.filter(id=offer_round.pk, history_type="-").exists()
    assert Submission.history.filter(id__in=submission_ids, history_type="-").count() == 3


def test_a_round_with_an_accepted_submission_cannot_be_deleted(client, round_world):
    """The page says why; a POST deletes nothing; the progress page offers no delete link."""
    offer_round = round_world.offer_round
    services.accept(submit_all_confirmed(round_world, 1), round_world.users["officer"])
    signed_in(client, round_world.users["officer"])
    assert url("delete_round", offer_round.pk) not in client.get(
        url("progress", offer_round.pk)).content.decode()
    page = client.get(url("delete_round", offer_round.pk)).content.decode()
    assert "cannot be deleted" in page and "1 of its submissions has been accepted" in page
    response = client.post(url("delete_round", offer_round.pk))
    assert response.status_code == 200 and "cannot be deleted" in response.content.decode()
    assert OfferRound.objects.filter(pk=offer_round.pk).exists()
    assert offer_round.submissions.count() == 3
    with pytest.raises(services.RoundError):
        services.delete_round(offer_round)


def test_delete_of_an_unknown_round_is_404(client, round_world):
    signed_in(client, round_world.users["officer"])
    assert client.get(url("delete_round", 999_999)).status_code == 404


# Adding a provider --------------------------------------------------------------------------

@pytest.fixture
def newcomer(round_world):
    """An open provider opened after the round began, with two offers recorded in 2016/17 and
    an older one of another type that is no longer offered (left out, as open_round does)."""
    provider = ProviderFactory(name=f"New Academy {SCRIPT} {TEMPLATE}")
    site = SiteFactory(provider=provider, area=round_world.kent.areas[0])
    for title, level, kind in (("Maths", "3", "a_level"), ("Physics", "3", "a_level"),
                               ("Business", "3", "applied_general")):
        CourseFactory(provider=provider, site=site, title=title, level=level,
                      qualification_type=kind,
                      academic_year="2014/15" if title == "Business" else "2016/17")
    return provider


def test_officer_adds_a_provider_prefilled_like_the_others(client, round_world, newcomer):
    """The select lists the newcomer (escaped) and not those already in; adding it creates a
    submission pre-filled exactly as services.prefill fills one."""
    offer_round = round_world.offer_round
    signed_in(client, round_world.users["officer"])
    assert url("add_provider", offer_round.pk) in client.get(
        url("progress", offer_round.pk)).content.decode()
    page = client.get(url("add_provider", offer_round.pk)).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert TEMPLATE in page
    assert f'value="{newcomer.pk}"' in page
    assert f'value="{round_world.kent.providers[0].pk}"' not in page  # already in the round
    response = client.post(url("add_provider", offer_round.pk), {"provider": newcomer.pk},
                           follow=True)
    html = response.content.decode()
    assert SCRIPT not in html and "has been added to the round with 2 offers to confirm" in html
    added = offer_round.submissions.get(provider=newcomer)
    assert added.state == Submission.State.NOT_STARTED and added.based_on_year == "2016/17"
    assert sorted(added.offers.values_list("title", "previous__title", "action")) == [
        ("Maths", "Maths", ""), ("Physics", "Physics", "")]
    # The same as prefill gives for a fresh submission of the same provider.
    check_round = OfferRound.objects.create(academic_year="2018/19", deadline="2028-03-31")
    fresh = Submission.objects.create(round=check_round, provider=newcomer)
    services.prefill(fresh, round_world.users["officer"])
    fields = ["title", "level", "qualification_type", "site_id", "places", "previous_id"]
    assert (sorted(added.offers.values_list(*fields))
            == sorted(fresh.offers.values_list(*fields)))
    # Each added offer starts its history as the officer who added the provider.
    for offer in added.offers.all():
        created = offer.history.get()
        assert (created.history_type, created.history_user) == ("+", round_world.users["officer"])
        assert created.history_change_reason == "Pre-filled from the provider's 2016/17 records " \
            "(2017/18 round)"


@pytest.mark.parametrize("value", ["", "abc", "999999", SCRIPT, "1 OR 1=1"])
def test_bad_provider_choice_is_a_form_error(client, round_world, newcomer, value):
    """Nothing, rubbish or an unknown id: the form says what to do; no submission is added."""
    signed_in(client, round_world.users["officer"])
    response = client.post(url("add_provider", round_world.offer_round.pk), {"provider": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and SCRIPT not in html
    assert ("Choose the provider to add." in html if not value
            else "Choose an open provider that is not yet in the round." in html)
    assert round_world.offer_round.submissions.count() == 3


def test_provider_already_in_the_round_or_closed_is_refused(client, round_world, newcomer):
    """A provider already in the round (a second tab, a forged post) or a closed provider: a
    form error, never a second submission or a 500."""
    offer_round = round_world.offer_round
    closed = ProviderFactory(name="Closed School", status=Provider.Status.CLOSED)
    signed_in(client, round_world.users["officer"])
    for provider in (round_world.kent.providers[0], closed):
        response = client.post(url("add_provider", offer_round.pk), {"provider": provider.pk})
        assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    client.post(url("add_provider", offer_round.pk), {"provider": newcomer.pk})
    again = client.post(url("add_provider", offer_round.pk), {"provider": newcomer.pk})
    assert again.status_code == 200 and "not yet in the round" in again.content.decode()
    assert offer_round.submissions.filter(provider=newcomer).count() == 1
    assert offer_round.submissions.count() == 4
    with pytest.raises(services.RoundError, match="already in"):
        services.add_provider(offer_round, newcomer, round_world.users["officer"])


def test_no_provider_is_added_to_a_closed_round(client, round_world, newcomer):
    services.close_round(round_world.offer_round)
    signed_in(client, round_world.users["officer"])
    page = client.get(url("add_provider", round_world.offer_round.pk)).content.decode()
    assert "The round is closed" in page and "<select" not in page
    client.post(url("add_provider", round_world.offer_round.pk), {"provider": newcomer.pk})
    assert not round_world.offer_round.submissions.filter(provider=newcomer).exists()
    with pytest.raises(services.RoundError, match="closed"):
        services.add_provider(round_world.offer_round, newcomer, round_world.users["officer"])
