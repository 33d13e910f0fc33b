"""The round's pages: who may open them, the contact's confirm / change / withdraw / add / submit,
the officer's progress, review and decisions, and bad input answered with a message, not a 500."""

import pytest
from django.urls import reverse

from offerround.models import Submission, SubmittedOffer
from providers.models import Course, RecordLabel

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"offerround:{name}", args=args)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_anonymous_and_no_role_are_refused(client, round_world):
    """Anonymous visitors are sent to sign in; signed-in people with no role get 403."""
    submission = round_world.submission(0)
    pages = [url("index"), url("submission", submission.pk), url("review", submission.pk),
             url("progress", round_world.offer_round.pk)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    signed_in(client, round_world.users["no_role"])
    for page in pages:
        assert client.get(page).status_code == 403, page


def test_contact_cannot_see_or_change_another_providers_draft(client, round_world):
    """The college's contact gets 403 on the school's submission and on every write to it,
    and the school's offers are unchanged."""
    school = round_world.submission(1)
    offer = school.offers.first()
    signed_in(client, round_world.users["college"])
    assert client.get(url("submission", school.pk)).status_code == 403
    assert client.get(url("offer_edit", school.pk, offer.pk)).status_code == 403
    assert client.post(url("offer_answer", school.pk, offer.pk),
                       {"answer": "withdraw"}).status_code == 403
    assert client.post(url("submit", school.pk)).status_code == 403
    assert client.post(url("offer_new", school.pk), {"title": "X"}).status_code == 403
    offer.refresh_from_db()
    assert offer.action == ""
    # Nor through their own submission's URL with the other's offer.
    own = round_world.submission(0)
    assert client.post(url("offer_answer", own.pk, offer.pk),
                       {"answer": "withdraw"}).status_code == 404
    index = client.get(url("index")).content.decode()
    assert "East College" in index and "East School" not in index


def test_contact_confirms_edits_withdraws_adds_and_submits(client, round_world):
    """The whole of a contact's round through the pages."""
    submission = round_world.submission(0)
    first, second, third, fourth = submission.offers.order_by("pk")
    signed_in(client, round_world.users["college"])
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "4 offers, 4 still to answer" in page
    client.post(url("offer_answer", submission.pk, first.pk), {"answer": "confirm"})
    client.post(url("offer_answer", submission.pk, second.pk), {"answer": "withdraw"})
    response = client.post(url("offer_edit", submission.pk, third.pk), {
        "title": third.title, "level": third.level, "qualification_type": third.qualification_type,
        "places": "35", "min_english_grade": "4", "min_maths_grade": "4",
    })
    assert response.status_code == 302
    response = client.post(url("submit", submission.pk), follow=True)
    assert "1 offer still needs an answer" in response.content.decode()
    client.post(url("offer_answer", submission.pk, fourth.pk), {"answer": "confirm"})
    response = client.post(url("offer_new", submission.pk), {
        "title": "Digital T Level", "level": "3", "qualification_type": "t_level",
        "tlevel_route": "Digital", "places": "16",
    })
    assert response.status_code == 302
    client.post(url("submit", submission.pk))
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    third.refresh_from_db()
    assert (third.action, third.places, third.min_english_grade) == ("edit", 35, 4)
    assert submission.offers.get(title="Digital T Level").action == SubmittedOffer.Action.NEW
    # Submitted: the page no longer offers the buttons, and a forged POST is refused.
    page = client.get(url("submission", submission.pk)).content.decode()
    assert "Confirm<span" not in page
    assert client.post(url("offer_answer", submission.pk, first.pk),
                       {"answer": "withdraw"}).status_code == 403


def test_bad_offer_input_gets_messages_not_500(client, round_world):
    """Wrong levels for a type, grades out of range, words for numbers, overlong and NUL text,
    unknown answers and sites of another provider: each a GOV.UK error, never a 500."""
    submission = round_world.submission(0)
    other_site = round_world.kent.providers[2].sites.first()
    signed_in(client, round_world.users["college"])
    bad = [
        ({"title": "A", "level": "2", "qualification_type": "a_level"}, "A Level is offered at"),
        ({"title": "A", "level": "3", "qualification_type": "a_level", "min_maths_grade": "12"},
         "less than or equal to 9"),
        ({"title": "A", "level": "3", "qualification_type": "a_level", "places": "many"},
         "Enter a whole number"),
        ({"title": "A" * 300, "level": "3", "qualification_type": "a_level"}, "at most 200"),
        ({"title": "A\x00", "level": "3", "qualification_type": "a_level"},
         "Null characters are not allowed"),
        ({"title": "A", "level": "9", "qualification_type": "nonsense"}, "Select a valid choice"),
        ({"title": "A", "level": "3", "qualification_type": "a_level", "site": other_site.pk},
         "Select a valid choice"),
        ({"title": "A", "level": "3", "qualification_type": "a_level",
          "tlevel_route": "Digital"}, "Only a T Level has a route"),
    ]
    for data, message in bad:
        response = client.post(url("offer_new", submission.pk), data)
        assert response.status_code == 200, data
        page = response.content.decode()
        assert "There is a problem" in page and message in page, (data, page[:200])
    assert not submission.offers.filter(action="new").exists()
    offer = submission.offers.first()
    response = client.post(url("offer_answer", submission.pk, offer.pk), {"answer": "nope"},
                           follow=True)
    assert response.status_code == 200 and "Choose confirm or withdraw" in response.content.decode()
    assert client.get(url("submission", 999_999)).status_code == 404
    assert client.get(url("progress", round_world.offer_round.pk) + "?state=<x>").status_code == 403


def test_officer_progress_review_and_accept(client, round_world):
    """Officers see counts per LCPA and state, review the diff and accept: the records appear
    labelled confirmed by provider."""
    submission = round_world.submission(0)
    offers = list(submission.offers.order_by("pk"))
    signed_in(client, round_world.users["college"])
    for offer in offers[1:]:
        client.post(url("offer_answer", submission.pk, offer.pk), {"answer": "confirm"})
    client.post(url("offer_answer", submission.pk, offers[0].pk), {"answer": "withdraw"})
    client.post(url("submit", submission.pk))

    signed_in(client, round_world.users["officer"])
    page = client.get(url("progress", round_world.offer_round.pk) + "?state=nonsense")
    assert page.status_code == 200
    html = page.content.decode()
    assert "East Kent" in html and "West Kent" in html
    response = client.get(url("review", submission.pk))
    html = response.content.decode()
    assert "1 withdrawn" in html and "3 unchanged" in html and "0 added" in html
    response = client.post(url("review", submission.pk), {"decision": "return"})
    assert "Say what the provider should change" in response.content.decode()
    response = client.post(url("review", submission.pk), {"decision": "accept", "note": ""})
    assert response.status_code == 302
    year = Course.objects.filter(provider=submission.provider, academic_year="2017/18")
    assert year.count() == 3
    assert set(year.values_list("record_label", flat=True)) == {RecordLabel.CONFIRMED}
    # Accepting twice is refused with a message.
    response = client.post(url("review", submission.pk), {"decision": "accept"}, follow=True)
    assert "Only a submitted offer" in response.content.decode()
    assert year.count() == 3


def test_officer_opens_a_round_with_checks(client, round_world):
    """Opening a round: a bad year, a bad date and a year already opened are messages."""
    signed_in(client, round_world.users["officer"])
    for data, message in [({"academic_year": "2026/28", "deadline": "31/03/2027"},
                           "Enter the academic year as"),
                          ({"academic_year": "2026/27", "deadline": "tomorrow"},
                           "Enter the deadline as a date"),
                          ({"academic_year": "2017/18", "deadline": "31/03/2027"},
                           "already been opened")]:
        response = client.post(url("open_round"), data)
        assert response.status_code == 200 and message in response.content.decode()
    response = client.post(url("open_round"), {"academic_year": "2026/27",
                                               "deadline": "31/03/2027"})
    assert response.status_code == 302
    signed_in(client, round_world.users["college"])
    assert client.get(url("open_round")).status_code == 403
