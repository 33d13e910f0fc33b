"""Writes that span several models: opening a round, answering an offer, submitting, and an
officer's accept (which replaces the provider's Course records for the year) or return.

Each is one transaction, so a failure leaves nothing half done; state changes are refused with
RoundError (a message for the person) rather than applied out of order.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from offerround.models import OfferRound, Submission, SubmittedOffer
from providers.models import Course, NoOfferConfirmation, Provider, RecordLabel

SOURCE_KEY = "offer_round"


class RoundError(Exception):
    """A step the submission's state does not allow, with a message to show."""


def latest_years_before(provider: Provider, academic_year: str) -> dict[str, str]:
    """For each qualification type the provider has recorded before `academic_year`, the latest
    such year: sources differ in how late they are (T Level registers run a year ahead of the
    performance tables), so "last year's offer" is each type's latest record."""
    years = dict(
        offer_records(provider).filter(academic_year__lt=academic_year)
        .values("qualification_type").annotate(year=Max("academic_year"))
        .values_list("qualification_type", "year")
    )
    if not years:
        return years
    # A type last recorded well before the provider's latest year (e.g. Level 2 in 2016/17 and
    # nothing since) was most likely dropped: it is not offered for confirmation.
    newest = int(max(years.values())[:4])
    return {kind: year for kind, year in years.items() if newest - int(year[:4]) <= 1}


def offer_records_of_all():
    return (Course.objects.filter(withdrawn=False)
            .exclude(granularity=Course.Granularity.DISTRICT)
            .exclude(record_label=RecordLabel.ILLUSTRATIVE))


def offer_records(provider: Provider):
    """The provider's own offers: district-level records (apprenticeship starts) are not offers
    at a site, and are not the provider's to confirm here."""
    return offer_records_of_all().filter(provider=provider)


def prefill(submission: Submission, user) -> int:
    """Copy the latest records of each type into the submission as offers awaiting an answer,
    each with its "created" history entry by `user` (the officer who opened the round or added
    the provider)."""
    years = latest_years_before(submission.provider, submission.round.academic_year)
    span = sorted(set(years.values()))
    submission.based_on_year = (" to ".join((span[0], span[-1])) if len(span) > 1
                                else "".join(span))
    submission.save(update_fields=["based_on_year"])
    if not years:
        return 0
    latest = Q()
    for qualification_type, year in years.items():
        latest |= Q(qualification_type=qualification_type, academic_year=year)
    offers = [
        SubmittedOffer(
            submission=submission, previous=course, site=course.site, title=course.title,
            level=course.level, qualification_type=course.qualification_type,
            subject=course.subject, tlevel_route=course.tlevel_route, places=course.places,
            min_english_grade=course.min_english_grade, min_maths_grade=course.min_maths_grade,
            min_gcse_passes=course.min_gcse_passes, ehcp_required=course.ehcp_required,
        )
        for course in offer_records(submission.provider).filter(latest).select_related("site")
    ]
    # One insert for all of them, but not Django's bulk_create alone: it sends no save signal, so
    # the offers would start without the history every later change to them is recorded in.
    bulk_create_with_history(
        offers, SubmittedOffer, default_user=user,
        default_change_reason=f"Pre-filled from the provider's {submission.based_on_year} records "
                              f"({submission.round.academic_year} round)")
    return len(offers)


@transaction.atomic
def open_round(academic_year: str, deadline: datetime.date, user) -> OfferRound:
    """A round for the year, with a submission (pre-filled) for every provider open today that
    has offers recorded before it."""
    offer_round = OfferRound.objects.create(academic_year=academic_year, deadline=deadline,
                                            opened_by=user)
    # Providers with offers recorded before the year: the register also holds establishments
    # with no post-16 offer (they have nothing to confirm and would only crowd the progress).
    with_offers = offer_records_of_all().filter(academic_year__lt=academic_year).values(
        "provider_id")
    for provider in Provider.objects.filter(status=Provider.Status.OPEN, pk__in=with_offers):
        prefill(Submission.objects.create(round=offer_round, provider=provider), user)
    return offer_round


