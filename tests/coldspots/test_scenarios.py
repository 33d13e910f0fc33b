"""What-if scenarios on the hand-built county of test_measures (nothing touches a database)."""

import pandas as pd
import pytest

from coldspots.scenarios import (
    AddOffer,
    ChangeTravelLimit,
    CloseOffer,
    CloseProvider,
    CloseSite,
    SetJourneyTime,
    apply_changes,
    change_items,
    parse_changes,
    run_scenario,
)
from tests.coldspots.test_measures import PARAMS, county


def row(table, slug, level):
    rows = table[(table["region_slug"] == slug) & (table["level"] == level)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_closing_a_site_makes_its_area_colder():
    """Closing S2 leaves B (50 of east's 170) with no Level 3 and no T Level anywhere."""
    result = run_scenario(county(), PARAMS, [CloseSite(2)])
    east = row(result.by_region, "east", "3")
    assert east.cold_share_before == pytest.approx(50 / 170)
    # Every east area is left with one provider (S1) or none: below N = 2, all of east.
    assert east.cold_share_after == pytest.approx(1.0)
    before = result.baseline.area_level.query("area_code == 'B' and level == '3'").iloc[0]
    b = result.scenario.area_level.query("area_code == 'B' and level == '3'").iloc[0]
    assert (before.state, b.state) == ("reduced_choice", "no_choice")
    g = result.scenario.guarantee_areas.set_index("area_code")
    # The only T Level was at S2: closed, with no T Level left anywhere to name as the nearest;
    # no complete source measures T Levels in this county, so that is "cannot be confirmed".
    assert g.loc["A", "t_level"] == "no_data"
    assert pd.isna(g.loc["A", "t_level_minutes"])


def test_adding_an_offer_improves_guarantee_coverage():
    """A Level 2 course at S2 (30 min from B) lifts east's parts-with-data coverage to 100%."""
    result = run_scenario(county(), PARAMS,
                          [AddOffer(site_id=2, level="2", qualification_type="l2_vocational",
                                    subject="Care")])
    east = row(result.by_region, "east", "2")
    assert east.covered_share_checked_parts_before == pytest.approx(120 / 170)
    assert east.covered_share_checked_parts_after == pytest.approx(1.0)
    assert east.covered_share_checked_parts_change == pytest.approx(50 / 170)
    assert east.covered_share_after == 0  # apprenticeships and L1 still have no data


def test_changing_travel_time_and_journey_times():
    """A wider travel time or a new journey time moves C from no choice to reduced or to choice."""
    # At 45 minutes C reaches S3 (40): one provider, reduced choice. A new 20-minute route C→S2
    # gives it one provider 20 minutes away: choice when one provider is enough (N = 1).
    wider = run_scenario(county(), PARAMS, [ChangeTravelLimit(45)])
    c = wider.scenario.area_level.query("area_code == 'C' and level == '3'").iloc[0]
    assert (c.offers, c.state) == (1, "reduced_choice")
    assert wider.scenario.params.minutes == 45 and wider.baseline.params.minutes == 30
    lenient = PARAMS.replace(min_providers=1)
    route = run_scenario(county(), lenient, [SetJourneyTime("C", 2, 20)])
    west = row(route.by_region, "west", "3")
    assert (west.cold_share_before, west.cold_share_after, west.cold_share_change) == (
        1.0, 0.0, -1.0)
    assert route.scenario.travel_method == "mixed"


def test_closing_an_offer_or_provider_and_the_baseline_is_untouched():
    """Changes apply to copies: the inputs a scenario starts from are not modified."""
    data = county()
    before = data.offers.copy()
    changed, params = apply_changes(data, PARAMS, [CloseOffer(1), CloseProvider(3)])
    withdrawn = changed.offers.set_index("course_id")["withdrawn"]
    assert withdrawn[1]
    assert changed.offers.loc[changed.offers["provider_id"] == 3, "withdrawn"].all()
    assert withdrawn.sum() == 2  # course 1 and provider 3's one course
    assert not changed.sites.set_index("site_id").loc[3, "provider_open"]
    assert data.offers.equals(before) and params == PARAMS


def test_unknown_ids_are_refused_with_a_message():
    """Changes naming unknown ids, or fractional minutes, raise ValueError saying what is wrong."""
    with pytest.raises(ValueError, match="no site id 99"):
        apply_changes(county(), PARAMS, [CloseSite(99)])
    with pytest.raises(ValueError, match="no area code"):
        apply_changes(county(), PARAMS, [SetJourneyTime("Z", 1, 5)])
    with pytest.raises(ValueError, match="whole number of minutes"):
        apply_changes(county(), PARAMS, [ChangeTravelLimit(45.5)])
    with pytest.raises(ValueError, match="no course id 999"):
        apply_changes(county(), PARAMS, [CloseOffer(999)])


def test_parse_changes_builds_changes_and_reports_bad_items():
    """Dicts become changes; each bad item gets a message with its position and field."""
    changes, errors = parse_changes([
        {"change": "close_site", "site_id": "2"},
        {"change": "add_offer", "site_id": 1, "level": "2", "qualification_type": "l2_vocational"},
        {"change": "explode"},
        {"change": "close_offer"},
        {"change": "add_offer", "site_id": 1, "level": "9", "qualification_type": "a_level"},
        {"change": "set_journey_time", "area_code": "A", "site_id": 1, "minutes": "soon"},
    ])
    assert changes == [CloseSite(2), AddOffer(1, "2", "l2_vocational")]
    assert len(errors) == 4
    assert errors[0].startswith("Change 3:") and "course_id" in errors[1]
    assert "level" in errors[2] and "minutes" in errors[3]


def test_parse_changes_never_raises_on_odd_input():
    """Non-dict items, list values, fractional or huge ids, and infinite or negative minutes or
    learners each become a readable error instead of an exception or a nonsense change."""
    changes, errors = parse_changes([
        "close_site",
        {"change": "close_site", "site_id": [2]},
        {"change": "close_offer", "course_id": "2.5"},
        {"change": "close_provider", "provider_id": "1e400"},
        {"change": "set_journey_time", "area_code": "A", "site_id": 1, "minutes": "inf"},
        {"change": "add_offer", "site_id": 1, "level": "2", "qualification_type": "a_level",
         "learners": "-3"},
        {"change": "close_site", "site_id": "7"},
    ])
    assert changes == [CloseSite(7)]
    assert [error.split(":")[0] for error in errors] == [f"Change {n}" for n in range(1, 7)]
    assert "site_id: enter a whole number." in errors[1]
    assert "course_id: enter a whole number." in errors[2]
    assert "minutes: enter a number of minutes" in errors[4]
    assert "learners: enter a number of learners" in errors[5]


@pytest.mark.django_db
def test_a_scenario_on_the_live_data_writes_nothing():
    """run_scenario on the database only reads: no INSERT/UPDATE/DELETE is issued and every
    course, site and provider keeps its stored state, whatever the changes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coldspots.results import run_scenario as run_live
    from coldspots.scenarios import parse_changes as parse
    from providers.models import Course, Provider, Site
    from tests.factories import AreaFactory, CohortFigureFactory, CourseFactory, SiteFactory

    area = AreaFactory(code="E01000001")
    CohortFigureFactory(area=area, value=50)
    site = SiteFactory(area=area)
    course = CourseFactory(provider=site.provider, site=site)
    other = SiteFactory(area=area)
    CourseFactory(provider=other.provider, site=other)

    def state():
        return (list(Course.objects.order_by("id").values()),
                list(Site.objects.order_by("id").values()),
                list(Provider.objects.order_by("id").values()))

    before = state()
    changes, errors = parse([
        {"change": "add_offer", "site_id": site.id, "level": "2",
         "qualification_type": "l2_vocational", "subject": "Construction"},
        {"change": "close_offer", "course_id": course.id},
        {"change": "close_site", "site_id": site.id},
        {"change": "close_provider", "provider_id": other.provider_id},
        {"change": "set_journey_time", "area_code": "E01000001", "site_id": site.id,
         "minutes": 5},
        {"change": "change_travel_limit", "minutes": 45},
    ])
    assert errors == []
    with CaptureQueriesContext(connection) as queries:
        result = run_live(None, changes)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert len(queries.captured_queries) > 0  # it did read the live data
    assert state() == before
    assert result.scenario.params.minutes == 45


def test_every_inputs_frame_survives_the_changes():
    """apply_changes carries over every frame it does not change (enrolments and the
    district-level apprenticeship supply included), whatever the change: an earlier version
    dropped the apprenticeships, so every scenario lost the guarantee's apprenticeship part."""
    from dataclasses import fields as frame_fields
    from dataclasses import replace as with_frames

    data = county()
    districts = sorted(data.areas["district_code"].dropna().unique())
    supply = pd.DataFrame({"district_code": districts, "academic_year": "2016/17",
                           "providers_l2": 2, "providers_l3": 2})
    enrolments = pd.DataFrame({"provider_id": [1], "academic_year": ["2016/17"],
                               "students_16_18": [120]})
    data = with_frames(data, apprenticeships=supply, enrolments=enrolments)
    for change in (CloseOffer(1), CloseSite(2), CloseProvider(3), ChangeTravelLimit(45),
                   AddOffer(1, "2", "l2_vocational"), SetJourneyTime("C", 2, 20)):
        changed, _ = apply_changes(data, PARAMS, [change])
        for spec in frame_fields(data):
            if spec.name not in {"sites", "offers", "matrix"}:
                assert getattr(changed, spec.name) is getattr(data, spec.name), (change, spec)
    # With nothing changed, the scenario's guarantee is the baseline's, apprenticeships too.
    result = run_scenario(data, PARAMS, [])
    assert result.scenario.apprenticeships_by_district
    assert set(result.scenario.guarantee_areas["apprenticeship"]) == {"met"}
    pd.testing.assert_frame_equal(result.baseline.guarantee_areas,
                                  result.scenario.guarantee_areas)


def test_change_items_read_back_to_the_same_changes():
    """change_items gives dicts that parse_changes turns back into the same changes (defaults
    left out), so a scenario survives a URL or a saved JSON document."""
    changes = [CloseOffer(4), CloseSite(2), CloseProvider(3), ChangeTravelLimit(45),
               AddOffer(1, "2", "l2_vocational", subject="Care"), SetJourneyTime("C", 2, 20.5)]
    items = change_items(changes)
    assert items[4] == {"change": "add_offer", "site_id": 1, "level": "2",
                        "qualification_type": "l2_vocational", "subject": "Care"}
    assert parse_changes(items) == (changes, [])
