"""factory_boy factories for the project's models: small, valid, Kent-shaped records."""

import factory

from areas.models import Area, CohortFigure, District, Region
from providers.models import Course, Level, Provider, Site


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LCPA{n:02d}")
    name = factory.Sequence(lambda n: f"Test LCPA {n}")
    slug = factory.Sequence(lambda n: f"test-lcpa-{n}")
    boundary_vintage = "LSOA 2011"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "E07000106"
    name = "Canterbury"
    la_code = "886"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"E0199{n:04d}")
    name = factory.Sequence(lambda n: f"Canterbury {n:03d}A")
    district = factory.SubFactory(DistrictFactory)
    region = factory.SubFactory(RegionFactory)
    # Canterbury city centre.
    latitude = 51.2802
    longitude = 1.0789
    easting = 615_000.0
    northing = 157_800.0


class CohortFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortFigure

    geography = CohortFigure.Geography.AREA
    area = factory.SubFactory(AreaFactory)
    academic_year = "2022/23"
    measure = CohortFigure.Measure.POPULATION_16_17
    value = 40.0
    source = "Test"
    is_estimate = True


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Test School {n}")
    kind = Provider.Kind.SCHOOL_SIXTH_FORM
    admissions_policy = Provider.AdmissionsPolicy.NON_SELECTIVE
    la_code = "886"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    provider = factory.SubFactory(ProviderFactory)
    name = factory.LazyAttribute(lambda site: site.provider.name)
    postcode = "CT1 1QU"
    latitude = 51.2802
    longitude = 1.0789
    easting = 615_000.0
    northing = 157_800.0
    area = factory.SubFactory(AreaFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    provider = factory.SubFactory(ProviderFactory)
    site = factory.SubFactory(SiteFactory, provider=factory.SelfAttribute("..provider"))
    academic_year = "2016/17"
    title = "A Levels"
    level = Level.THREE
    qualification_type = Course.QualificationType.A_LEVEL
    learners = 120
    # By default a record of a complete published source, as the loaded Kent data is (see
    # coldspots.params, "Data coverage"); a test of officers' own records sets its own source.
    source = factory.LazyAttribute(
        lambda course: f"DfE 16–18 performance tables {course.academic_year} (final), test")
    source_key = "ks5"
    source_year = factory.SelfAttribute("academic_year")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A provider's 16–18 headcount for one year (the DfE's TPUP1618)."""

    class Meta:
        model = "providers.Enrolment"  # by label: this file is only appended to
        django_get_or_create = ("provider", "academic_year")

    provider = factory.SubFactory(ProviderFactory)
    academic_year = "2016/17"
    students_16_18 = 250
    source = "Test"