def providers_not_in(offer_round: OfferRound):
    """Open providers the round has no submission for (opened after it began, or with no
    earlier offer recorded): those an officer may add to it."""
    return (Provider.objects.filter(status=Provider.Status.OPEN)
            .exclude(offer_submissions__round=offer_round).order_by("name", "pk"))


@transaction.atomic
def add_provider(offer_round: OfferRound, provider: Provider, user) -> Submission:
    """A submission for one more provider, pre-filled from its latest records as open_round
    pre-fills the others."""
    offer_round = OfferRound.objects.select_for_update().get(pk=offer_round.pk)
    if not offer_round.is_open:
        raise RoundError("The round is closed: reopen it before you add a provider.")
    if offer_round.submissions.filter(provider=provider).exists():
        raise RoundError(f"{provider} is already in the {offer_round.academic_year} round.")
    submission = Submission.objects.create(round=offer_round, provider=provider)
    prefill(submission, user)
    return submission


@transaction.atomic
def close_round(offer_round: OfferRound) -> None:
    """Contacts can no longer change or submit; officers can still accept what was submitted."""
    offer_round = OfferRound.objects.select_for_update().get(pk=offer_round.pk)
    if not offer_round.is_open:
        raise RoundError("The round is already closed.")
    offer_round.state, offer_round.closed_at = OfferRound.State.CLOSED, timezone.now()
    offer_round._change_reason = "Closed by an officer"
    offer_round.save(update_fields=["state", "closed_at"])


@transaction.atomic
def reopen_round(offer_round: OfferRound) -> None:
    offer_round = OfferRound.objects.select_for_update().get(pk=offer_round.pk)
    if offer_round.is_open:
        raise RoundError("The round is already open.")
    offer_round.state, offer_round.closed_at = OfferRound.State.OPEN, None
    offer_round._change_reason = "Reopened by an officer"
    offer_round.save(update_fields=["state", "closed_at"])


def deletable(offer_round: OfferRound) -> bool:
    """A round may be deleted only while nothing in it has been accepted: an accepted
    submission's offers are the year's records, and its round is their account of where they
    came from."""
    return not offer_round.submissions.filter(state=Submission.State.ACCEPTED).exists()


@transaction.atomic
def delete_round(offer_round: OfferRound) -> None:
    """The round with its submissions and their offers (all kept in the history); no Course
    record is touched."""
    offer_round = OfferRound.objects.select_for_update().get(pk=offer_round.pk)
    if not deletable(offer_round):
        raise RoundError("This round cannot be deleted: some of its submissions have been "
                         "accepted, and their offers are now the year's records.")
    offer_round.delete()


def _require_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise RoundError("This submission can no longer be changed: it has been "
                         f"{submission.get_state_display().lower()}.")


def _touch(submission: Submission) -> None:
    if submission.state != Submission.State.IN_PROGRESS:
        submission.state = Submission.State.IN_PROGRESS
        submission.save(update_fields=["state", "updated_at"])
    else:
        submission.save(update_fields=["updated_at"])


@transaction.atomic
def answer(offer: SubmittedOffer, action: str) -> None:
    """Confirm, withdraw or put back to unanswered one pre-filled offer (a partial save)."""
    submission = offer.submission
    _require_editable(submission)
    if offer.previous_id is None and action != SubmittedOffer.Action.WITHDRAW:
        raise RoundError("A new offer is kept or removed; it has no last year's record to "
                         "confirm.")
    if offer.previous_id is None:  # withdrawing a new offer is removing it
        offer.delete()
    else:
        offer.action = action
        offer.save(update_fields=["action"])
    _touch(submission)


@transaction.atomic
def save_offer(offer: SubmittedOffer) -> None:
    """An edited or a new offer, already validated by its form."""
    _require_editable(offer.submission)
    offer.action = (SubmittedOffer.Action.NEW if offer.previous_id is None
                    else SubmittedOffer.Action.EDIT)
    offer.save()
    _touch(offer.submission)


