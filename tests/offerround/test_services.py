"""The round's states and writes: pre-filling, partial saves, submitting, accepting, returning."""

import pytest

from offerround import services
from offerround.models import Submission, SubmittedOffer
from providers.models import Course, RecordLabel

pytestmark = pytest.mark.django_db


def test_open_round_prefills_last_years_offers(round_world):
    """Each open provider gets a submission holding its latest earlier year's offers, unanswered."""
    college = round_world.submission(0)
    recorded = Course.objects.filter(provider=college.provider, academic_year="2016/17")
    assert college.state == Submission.State.NOT_STARTED
    assert college.based_on_year == "2016/17"
    assert college.offers.count() == recorded.count() == 4
    assert set(college.offers.values_list("previous_id", flat=True)) == set(
        recorded.values_list("pk", flat=True))
    assert not college.offers.exclude(action=SubmittedOffer.Action.PENDING).exists()
    assert round_world.offer_round.submissions.count() == 3


def test_prefilled_offers_each_start_with_one_creation_history_record(round_world):
    """Pre-filling writes the offers in one insert, yet each has its "created" entry by the
    officer who opened the round, with why: their later answers are then changes to it."""
    officer = round_world.users["officer"]
    offers = SubmittedOffer.objects.filter(submission__round=round_world.offer_round)
    assert offers.count() > 3
    for offer in offers:
        created = offer.history.get()  # exactly one
        assert (created.history_type, created.history_user) == ("+", officer)
        assert created.title == offer.title and created.submission_id == offer.submission_id
        assert created.history_change_reason == (
            f"Pre-filled from the provider's {offer.submission.based_on_year} records "
            "(2017/18 round)")
    first = offers.first()
    services.answer(first, SubmittedOffer.Action.CONFIRM)
    assert list(first.history.order_by("history_id").values_list("history_type", "action")) == [
        ("+", ""), ("~", "confirm")]


def test_partial_save_then_submit_needs_every_answer(round_world):
    """Answering one offer keeps it and moves the submission to in progress; submitting with
    offers unanswered is refused with a count; once all are answered it is submitted."""
    submission = round_world.submission(0)
    first, *rest = submission.offers.all()
    services.answer(first, SubmittedOffer.Action.CONFIRM)
    submission.refresh_from_db()
    assert submission.state == Submission.State.IN_PROGRESS
    with pytest.raises(services.RoundError, match="3 offers still need an answer"):
        services.submit(submission, round_world.users["college"])
    for offer in rest:
        services.answer(offer, SubmittedOffer.Action.WITHDRAW)
    services.submit(submission, round_world.users["college"])
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert submission.submitted_by == round_world.users["college"]
    with pytest.raises(services.RoundError, match="can no longer be changed"):
        services.answer(first, SubmittedOffer.Action.WITHDRAW)


def _submit_all(world, index, action=SubmittedOffer.Action.CONFIRM):
    submission = world.submission(index)
    for offer in submission.offers.all():
        services.answer(offer, action)
    services.submit(submission, world.users["college"])
    return submission


def test_return_sends_it_back_with_the_note(round_world):
    """A returned submission is editable again and carries the officer's note."""
    submission = _submit_all(round_world, 0)
    services.return_submission(submission, round_world.users["officer"], "Places missing")
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.note == "Places missing"
    assert submission.is_editable
    with pytest.raises(services.RoundError, match="Only a submitted offer"):
        services.accept(submission, round_world.users["officer"])


