"""The LCPA profile and the postcode guarantee check."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.models import CohortFigure, Postcode
from tests.factories import AreaFactory, CohortFigureFactory, DistrictFactory

GUARANTEE = reverse("offermap:guarantee")


def lcpa(client, slug, query=""):
    response = client.get(reverse("offermap:lcpa", args=[slug]) + query)
    return response, response.content.decode()


def test_lcpa_profile_shows_every_section(client, kent):
    """The profile has cold spots, offers by type, guarantee, providers, cohort and comparison."""
    response, html = lcpa(client, "east-kent", "?year=2016/17")
    assert response.status_code == 200
    for heading in ("Choice by level", "Small areas with no or reduced choice, and why",
                    "Offers by level and type",
                    "Young Person’s Guarantee", "Duplication with small numbers",
                    "Providers and sites", "Young people: cohort figures",
                    "Compared with the other LCPAs"):
        assert heading in html, heading
    assert "East College" in html and "West School" not in html.split('id="compare"')[0]
    assert "East Kent (this LCPA)" in html
    assert 'data-offer-map="lcpa-map-data"' in html and 'id="lcpa-map-data"' in html
    assert "Provisional" in html


def test_lcpa_profile_names_each_area_with_reduced_choice_and_why(client, kent):
    """Each small area with no or reduced choice is listed with its reason, and the rule with
    the values used is on the page."""
    _, html = lcpa(client, "east-kent", "?year=2016/17")
    section = html.split('id="cold-areas"')[1].split("</table>")[0]
    assert "Reduced choice: 1 open-access provider within 60 minutes; nearest: East College" in (
        section)
    assert "fewer than 3 open-access providers within 60 minutes" in html
    assert "Level 1: partial data" in html or "Level 1: no data recorded" in html


def test_lcpa_offers_by_type_show_change_since_previous_year(client, kent):
    """A Levels at East School were offered in both years, so the change is shown."""
    _, html = lcpa(client, "east-kent", "?year=2016/17")
    table = html.split('id="offers"')[1].split("</table>")[0]
    assert "2015/16" in table
    assert "+1 (more)" in table  # East College's A Level is new in 2016/17


def test_lcpa_cohort_figures_are_labelled_estimate_with_source(client, kent):
    """Cohort figures carry their source and an Estimate or Published label."""
    _, html = lcpa(client, "east-kent")
    cohort = html.split('id="cohort"')[1].split("</table>")[0]
    assert "Estimate" in cohort and "Test" in cohort
    assert "150" in cohort  # three areas of 50 added up
    assert "sum of 3 small areas" in cohort


def test_lcpa_published_region_figure_is_labelled_published(client, kent):
    """A figure published for the LCPA itself is shown as published, not added up."""
    CohortFigureFactory(geography=CohortFigure.Geography.REGION, area=None,
                        region=kent.regions[0], measure=CohortFigure.Measure.NEET_SHARE,
                        value=3.3, is_estimate=False, source="NCCIS")
    _, html = lcpa(client, "east-kent")
    cohort = html.split('id="cohort"')[1].split("</table>")[0]
    assert "NCCIS" in cohort and "Published" in cohort and "3%" in cohort


def test_unknown_lcpa_is_404(client, kent):
    """An LCPA slug that does not exist is 404, not an error."""
    response, _ = lcpa(client, "atlantis")
    assert response.status_code == 404


def test_lcpa_bad_parameters_give_a_message(client, kent):
    """A bad travel time on the profile is explained and the default used."""
    response, html = lcpa(client, "east-kent", "?minutes=abc&mode=rocket")
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Enter a number" in html


def test_lcpa_query_count_is_bounded(client, kent, django_assert_max_num_queries):
    """The profile runs a bounded number of queries (frames are cached on the data version)."""
    with django_assert_max_num_queries(25):
        lcpa(client, "east-kent", "?year=2016/17")


@pytest.fixture
def postcodes(kent):
    """A postcode in East Kent, one in Medway (outside Kent), and one with no small area."""
    east_area = kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=east_area.latitude,
                            longitude=east_area.longitude, easting=east_area.easting,
                            northing=east_area.northing, area=east_area)
    medway = DistrictFactory(code="E06000035", name="Medway", la_code="887")
    medway_area = AreaFactory(district=medway, region=None)
    Postcode.objects.create(postcode="ME4 5QS", latitude=51.38, longitude=0.52,
                            easting=575_000, northing=168_000, area=medway_area)
    Postcode.objects.create(postcode="TN1 1AA", latitude=51.13, longitude=0.26,
                            easting=558_000, northing=139_000, area=None)


def check(client, query):
    response = client.get(f"{GUARANTEE}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_guarantee_form_without_a_postcode_asks_for_one(client, db):
    """The empty page shows the form and no error."""
    html = check(client, "")
    assert 'name="postcode"' in html and "govuk-error-summary" not in html


def test_guarantee_for_a_kent_postcode_lists_each_component(client, postcodes):
    """A Kent postcode gets each part of the guarantee with its status and nearest options."""
    html = check(client, "postcode=ct11qu&year=2016/17")
    assert "CT1 1QU: the guarantee" in html
    assert "East Kent" in html
    for label in ("A Levels", "T Levels", "Apprenticeships", "A Level 2 course",
                  "A pathway at Level 1 or Entry"):
        assert label in html
    assert "Within reach" in html and "Cannot be confirmed" in html
    assert "East College" in html


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode."),
        ("XX", "Enter a full postcode"),
        ("CT1%00", "Enter a full postcode"),
        ("A" * 300, "Enter a full postcode"),
        ("SW1A+1AA", "We could not find SW1A 1AA"),
        ("ME4+5QS", "ME4 5QS is in Medway, outside Kent"),
        ("TN1+1AA", "TN1 1AA is outside Kent"),
    ],
)
def test_guarantee_bad_postcodes_get_a_clear_message(client, postcodes, postcode, message):
    """Malformed, unknown and outside-Kent postcodes get a message on the page, never a 500."""
    html = check(client, f"postcode={postcode}")
    assert "govuk-error-summary" in html
    assert message in html
    assert "the guarantee is" not in html
    assert "\x00" not in html


def test_guarantee_learner_profile_errors_are_shown_beside_the_field(client, postcodes):
    """A grade out of range is named at the top and beside its field."""
    html = check(client, "postcode=CT1+1QU&english=12")
    assert "Enter a GCSE grade from 1 to 9" in html
    assert html.count("Enter a GCSE grade from 1 to 9") == 2
    assert "<title>Error:" in html
    assert '<details class="govuk-details" open>' in html  # the field is visible to fix


def test_guarantee_refuses_post(client, db):
    """The postcode check is a GET form: POST is not allowed."""
    assert client.post(GUARANTEE).status_code == 405


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postcode=st.text(max_size=15),
       extra=st.dictionaries(st.sampled_from(["english", "maths", "ehcp", "minutes", "mode",
                                              "year"]),
                             st.text(max_size=6), max_size=4))
def test_no_postcode_or_profile_makes_a_server_error(client, postcodes, postcode, extra):
    """Whatever is typed, the postcode check answers 200 with a result or a message."""
    response = client.get(GUARANTEE, {"postcode": postcode, **extra})
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()


def test_lcpa_page_is_cached_and_follows_the_data(client, kent):
    """A repeat visit reads only the data version; a new site shows on the next visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.offermap.conftest import make_provider

    lcpa(client, "east-kent", "?year=2016/17")
    with CaptureQueriesContext(connection) as queries:
        lcpa(client, "east-kent", "?year=2016/17")
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert all("coldspots_dataversion" in sql or "COUNT(*)" in sql for sql in reads), reads
    make_provider("Brand New Sixth Form", kent.areas[2])
    _, html = lcpa(client, "east-kent", "?year=2016/17")
    assert "Brand New Sixth Form" in html


