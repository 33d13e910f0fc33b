import pytest
from django.core.exceptions import ValidationError

from areas.models import Area, CohortFigure
from areas.validators import normalise_postcode, validate_academic_year, validate_postcode
from tests.factories import AreaFactory, CohortFigureFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["2016/17", "1999/00", "2023/24"])
def test_academic_year_accepts_consecutive_years(year):
    """A year written as start/next-two-digits passes."""
    validate_academic_year(year)


@pytest.mark.parametrize("year", ["2016/18", "2016-17", "16/17", "2016/2017", ""])
def test_academic_year_rejects_other_forms_with_an_example(year):
    """Any other form is rejected with a message that shows the expected form."""
    with pytest.raises(ValidationError, match="2016/17"):
        validate_academic_year(year)


def test_postcodes_are_normalised_and_checked():
    """Postcodes are upper-cased with one space; a malformed one gets a clear message."""
    assert normalise_postcode(" ct11qu ") == "CT1 1QU"
    assert normalise_postcode("me14 1xx") == "ME14 1XX"
    validate_postcode("tn23 1ab")
    with pytest.raises(ValidationError, match="full UK postcode"):
        validate_postcode("CT1")


def test_area_outside_kent_and_neighbours_is_rejected_per_field():
    """A centroid in Scotland is rejected on latitude and northing, naming the range."""
    area = AreaFactory.build(latitude=56.0, northing=700_000.0)
    with pytest.raises(ValidationError) as caught:
        area.clean()
    assert set(caught.value.message_dict) == {"latitude", "northing"}
    assert "outside Kent" in caught.value.message_dict["latitude"][0]


def test_imd_decile_must_be_one_to_ten():
    """A deprivation decile of 11 is refused."""
    area = AreaFactory.build(imd_decile=11)
    with pytest.raises(ValidationError, match="1 to 10"):
        area.clean()


def test_area_queryset_filters_kent_and_region():
    """in_kent() leaves out Medway; in_region() keeps one LCPA's areas."""
    region = RegionFactory()
    kent = AreaFactory(region=region)
    other = AreaFactory()
    from tests.factories import DistrictFactory

    medway = AreaFactory(
        district=DistrictFactory(code="E06000035", name="Medway", la_code="887"), region=None
    )
    assert set(Area.objects.in_kent()) == {kent, other}
    assert medway not in Area.objects.in_kent()
    assert list(Area.objects.in_region(region)) == [kent]


def test_cohort_figure_needs_its_geography_and_a_sensible_value():
    """An area figure without an area, a negative count or a share over 100 is refused."""
    figure = CohortFigure(
        geography=CohortFigure.Geography.AREA, academic_year="2022/23",
        measure=CohortFigure.Measure.POPULATION_16_17, value=-1, source="Test",
    )
    with pytest.raises(ValidationError) as caught:
        figure.clean()
    assert set(caught.value.message_dict) == {"area", "value"}
    share = CohortFigure(
        geography=CohortFigure.Geography.LA, la_code="886", academic_year="2022/23",
        measure=CohortFigure.Measure.NEET_SHARE, value=140, source="Test",
    )
    with pytest.raises(ValidationError, match="percentage"):
        share.clean()


def test_cohort_figure_labels_estimates():
    """The text of an estimated figure says it is an estimate."""
    figure = CohortFigureFactory(is_estimate=True, value=41.5)
    assert "estimate" in str(figure)
    assert CohortFigure.objects.for_areas().in_year("2022/23").count() == 1
