"""The committed Kent extract: it loads, loads again as a no-op, and the data hang together."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from areas.models import Area, CohortFigure, District, Postcode, Region
from kentdata.load import load_kent
from providers.models import Course, Enrolment, Provider, Site


@pytest.fixture(scope="module")
def kent(django_db_setup, django_db_blocker):
    """Load the real fixture once for this module, inside a transaction rolled back at the end,
    so that other test modules still start from an empty database."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_kent(settings.FIXTURES_DIR)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


pytestmark = pytest.mark.usefixtures("kent")


@pytest.mark.django_db
def test_the_first_load_creates_every_row_it_reports(kent):
    """The summary's 'new' counts are the rows now in the database."""
    assert kent.counts["districts"].created == District.objects.count() == 13
    assert kent.counts["small areas"].created == Area.objects.count()
    assert kent.counts["postcodes"].created == Postcode.objects.count() > 50_000
    assert kent.counts["courses"].created == Course.objects.count()
    assert kent.counts["enrolments"].created == Enrolment.objects.count() > 200


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_says_so():
    """A second load_kent finds every row unchanged and prints that nothing changed."""
    out = StringIO()
    call_command("load_kent", stdout=out)
    text = out.getvalue()
    assert "No changes" in text
    assert " 0 new, 0 updated" in text
    assert "1 new" not in text


@pytest.mark.django_db
def test_kent_has_902_lsoas_each_in_exactly_one_of_8_lcpas():
    """Every Kent LSOA has an LCPA; there are 8, provisional, and Medway's LSOAs have none."""
    assert Region.objects.count() == 8
    assert Area.objects.in_kent().count() == 902
    assert not Area.objects.in_kent().filter(region__isnull=True).exists()
    assert not Area.objects.exclude(district__la_code="886").filter(region__isnull=False).exists()
    assert Area.objects.filter(district__la_code="887").count() > 0
    assert set(Region.objects.values_list("provisional", flat=True)) == {True}
    sizes = dict(Region.objects.annotate(n=Count("areas")).values_list("name", "n"))
    assert sum(sizes.values()) == 902 and min(sizes.values()) > 0


@pytest.mark.django_db
def test_small_area_cohort_estimates_add_up_to_the_la_total():
    """Kent's LSOA 16–17 estimates sum to the published NCCIS cohort for the same year."""
    published = CohortFigure.objects.get(
        geography="la", la_code="886", measure="population_16_17", academic_year="2022/23"
    )
    assert published.value == 34192 and not published.is_estimate
    estimates = CohortFigure.objects.for_areas().filter(
        measure="population_16_17", academic_year="2022/23", area__district__la_code="886"
    )
    assert estimates.count() == 902
    assert not estimates.filter(is_estimate=False).exists()
    assert estimates.aggregate(total=Sum("value"))["total"] == pytest.approx(34192, abs=0.01)


@pytest.mark.django_db
def test_every_course_is_at_a_site_inside_a_known_area():
    """No course lacks a site; every course's site lies in a loaded LSOA, unless its provider
    stands outside Kent and Medway (cross-border supply, placed by its coordinates)."""
    assert Course.objects.exists()
    assert not Course.objects.filter(site__isnull=True).exists()
    outside = Course.objects.filter(site__area__isnull=True)
    assert outside.exists()  # neighbouring authorities' A Levels
    assert not outside.exclude(provider__out_of_county=True).exists()
    assert not Course.objects.exclude(site__provider=F("provider")).exists()


@pytest.mark.django_db
def test_no_kent_provider_is_without_coordinates():
    """Every provider sited in Kent has a main site with coordinates inside a Kent LSOA."""
    # Independent training providers are known by district only (apprenticeships): no site.
    kent_providers = Provider.objects.filter(out_of_county=False).exclude(kind="itp")
    assert kent_providers.count() > 100
    for provider in kent_providers:
        main = provider.sites.get(is_main=True)
        assert main.latitude and main.longitude
        assert main.area is not None and main.area.district.la_code == "886"


@pytest.mark.django_db
def test_courses_cover_every_performance_table_year_at_each_level():
    """Offers exist for every table year; Level 2 families only where the tables publish them;
    every derived record says how it was derived (SEND by type, a 2018/19 offer carried on, or a
    college's provision shared across its campuses)."""
    tables = Course.objects.filter(source_key="ks5")
    assert set(tables.values_list("academic_year", flat=True)) == {
        "2015/16", "2016/17", "2018/19", "2021/22", "2022/23", "2023/24"}
    assert tables.in_year("2016/17").at_level("2").exists()
    assert not tables.in_year("2015/16").at_level("2").exists()
    assert not Course.objects.filter(source_key="").exists()
    assert not Course.objects.filter(source_year="").exists()
    derived = Course.objects.filter(record_label="derived")
    assert derived.filter(qualification_type="send_post16").exists()
    assert not derived.exclude(source_key__in=["send_derived", "ks5_2018_19_se"]).exclude(
        granularity="provider").exists()


@pytest.mark.django_db
def test_every_loaded_row_passes_the_model_validation():
    """Loaded sites and areas pass full_clean (coordinates in range, valid postcodes)."""
    for site in Site.objects.select_related("provider"):
        site.full_clean()
    for area in Area.objects.all()[:200]:
        area.full_clean()
    for course in Course.objects.select_related("site")[:300]:
        course.full_clean()