def test_guarantee_verdict_cannot_be_confirmed_when_parts_have_no_data(client, postcodes):
    """With no T Level or apprenticeship recorded the verdict is 'cannot be confirmed', not met."""
    html = check(client, "postcode=CT1+1QU&year=2016/17")
    assert "CT1 1QU: the guarantee cannot be confirmed" in html
    assert "the guarantee is met" not in html
    assert "Cannot be confirmed: T Levels, Apprenticeships" in html
    assert "no source records them completely for 2016/17" in html


def test_guarantee_form_shows_the_year_the_result_is_for(client, postcodes, kent):
    """The year select shows the year actually used, not simply the latest year held."""
    from providers.models import Course, RecordLabel
    from tests.factories import CourseFactory

    school = kent.providers[1]
    CourseFactory(provider=school, site=school.sites.first(), academic_year="2024/25",
                  level="E", qualification_type=Course.QualificationType.SEND_POST16,
                  record_label=RecordLabel.DERIVED)
    for query in ("", "postcode=CT1+1QU"):
        html = check(client, query)
        assert '<option value="2016/17" selected>' in html, query
        assert '<option value="2024/25" selected>' not in html
    html = check(client, "postcode=CT1+1QU&year=2015/16")
    assert '<option value="2015/16" selected>' in html
    assert "Offers in 2015/16" in html