def unanswered(submission: Submission):
    return submission.offers.filter(action=SubmittedOffer.Action.PENDING)


@transaction.atomic
def submit(submission: Submission, user) -> None:
    """Send the whole submission to the council: every pre-filled offer must have an answer."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require_editable(submission)
    left = unanswered(submission).count()
    if left:
        offers = "1 offer still needs" if left == 1 else f"{left} offers still need"
        raise RoundError(f"{offers} an answer: confirm, change or withdraw each one before you "
                         "submit.")
    submission.state = Submission.State.SUBMITTED
    submission.submitted_at, submission.submitted_by = timezone.now(), user
    submission.save()


def _require_submitted(submission: Submission) -> None:
    if submission.state != Submission.State.SUBMITTED:
        raise RoundError("Only a submitted offer can be accepted or returned; this one is "
                         f"{submission.get_state_display().lower()}.")


@transaction.atomic
def return_submission(submission: Submission, user, note: str) -> None:
    submission = Submission.objects.select_for_update().select_related("round").get(
        pk=submission.pk)
    _require_submitted(submission)
    if not submission.round.is_open:
        # A closed round's contacts cannot change anything: returning it would leave it stuck.
        raise RoundError("The round is closed, so the provider could not change a returned "
                         "submission: reopen the round first, or accept it.")
    submission.state = Submission.State.RETURNED
    submission.note, submission.reviewed_at, submission.reviewed_by = note, timezone.now(), user
    submission.save()


@transaction.atomic
def accept(submission: Submission, user, note: str = "") -> int:
    """Make the submission the provider's offer for the round's year: its Course records of that
    year are replaced, in one transaction, by the confirmed offers (withdrawn ones are not
    written). Each deletion and creation is in the records' history with the reason. Returns the
    number of records written."""
    submission = Submission.objects.select_for_update().select_related(
        "round", "provider").get(pk=submission.pk)
    _require_submitted(submission)
    year = submission.round.academic_year
    today = timezone.localdate()
    reason = f"Confirmed by the provider in the {year} offer round, accepted {today:%d %B %Y}"
    for course in offer_records(submission.provider).filter(academic_year=year):
        course._change_reason = f"Replaced by the provider's confirmed offer ({year} round)"
        course.delete()
    written = 0
    for offer in submission.offers.exclude(action=SubmittedOffer.Action.WITHDRAW):
        course = Course(
            provider=submission.provider, site=offer.site, academic_year=year, title=offer.title,
            level=offer.level, qualification_type=offer.qualification_type,
            subject=offer.subject, tlevel_route=offer.tlevel_route, places=offer.places,
            min_english_grade=offer.min_english_grade, min_maths_grade=offer.min_maths_grade,
            min_gcse_passes=offer.min_gcse_passes, ehcp_required=offer.ehcp_required,
            source=f"Confirmed by provider, {today:%d %B %Y} ({year} offer round)",
            source_key=SOURCE_KEY, source_year=year, record_label=RecordLabel.CONFIRMED,
            granularity=Course.Granularity.SITE, last_confirmed=today,
        )
        course.full_clean()
        course._change_reason = reason
        course.save()
        written += 1
    # A provider that withdrew everything has no record left to carry the label: say that it
    # confirmed "no offer" for the year, so coverage counts it as confirmed all the same.
    NoOfferConfirmation.objects.filter(provider=submission.provider, academic_year=year).delete()
    if not written:
        NoOfferConfirmation.objects.create(
            provider=submission.provider, academic_year=year, confirmed_on=today,
            source=f"Withdrew every offer in the {year} offer round, accepted {today:%d %B %Y}")
    submission.state = Submission.State.ACCEPTED
    submission.note, submission.reviewed_at, submission.reviewed_by = note, timezone.now(), user
    submission.save()
    return written