@pytest.mark.django_db
def test_one_published_offer_per_institution_family_site_and_year():
    """The performance tables give at most one offer per provider, site, family and year."""
    duplicates = (
        Course.objects.published()
        .values("provider", "site", "academic_year", "qualification_type", "level", "subject")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()


@pytest.mark.django_db
def test_ehcp_estimates_add_up_to_the_published_caseload():
    """Kent's LSOA EHCP 16–17 estimates sum to the 2024/25 plans at ages 16 and 17."""
    published = CohortFigure.objects.get(
        geography="la", la_code="886", measure="ehcp_16_17", academic_year="2024/25"
    )
    assert published.value == 1397 + 1295
    total = CohortFigure.objects.for_areas().filter(
        measure="ehcp_16_17", academic_year="2024/25", area__district__la_code="886"
    ).aggregate(total=Sum("value"))["total"]
    assert total == pytest.approx(published.value, abs=0.01)


@pytest.mark.django_db
def test_postcodes_are_placed_and_linked_to_their_small_area():
    """A Canterbury postcode has WGS84 computed from its grid reference and its LSOA."""
    postcode = Postcode.objects.select_related("area__district").get(postcode="CT1 3AJ")
    assert postcode.area.district.name == "Canterbury"
    assert 51.25 < postcode.latitude < 51.30 and 1.05 < postcode.longitude < 1.12
    assert Postcode.objects.filter(area__isnull=True).count() < 5


@pytest.mark.django_db
def test_lcpa_outline_covers_its_small_areas():
    """Each LCPA's stored outline contains the centroid of every one of its LSOAs."""
    from shapely.geometry import Point, shape

    for region in Region.objects.all():
        outline = shape(region.boundary)
        centroids = region.areas.values_list("longitude", "latitude")
        inside = sum(outline.buffer(0.001).contains(Point(lon, lat)) for lon, lat in centroids)
        assert inside == len(centroids), region.name


@pytest.mark.django_db
def test_tonbridge_grammar_has_its_headcount_and_its_ib_offer():
    """URN 136417 (IB, no A Levels): 272 students aged 16–18 and 139 other-academic learners
    in 2016/17, as the DfE's 2016/17 tables publish (TPUP1618, TALLPUP_ACAD_1618)."""
    tgs = Provider.objects.get(urn=136417)
    assert tgs.enrolments.get(academic_year="2016/17").students_16_18 == 272
    other = tgs.courses.in_year("2016/17").of_type("other_academic").get()
    assert (other.level, other.learners) == ("3", 139)
    assert not tgs.courses.in_year("2016/17").of_type("a_level").exists()


@pytest.mark.django_db
def test_enrolments_cover_both_years_once_per_provider_and_pass_validation():
    """Enrolments exist for the table years with a headcount and the 2019/20 allocations, one
    per provider and year, each saying what it counts, all valid."""
    years = set(Enrolment.objects.values_list("academic_year", flat=True))
    assert years == {"2015/16", "2016/17", "2019/20", "2021/22", "2022/23", "2023/24"}
    assert set(Enrolment.objects.in_year("2019/20").values_list("measure", flat=True)) == {
        "16–19 funded students (ESFA allocation 2019/20)"}
    assert not Enrolment.objects.filter(measure="").exists()
    duplicates = (
        Enrolment.objects.values("provider", "academic_year").annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    for enrolment in Enrolment.objects.select_related("provider"):
        enrolment.full_clean()


TRACKED = [Region, District, Area, CohortFigure, Postcode, Provider, Site, Course, Enrolment]


@pytest.mark.django_db
@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model.__name__)
def test_every_loaded_record_has_a_starting_history_entry_by_the_loader(model):
    """Each loaded row has one '+' entry, by the named system user, saying why."""
    from areas.history import SYSTEM_USERNAME
    from kentdata.load import LOAD_REASON

    starts = model.history.filter(history_type="+")
    assert starts.values("id").distinct().count() == model.objects.count() > 0
    assert set(starts.values_list("history_user__username", flat=True)) == {SYSTEM_USERNAME}
    assert set(starts.values_list("history_change_reason", flat=True)) == {LOAD_REASON}


@pytest.mark.django_db
def test_a_reload_that_puts_back_a_published_value_shows_in_the_history():
    """An officer moves an area; load_kent --user puts it back; both changes are in its history."""
    from django.contrib.auth import get_user_model

    from areas.history import stamp
    from kentdata.load import LOAD_REASON

    officer = get_user_model().objects.create_user("officer.jones", password="x" * 14)
    admin = get_user_model().objects.create_user("data.admin", password="x" * 14)
    area = Area.objects.filter(region__isnull=False).order_by("code").first()
    published = area.region
    area.region = Region.objects.exclude(pk=published.pk).first()
    stamp(area, officer, "Moved after the LCPA review")
    area.save()
    call_command("load_kent", "--user", "data.admin", stdout=StringIO())
    area.refresh_from_db()
    assert area.region == published
    latest, edit = area.history.order_by("-history_id")[:2]
    assert (latest.history_type, latest.history_user, latest.history_change_reason,
            latest.region_id) == ("~", admin, LOAD_REASON, published.pk)
    assert (edit.history_user, edit.history_change_reason) == (officer,
                                                               "Moved after the LCPA review")
    assert latest.diff_against(edit).changed_fields == ["region"]


@pytest.mark.django_db
def test_load_kent_refuses_an_unknown_user():
    """--user names an existing account; a typo stops the load before anything is written."""
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("load_kent", "--user", "nobody", stdout=StringIO())