def test_lcpa_guarantee_is_led_by_the_whole_guarantee(client, kent):
    """The profile shows met / not met / cannot be confirmed side by side, names the parts that
    cannot be confirmed and each part's vintage."""
    _, html = lcpa(client, "east-kent", "?year=2016/17")
    headline = html.split('class="app-headline"')[1].split("</dl>")[0]
    assert "<dt>Met</dt>" in headline and "<dt>Not met</dt>" in headline
    assert "<dt>Cannot be confirmed</dt>" in headline
    assert "Cannot be confirmed:</strong> T Levels, Apprenticeships" in html
    assert "DfE 16–18 performance tables 2016/17" in html.split('id="guarantee"')[1]
    assert "no complete source for 2016/17" in html.split('id="guarantee"')[1]


def test_a_postcode_sector_or_district_is_checked_from_the_centre_of_its_postcodes(
        client, postcodes, kent):
    """'CT1 1' and 'CT1' use the centroid of their postcodes; each level gets its verdict and
    reason, and the nearest options come as JSON for the small map."""
    east_area = kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QX", latitude=east_area.latitude + 0.01,
                            longitude=east_area.longitude, easting=east_area.easting + 2000,
                            northing=east_area.northing, area=east_area)
    for query, label in (("postcode=CT1+1&year=2016/17", "postcode sector CT1 1"),
                         ("postcode=ct1&year=2016/17", "postcode district CT1")):
        html = check(client, query)
        assert f"{label[0].upper()}{label[1:]}: the guarantee" in html
        assert "Measured from the centre of the 2 postcodes" in html
        table = html.split('id="choice-by-level"')[1].split("</table>")[0]
        assert "Level 2" in table and "open-access provider" in table
        assert "Partial data" in table  # Level 1 is not measured
        data = json.loads(html.split('id="nearest-options-data" type="application/json">')[1]
                          .split("</script>")[0])
        labels = next(layer for layer in data["layers"] if layer["kind"] == "labels")
        assert labels["labels"][0]["text"] == f"◆ {label}"
        providers = next(layer for layer in data["layers"] if layer["kind"] == "markers")
        assert any(marker["name"] == "East College" for marker in providers["markers"])


def test_an_unknown_or_outside_sector_gets_a_message(client, postcodes):
    """A sector with no postcode, or one mostly outside Kent's LCPAs, is refused with a reason."""
    assert "We could not find any postcode in ZZ9 9" in check(client, "postcode=ZZ9+9")
    assert "Most of postcode district ME4 is outside Kent" in check(client, "postcode=ME4")
