"""frames.py against the database (factories), the data version, and the results cache."""

import math

import pytest

from areas.models import CohortFigure
from coldspots import frames
from coldspots.models import TravelTime
from coldspots.params import AnalysisParams
from coldspots.results import compute, data_version, guarantee_for_point
from coldspots.signals import bump_data_version
from providers.models import Provider
from tests.factories import (
    AreaFactory,
    CohortFigureFactory,
    CourseFactory,
    ProviderFactory,
    RegionFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """Two areas in one LCPA, a school next to the first, a college 20 km east."""
    region = RegionFactory(slug="canterbury", name="Canterbury")
    near = AreaFactory(code="E01000001", region=region, easting=615_000, northing=157_800)
    far = AreaFactory(code="E01000002", region=region, easting=600_000, northing=157_800)
    CohortFigureFactory(area=near, value=40, academic_year="2022/23")
    CohortFigureFactory(area=far, value=60, academic_year="2022/23")
    CohortFigureFactory(area=near, value=3, academic_year="2024/25",
                        measure=CohortFigure.Measure.EHCP_16_17)
    school = SiteFactory(area=near, easting=615_500, northing=157_800)
    college = ProviderFactory(kind=Provider.Kind.FE_COLLEGE, name="East College")
    college_site = SiteFactory(provider=college, area=near, easting=635_000, northing=157_800,
                               is_main=True)
    CourseFactory(provider=school.provider, site=school, learners=None)
    CourseFactory(provider=college, site=None, level="2", qualification_type="l2_vocational",
                  title="Construction", subject="Construction", learners=15)
    CourseFactory(provider=college, site=college_site, academic_year="2015/16")
    return {"region": region, "near": near, "far": far, "school": school,
            "college": college, "college_site": college_site}


def test_areas_frame_has_cohort_and_region(county):
    """Each area carries its LCPA, its population estimate and its own EHCP year's figure."""
    areas = frames.areas_frame().set_index("area_code")
    assert areas.loc["E01000001", "region_slug"] == "canterbury"
    assert areas.loc["E01000002", "cohort_16_17"] == 60
    assert areas.loc["E01000001", "ehcp_16_17"] == 3
    assert math.isnan(areas.loc["E01000002", "ehcp_16_17"])
    assert areas.loc["E01000001", "cohort_year"] == "2022/23"
    assert areas.loc["E01000001", "ehcp_year"] == "2024/25"
    assert bool(areas.loc["E01000001", "cohort_is_estimate"])


def test_offers_frame_places_site_less_courses_at_the_main_site(county):
    """A course without a site is placed at its provider's main site; unknown learners are NaN."""
    offers = frames.offers_frame(["2016/17"]).set_index("title")
    assert offers.loc["Construction", "site_id"] == county["college_site"].id
    assert math.isnan(offers.loc["A Levels", "learners"])
    assert set(frames.offers_frame()["academic_year"]) == {"2015/16", "2016/17"}


def test_sites_frame_and_matrix_frame(county):
    """Sites carry their provider; imported journey times come back keyed by area code."""
    sites = frames.sites_frame().set_index("site_id")
    assert sites.loc[county["college_site"].id, "provider_kind"] == "fe_college"
    assert sites.loc[county["school"].id, "region_slug"] == "canterbury"
    TravelTime.objects.create(area=county["far"], site=county["school"], mode="pt",
                              minutes=25, source="test")
    matrix = frames.travel_matrix_frame("pt")
    assert list(matrix["area_code"]) == ["E01000002"]
    assert frames.travel_matrix_frame("car").empty


def test_compute_on_the_database(county):
    """The near area reaches the school; the far one (15.5 km) is 72 minutes away (estimate)."""
    results = compute(AnalysisParams(year="2016/17"))
    level3 = results.area_level[results.area_level["level"] == "3"].set_index("area_code")
    assert level3.loc["E01000001", "offers"] == 1
    assert level3.loc["E01000002", "nearest_minutes"] == pytest.approx(
        12 + 15_500 * 1.3 / (20_000 / 60))
    assert results.compare_year == "2015/16"
    assert results.travel_method == "estimate"


def test_data_version_changes_on_save_and_delete(county):
    """Saving or deleting a watched row, or a bulk-load bump, changes the data version."""
    first = data_version()
    county["school"].provider.name = "Renamed School"
    county["school"].provider.save()
    second = data_version()
    assert second != first
    county["college_site"].courses.first().delete()
    third = data_version()
    assert third != second
    bump_data_version()
    assert data_version() != third


def test_results_are_cached_until_the_data_changes(county, monkeypatch):
    """compute() reuses its result until a save changes the data version."""
    from coldspots import results as results_module

    calls = []
    real = results_module.compute_from_inputs
    monkeypatch.setattr(results_module, "compute_from_inputs",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    params = AnalysisParams(year="2016/17")
    first = compute(params)
    compute(params)
    assert len(calls) == 1
    TravelTime.objects.create(area=county["far"], site=county["school"], mode="pt",
                              minutes=5, source="test")
    again = compute(params)
    assert len(calls) == 2
    assert again.data_version != first.data_version
    assert again.travel_method == "mixed"
    far = again.area_level.query("area_code == 'E01000002' and level == '3'").iloc[0]
    assert far.nearest_minutes == 5


def test_guarantee_for_a_point(county):
    """A point by the school meets A Levels; Level 2 is listed with the college and its minutes."""
    result = guarantee_for_point(615_000, 157_800, AnalysisParams(year="2016/17"))
    by_name = {c["component"]: c for c in result["components"]}
    assert by_name["a_level"]["status"] == "met"
    assert by_name["a_level"]["options"][0]["site_id"] == county["school"].id
    level2 = by_name["level_2"]
    assert level2["options"][0]["provider_name"] == "East College"
    assert level2["nearest_minutes"] == pytest.approx(12 + 20_000 * 1.3 / (20_000 / 60))
    assert by_name["apprenticeship"]["status"] == "no_data"
    assert result["travel_method"] == "estimate" and result["year"] == "2016/17"
    # Level 2 (20.5 km at 12 + 78 min) is out of reach, so the verdict is "not met".
    assert (result["verdict"], result["meets"]) == ("not_met", False)


def test_scenario_on_the_database_writes_nothing(county):
    """A what-if closing the school takes A Levels from the near area and writes nothing."""
    from coldspots.results import run_scenario
    from coldspots.scenarios import CloseSite
    from providers.models import Course

    before = (data_version(), Course.objects.count())
    result = run_scenario(AnalysisParams(year="2016/17"), [CloseSite(county["school"].id)])
    near = result.scenario.guarantee_areas.set_index("area_code").loc["E01000001"]
    assert near["a_level"] == "not_met"  # the college's A Levels are 2015/16 only
    assert result.baseline.guarantee_areas.set_index("area_code").loc[
        "E01000001", "a_level"] == "met"
    assert (data_version(), Course.objects.count()) == before


def test_enrolments_frame_and_small_sixth_forms(county):
    """A recorded 16–18 headcount reaches the analysis and sizes the school's sixth form."""
    from providers.models import Enrolment

    Enrolment.objects.create(provider=county["school"].provider, academic_year="2016/17",
                             students_16_18=150, source="test")
    frame = frames.enrolments_frame()
    assert frame.to_dict("records") == [{"provider_id": county["school"].provider.id,
                                         "academic_year": "2016/17", "students_16_18": 150.0,
                                         "measure": ""}]
    small = compute(AnalysisParams(year="2016/17")).small_sixth_forms
    assert small.to_dict("records")[0]["size_source"] == "headcount"
    assert small.to_dict("records")[0]["learners"] == 150
