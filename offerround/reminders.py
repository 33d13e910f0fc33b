"""Reminders: the provider contacts whose providers have not yet submitted, and the e-mail to
each (text from templates, sent through Django's e-mail backend: the console in development)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.roles import CONTACT
from offerround.models import OfferRound, Submission


@dataclass
class Waiting:
    user: object
    submissions: list[Submission]

    @property
    def has_email(self) -> bool:
        return bool(self.user.email)


def waiting_contacts(offer_round: OfferRound) -> list[Waiting]:
    """Active contacts with at least one provider whose submission is still with the provider
    (not started, in progress or returned), with those submissions; by name."""
    pending = {s.provider_id: s for s in
               offer_round.submissions.not_submitted().select_related("provider")}
    users = (get_user_model().objects.filter(is_active=True, groups__name=CONTACT,
                                             profile__providers__in=pending.keys())
             .distinct().prefetch_related("profile__providers").order_by("username"))
    found = []
    for user in users:
        mine = [pending[p.pk] for p in user.profile.providers.all() if p.pk in pending]
        if mine:
            found.append(Waiting(user, sorted(mine, key=lambda s: s.provider.name)))
    return found


def providers_without_contact(offer_round: OfferRound) -> list[Submission]:
    """Submissions still with the provider that no active contact can answer."""
    return list(offer_round.submissions.not_submitted().exclude(
        provider__contacts__user__is_active=True,
        provider__contacts__user__groups__name=CONTACT,
    ).select_related("provider").order_by("provider__name"))


def send(offer_round: OfferRound, waiting: list[Waiting], request) -> int:
    """One e-mail per contact with an address; returns how many were sent."""
    link = request.build_absolute_uri(reverse("offerround:index"))
    messages = []
    for entry in waiting:
        if not entry.has_email:
            continue
        context = {"round": offer_round, "user": entry.user, "submissions": entry.submissions,
                   "link": link}
        subject = " ".join(render_to_string("offerround/email/reminder_subject.txt",
                                            context).split())
        body = render_to_string("offerround/email/reminder_body.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL,
                                     [entry.user.email]))
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
