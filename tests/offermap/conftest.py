"""A small Kent-shaped database for the page tests: two LCPAs, six small areas, providers."""

from dataclasses import dataclass

import pytest

from areas.models import CohortFigure
from providers.models import Course, Provider
from tests.factories import (
    AreaFactory,
    CohortFigureFactory,
    CourseFactory,
    ProviderFactory,
    RegionFactory,
    SiteFactory,
)


def square(lon: float, lat: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                         [lon, lat + size], [lon, lat]]],
    }


@dataclass
class Place:
    regions: list
    areas: list
    providers: list


def make_area(region, index: int, lon: float, lat: float):
    area = AreaFactory(
        region=region,
        name=f"{region.name} 00{index}A",
        longitude=lon,
        latitude=lat,
        # About 70 km per degree of longitude and 111 km per degree of latitude in Kent.
        easting=600_000 + (lon - 0.8) * 70_000,
        northing=150_000 + (lat - 51.2) * 111_000,
        boundary=square(lon - 0.01, lat - 0.01, 0.02),
    )
    CohortFigureFactory(
        area=area, measure=CohortFigure.Measure.POPULATION_16_17, value=50.0,
        academic_year="2022/23",
    )
    return area


def make_provider(name, area, *, kind=Provider.Kind.SCHOOL_SIXTH_FORM, offers=(("3", "a_level"),),
                  year="2016/17"):
    provider = ProviderFactory(name=name, kind=kind)
    site = SiteFactory(
        provider=provider, area=area, latitude=area.latitude, longitude=area.longitude,
        easting=area.easting, northing=area.northing,
    )
    for level, qualification_type in offers:
        CourseFactory(
            provider=provider, site=site, academic_year=year, level=level,
            qualification_type=qualification_type, title=f"{qualification_type} at {name}",
            subject="Engineering" if qualification_type == "tech_level" else "",
        )
    return provider


def build_kent() -> Place:
    """East Kent (three areas with a college and a school) and West Kent (three areas, far away,
    with one school): enough for cold spots, tables, downloads and the map."""
    east = RegionFactory(code="E1", name="East Kent", slug="east-kent",
                         boundary=square(1.0, 51.1, 0.2))
    west = RegionFactory(code="W1", name="West Kent", slug="west-kent",
                         boundary=square(0.2, 51.1, 0.2))
    east_areas = [make_area(east, i, 1.05 + 0.05 * i, 51.15 + 0.03 * i) for i in range(3)]
    west_areas = [make_area(west, i, 0.25 + 0.05 * i, 51.15 + 0.03 * i) for i in range(3)]
    providers = [
        make_provider("East College", east_areas[0], kind=Provider.Kind.FE_COLLEGE,
                      offers=(("3", "tech_level"), ("2", "l2_vocational"),
                              ("1", "study_programme_l1_entry"), ("3", "a_level"))),
        make_provider("East School", east_areas[1], offers=(("3", "a_level"),)),
        make_provider("West School", west_areas[0], offers=(("3", "a_level"),)),
    ]
    # An earlier year, so that the change since the previous year has something to compare.
    CourseFactory(provider=providers[1], site=providers[1].sites.first(), academic_year="2015/16",
                  level="3", qualification_type=Course.QualificationType.A_LEVEL)
    return Place(regions=[east, west], areas=east_areas + west_areas, providers=providers)


@pytest.fixture
def kent(db):
    """The small Kent-shaped database (see build_kent)."""
    return build_kent()
