"""The round's records in the admin: listed, filtered by round and state, searched by provider
name, shown read-only (a round's deadline is the one thing an officer may change there)."""

import datetime

import pytest
from django.urls import reverse

from offerround.models import Submission
from providers.models import NoOfferConfirmation

pytestmark = pytest.mark.django_db


def test_submissions_are_searched_by_provider_and_filtered_by_state(client, round_world):
    """Search finds the provider's submission only; the state filter narrows the list."""
    client.force_login(round_world.users["officer"])
    changelist = reverse("admin:offerround_submission_changelist")
    found = client.get(changelist, {"q": "East Sch"}).content.decode()
    assert "East School" in found and "West School" not in found
    round_world.submission(2).offers.update(action="confirm")
    Submission.objects.filter(pk=round_world.submission(2).pk).update(state="submitted")
    submitted = client.get(changelist, {"state__exact": "submitted",
                                        "round__id__exact": round_world.offer_round.pk})
    html = submitted.content.decode()
    assert "West School" in html and "East School" not in html


def test_a_submission_and_its_offers_are_read_only(client, round_world):
    """The change page has no save button and a POST changes nothing; the offers are listed."""
    client.force_login(round_world.users["officer"])
    submission = round_world.submission(0)
    page = reverse("admin:offerround_submission_change", args=[submission.pk])
    html = client.get(page).content.decode()
    assert 'name="_save"' not in html
    assert all(title in html for title in submission.offers.values_list("title", flat=True))
    response = client.post(page, {"state": "accepted"})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.NOT_STARTED
    assert client.get(reverse("admin:offerround_submission_add")).status_code == 403


def test_officer_may_change_a_rounds_deadline_only(client, round_world):
    """The deadline is saved; the state posted alongside it is ignored (read-only there)."""
    client.force_login(round_world.users["officer"])
    offer_round = round_world.offer_round
    page = reverse("admin:offerround_offerround_change", args=[offer_round.pk])
    response = client.post(page, {"deadline": "2027-04-30", "state": "closed"})
    assert response.status_code == 302
    offer_round.refresh_from_db()
    assert offer_round.deadline == datetime.date(2027, 4, 30) and offer_round.is_open
    assert client.get(reverse("admin:offerround_offerround_delete",
                              args=[offer_round.pk])).status_code == 403


def _confirm_no_offer(world, index=2):
    """The provider withdraws every offer and an officer accepts: the round writes the
    provider's NoOfferConfirmation for the year."""
    from offerround import services
    from offerround.models import SubmittedOffer

    submission = world.submission(index)
    for offer in submission.offers.all():
        services.answer(offer, SubmittedOffer.Action.WITHDRAW)
    services.submit(submission, world.users["officer"])
    assert services.accept(submission, world.users["officer"]) == 0
    return NoOfferConfirmation.objects.get(provider=submission.provider)


@pytest.mark.parametrize("who", ["officer", "superuser"])
def test_no_offer_confirmations_are_listed_and_read_only(client, round_world, who):
    """The round's "no offer" confirmations are in the admin: listed (searched by provider,
    filtered by year), with their history, and nobody adds, changes or deletes one there: the
    round alone writes them."""
    confirmation = _confirm_no_offer(round_world)
    client.force_login(round_world.users[who])
    changelist = reverse("admin:providers_noofferconfirmation_changelist")
    html = client.get(changelist).content.decode()
    assert "West School" in html and "2017/18" in html and "offer round" in html
    assert "East School" not in client.get(changelist, {"q": "East"}).content.decode()
    assert "West School" in client.get(changelist, {"academic_year": "2017/18"}).content.decode()
    assert "West School" not in client.get(changelist,
                                           {"academic_year": "2016/17"}).content.decode()
    change = reverse("admin:providers_noofferconfirmation_change", args=[confirmation.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"academic_year": "2016/17", "confirmed_on": "2020-01-01",
                                "source": "hand", "provider": confirmation.provider_id}
                       ).status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.academic_year == "2017/18"
    assert client.get(reverse("admin:providers_noofferconfirmation_add")).status_code == 403
    delete = reverse("admin:providers_noofferconfirmation_delete", args=[confirmation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert NoOfferConfirmation.objects.filter(pk=confirmation.pk).exists()
    history = reverse("admin:providers_noofferconfirmation_history", args=[confirmation.pk])
    assert client.get(history).status_code == 200


def test_no_offer_confirmations_are_not_for_the_board_or_contacts(client, round_world):
    _confirm_no_offer(round_world)
    changelist = reverse("admin:providers_noofferconfirmation_changelist")
    client.force_login(round_world.users["champion"])
    assert client.get(changelist).status_code == 403
    client.force_login(round_world.users["college"])
    assert client.get(changelist).status_code == 302  # not staff: asked to sign in
