"""Reminders: exactly the contacts with a provider still to submit, one e-mail each."""

import pytest
from django.core import mail
from django.urls import reverse

from offerround import reminders, services

pytestmark = pytest.mark.django_db


def _submit(world, index, user):
    submission = world.submission(index)
    for offer in submission.offers.all():
        services.answer(offer, "confirm")
    services.submit(submission, world.users[user])


def test_waiting_contacts_are_those_with_a_provider_not_submitted(round_world):
    """Once the school has submitted, its own contact is no longer listed, the trust's contact
    is listed for the college only, and the west school (no contact) is listed apart."""
    _submit(round_world, 1, "school")
    waiting = reminders.waiting_contacts(round_world.offer_round)
    listed = {entry.user.username: [s.provider.name for s in entry.submissions]
              for entry in waiting}
    assert listed == {"college": ["East College"], "trust": ["East College"]}
    without = [s.provider.name for s in reminders.providers_without_contact(
        round_world.offer_round)]
    assert without == ["West School"]


def test_inactive_or_roleless_contacts_are_not_listed(round_world):
    """A contact whose account is switched off, or who lost the role, gets no reminder."""
    round_world.users["college"].is_active = False
    round_world.users["college"].save()
    round_world.users["trust"].groups.clear()
    listed = {e.user.username for e in reminders.waiting_contacts(round_world.offer_round)}
    assert listed == {"school"}


def test_officer_sends_one_email_per_contact(client, round_world, settings):
    """The page lists the contacts; sending mails each of them once, with the year, the
    deadline, their providers and the link."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(round_world.users["officer"])
    page = reverse("offerround:reminders", args=[round_world.offer_round.pk])
    html = client.get(page).content.decode()
    assert "college@example.org" in html and "West School" in html
    response = client.post(page, follow=True)
    assert "3 reminders sent" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["college@example.org", "school@example.org",
                                                    "trust@example.org"]
    trust = next(m for m in mail.outbox if m.to == ["trust@example.org"])
    assert "2017/18" in trust.subject and "31 March 2027" in trust.subject
    assert "East College" in trust.body and "East School" in trust.body
    assert "http://testserver/offer-round/" in trust.body
    client.force_login(round_world.users["college"])
    assert client.post(page).status_code == 403