def test_accept_replaces_the_years_records_and_keeps_history(round_world):
    """Accepting writes the confirmed offers as the year's records, labelled confirmed by the
    provider with the date, drops withdrawn ones, removes the year's earlier records (their
    deletion in history) and leaves other years alone."""
    provider = round_world.kent.providers[0]
    stale = Course.objects.create(provider=provider, site=provider.sites.first(),
                                  academic_year="2017/18", title="Old guess", level="3",
                                  qualification_type="a_level", source="test")
    submission = round_world.submission(0)
    offers = list(submission.offers.order_by("pk"))
    services.answer(offers[0], SubmittedOffer.Action.WITHDRAW)
    offers[1].places = 40
    services.save_offer(offers[1])
    for offer in offers[2:]:
        services.answer(offer, SubmittedOffer.Action.CONFIRM)
    new = SubmittedOffer(submission=submission, title="Digital T Level", level="3",
                         qualification_type="t_level", tlevel_route="Digital", places=20)
    new.full_clean()
    services.save_offer(new)
    services.submit(submission, round_world.users["college"])
    before_2016 = Course.objects.filter(provider=provider, academic_year="2016/17").count()

    written = services.accept(submission, round_world.users["officer"], "Thank you")

    year = Course.objects.filter(provider=provider, academic_year="2017/18")
    assert written == year.count() == 4  # 4 pre-filled - 1 withdrawn + 1 new
    assert set(year.values_list("record_label", flat=True)) == {RecordLabel.CONFIRMED}
    assert not year.filter(pk=stale.pk).exists()
    assert stale.history.filter(history_type="-").exists()
    assert offers[0].title not in set(year.values_list("title", flat=True))  # withdrawn
    assert year.get(title=offers[1].title, level=offers[1].level).places == 40
    assert year.get(title="Digital T Level").tlevel_route == "Digital"
    assert all(c.history.first().history_change_reason.startswith("Confirmed by the provider")
               for c in year)
    assert Course.objects.filter(provider=provider, academic_year="2016/17").count() == before_2016
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED


def test_accept_is_all_or_nothing(round_world, monkeypatch):
    """If writing one record fails, the year's old records and the submission's state stay."""
    provider = round_world.kent.providers[0]
    stale = Course.objects.create(provider=provider, site=provider.sites.first(),
                                  academic_year="2017/18", title="Old guess", level="3",
                                  qualification_type="a_level", source="test")
    submission = _submit_all(round_world, 0)
    calls = {"n": 0}
    real_save = Course.save

    def failing_save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Course, "save", failing_save)
    with pytest.raises(RuntimeError):
        services.accept(submission, round_world.users["officer"])
    monkeypatch.undo()
    assert Course.objects.filter(pk=stale.pk).exists()
    assert not Course.objects.filter(provider=provider, academic_year="2017/18",
                                     record_label=RecordLabel.CONFIRMED).exists()
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_prefill_takes_each_types_latest_year(round_world):
    """A T Level recorded a year later than the A Levels (the registers run ahead of the
    tables) is pre-filled beside them, and the submission names the span of years."""
    import datetime

    from tests.factories import CourseFactory

    school = round_world.kent.providers[1]
    CourseFactory(provider=school, site=school.sites.first(), academic_year="2017/18",
                  level="3", qualification_type="t_level", title="Digital", source_key="")
    later = services.open_round("2018/19", datetime.date(2028, 3, 31),
                                round_world.users["officer"])
    submission = later.submissions.get(provider=school)
    assert submission.based_on_year == "2016/17 to 2017/18"
    prefilled = sorted(submission.offers.values_list("qualification_type",
                                                     "previous__academic_year"))
    assert prefilled == [("a_level", "2016/17"), ("t_level", "2017/18")]


def test_no_submission_without_offers_and_stale_types_left_out(round_world):
    """A provider with no offer records gets no submission; a type last recorded two years
    before the provider's latest records is not pre-filled."""
    import datetime

    from tests.factories import CourseFactory, ProviderFactory

    empty = ProviderFactory(name="Primary school")
    school = round_world.kent.providers[1]  # A Levels in 2015/16 and 2016/17
    CourseFactory(provider=school, site=school.sites.first(), academic_year="2014/15",
                  level="2", qualification_type="l2_vocational", title="Old Level 2")
    later = services.open_round("2018/19", datetime.date(2028, 3, 31),
                                round_world.users["officer"])
    assert not later.submissions.filter(provider=empty).exists()
    kinds = set(later.submissions.get(provider=school).offers.values_list(
        "qualification_type", flat=True))
    assert kinds == {"a_level"}
