import pytest
from django.core.exceptions import ValidationError

from providers.models import Course, Level, Provider, RecordLabel
from tests.factories import AreaFactory, CourseFactory, ProviderFactory, RegionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_a_level_must_be_level_three():
    """An A Level recorded at Level 2 is refused with a message naming the allowed level."""
    course = CourseFactory.build(
        provider=ProviderFactory(), site=None, level=Level.TWO,
        qualification_type=Course.QualificationType.A_LEVEL,
    )
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert caught.value.message_dict["level"] == ["A Level is offered at Level 3, not Level 2."]


def test_supported_internship_requires_an_ehcp():
    """A supported internship without 'EHCP required' is refused."""
    course = CourseFactory.build(
        provider=ProviderFactory(), site=None, level=Level.ENTRY,
        qualification_type=Course.QualificationType.SUPPORTED_INTERNSHIP, ehcp_required=False,
    )
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "EHCP" in caught.value.message_dict["ehcp_required"][0]
    course.ehcp_required = True
    course.full_clean()


def test_negative_learners_and_bad_year_are_refused():
    """Learners below zero and a malformed academic year each get their own message."""
    course = CourseFactory.build(
        provider=ProviderFactory(), site=None, learners=-3, academic_year="2016-17",
    )
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "greater than or equal to 0" in caught.value.message_dict["learners"][0]
    assert "2016/17" in caught.value.message_dict["academic_year"][0]


def test_unknown_learners_stay_unknown():
    """Learners may be left empty: unknown is stored as NULL, not zero."""
    course = CourseFactory(learners=None)
    course.refresh_from_db()
    assert course.learners is None


def test_site_of_another_provider_is_refused():
    """A course cannot be placed at another provider's site."""
    course = CourseFactory.build(provider=ProviderFactory(), site=SiteFactory())
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "another provider" in caught.value.message_dict["site"][0]


def test_site_postcode_and_position_are_checked():
    """A malformed postcode and a point in the North Sea are each reported on their field."""
    site = SiteFactory.build(provider=ProviderFactory(), area=None, postcode="XYZ", longitude=3.2)
    with pytest.raises(ValidationError) as caught:
        site.full_clean()
    assert "postcode" in caught.value.message_dict
    assert "outside Kent" in caught.value.message_dict["longitude"][0]


def test_site_postcode_is_normalised_on_clean():
    """A lower-case postcode without a space is stored in its usual form."""
    site = SiteFactory.build(provider=ProviderFactory(), area=None, postcode="ct11qu")
    site.full_clean()
    assert site.postcode == "CT1 1QU"


def test_provider_needs_an_identifier():
    """A provider with neither URN nor UKPRN cannot be matched and is refused."""
    provider = Provider(name="No Id Training", kind=Provider.Kind.INDEPENDENT_TRAINING_PROVIDER)
    with pytest.raises(ValidationError, match="URN or a UKPRN"):
        provider.full_clean()


def test_course_queryset_methods_answer_common_questions():
    """at_level, in_year, in_region, of_type, active and published select the right offers."""
    east, west = RegionFactory(), RegionFactory()
    east_site = SiteFactory(area=AreaFactory(region=east))
    west_site = SiteFactory(area=AreaFactory(region=west))
    a_level = CourseFactory(provider=east_site.provider, site=east_site)
    btec = CourseFactory(
        provider=west_site.provider, site=west_site, level=Level.TWO, title="L2 vocational",
        qualification_type=Course.QualificationType.L2_VOCATIONAL, academic_year="2015/16",
    )
    withdrawn = CourseFactory(provider=east_site.provider, site=east_site, withdrawn=True)
    derived = CourseFactory(
        provider=west_site.provider, site=west_site, record_label=RecordLabel.DERIVED,
    )
    closed_provider = ProviderFactory(status=Provider.Status.CLOSED)
    closed = CourseFactory(provider=closed_provider)

    assert set(Course.objects.at_level(Level.TWO)) == {btec}
    assert set(Course.objects.in_year("2015/16")) == {btec}
    assert set(Course.objects.in_region(east)) == {a_level, withdrawn}
    assert set(Course.objects.of_type(Course.QualificationType.L2_VOCATIONAL)) == {btec}
    assert set(Course.objects.active()) == {a_level, btec, derived}
    assert closed not in Course.objects.active()
    assert derived not in Course.objects.published()
    assert set(Course.objects.at_level(Level.THREE).in_year("2016/17").in_region(east)) == {
        a_level, withdrawn,
    }


def test_entry_requirements_are_one_definition_for_records_and_submitted_offers():
    """A submitted offer takes its entry-requirement rules from the same model as a Course."""
    from offerround.models import SubmittedOffer
    from providers.models import EntryRequirements

    names = ["min_english_grade", "min_maths_grade", "min_gcse_passes", "ehcp_required"]
    for model in (Course, SubmittedOffer):
        assert issubclass(model, EntryRequirements)
        for name in names:
            shared = EntryRequirements._meta.get_field(name).deconstruct()[1:]
            assert model._meta.get_field(name).deconstruct()[1:] == shared
    course = CourseFactory.build(provider=ProviderFactory(), site=None, min_english_grade=10,
                                 min_gcse_passes=16)
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert {"min_english_grade", "min_gcse_passes"} <= set(caught.value.message_dict)
