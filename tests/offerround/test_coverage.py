"""A provider's accepted round is complete coverage for it in that year: the share confirmed is
counted, and a year in which every expected provider confirmed is measured at every level."""

import pandas as pd
import pytest

from coldspots.coverage import confirmed_providers, coverage
from offerround import services

FRAME_COLUMNS = ["academic_year", "provider_id", "provider_open", "level", "qualification_type",
                 "record_label", "source_key", "source_year"]


def frame(rows):
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def last_year(provider, is_open=True):
    return ("2025/26", provider, is_open, "3", "a_level", "published", "ks5", "2025/26")


def confirmed(provider, level="3", kind="a_level"):
    return ("2026/27", provider, True, level, kind, "confirmed", "offer_round", "2026/27")


def test_share_counts_open_providers_of_the_latest_earlier_year():
    """Expected: last year's open providers (a closed one is not asked); confirmed: those with
    confirmed records this year."""
    offers = frame([last_year(1), last_year(2), last_year(3), last_year(4, is_open=False),
                    confirmed(1), confirmed(2, "2", "l2_vocational")])
    assert confirmed_providers(offers, "2026/27") == (2, 3)
    cover = coverage(offers, "2026/27")
    assert cover.confirmed_providers == 2 and cover.expected_providers == 3
    assert cover.level_state("3") == "partial"  # one provider still to confirm: no verdict


def test_every_expected_provider_confirmed_measures_every_level():
    """When the last expected provider confirms, every level is measured for the year."""
    offers = frame([last_year(1), last_year(2), confirmed(1), confirmed(2, "2", "l2_vocational")])
    cover = coverage(offers, "2026/27")
    assert cover.confirmed_share == 1
    assert {cover.level_state(level) for level in ("E", "1", "2", "3")} == {"measured"}
    assert cover.level_measured_for("2", ("l2_vocational",))
    assert "Confirmed by providers (offer round)" in cover.level_sources["3"]


def test_confirmed_looking_records_from_elsewhere_do_not_count():
    """Only the round's source key with the confirmed label counts (not an officer's record)."""
    offers = frame([last_year(1), ("2026/27", 1, True, "3", "a_level", "confirmed", "", "")])
    assert confirmed_providers(offers, "2026/27") == (0, 1)
    assert coverage(offers, "2026/27").level_state("3") == "partial"


@pytest.mark.django_db
def test_accepted_rounds_feed_the_analysis_inputs(round_world):
    """Through the database: after every provider's submission is accepted, the loaded offers
    frame measures the round's year."""
    from coldspots.frames import offers_frame

    for index in range(3):
        submission = round_world.submission(index)
        for offer in submission.offers.all():
            services.answer(offer, "confirm")
        services.submit(submission, round_world.users["superuser"])
        assert round_world.offer_round.academic_year == "2017/18"
        before = coverage(offers_frame(), "2017/18")
        services.accept(submission, round_world.users["officer"])
        after = coverage(offers_frame(), "2017/18")
        assert after.confirmed_providers == before.confirmed_providers + 1
    assert after.expected_providers == 3
    assert after.level_state("3") == "measured" and after.level_state("E") == "measured"


def test_a_provider_that_confirmed_no_offer_counts_as_confirmed():
    """A provider named in no_offer has no record this year but counts as confirmed; when it is
    the last one expected, every level is measured."""
    offers = frame([last_year(1), last_year(2), confirmed(1)])
    assert confirmed_providers(offers, "2026/27") == (1, 2)
    assert confirmed_providers(offers, "2026/27", no_offer={2}) == (2, 2)
    cover = coverage(offers, "2026/27", no_offer={2})
    assert cover.confirmed_share == 1 and cover.level_state("2") == "measured"
    # Without it, one expected provider is still to confirm: not measured.
    assert coverage(offers, "2026/27").level_state("3") == "partial"


def withdraw_all_and_accept(world, index):
    submission = world.submission(index)
    for offer in submission.offers.all():
        services.answer(offer, "withdraw")
    services.submit(submission, world.users["superuser"])
    return services.accept(submission, world.users["officer"])


@pytest.mark.django_db
def test_accepting_an_all_withdrawn_submission_confirms_no_offer(round_world):
    """The provider has no 2017/18 record, but a no-offer confirmation for the year, and the
    loaded inputs' coverage counts it as confirmed."""
    from coldspots.frames import load_inputs
    from providers.models import Course, NoOfferConfirmation

    west = round_world.kent.providers[2]
    before = load_inputs()
    assert before.no_offer_providers("2017/18") == frozenset()
    assert withdraw_all_and_accept(round_world, 2) == 0
    assert not Course.objects.filter(provider=west, academic_year="2017/18").exists()
    marker = NoOfferConfirmation.objects.get(provider=west)
    assert marker.academic_year == "2017/18" and marker.history.count() == 1
    inputs = load_inputs()
    assert inputs.no_offer_providers("2017/18") == {west.pk}
    assert inputs.no_offer_providers("2016/17") == frozenset()
    cover = coverage(inputs.offers, "2017/18", no_offer=inputs.no_offer_providers("2017/18"))
    assert (cover.confirmed_providers, cover.expected_providers) == (1, 3)


@pytest.mark.django_db
def test_the_maps_confirmed_share_includes_a_provider_with_no_offer(client, round_world):
    """The map for 2017/18 says 1 of 3 confirmed after East School's accepted round, and 2 of 3
    once West School's all-withdrawn submission is accepted too."""
    from django.urls import reverse

    school = round_world.submission(1)
    for offer in school.offers.all():
        services.answer(offer, "confirm")
    services.submit(school, round_world.users["superuser"])
    services.accept(school, round_world.users["officer"])
    page = reverse("offermap:map") + "?year=2017/18"
    assert "Confirmed by providers: 1 of 3 providers" in client.get(page).content.decode()
    withdraw_all_and_accept(round_world, 2)
    html = client.get(page).content.decode()
    assert "Confirmed by providers: 2 of 3 providers" in html and "(67%)" in html
