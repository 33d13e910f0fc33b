"""Findings of the page review: spreadsheet-safe downloads, 405 for other methods under CSRF,
derived records labelled wherever offers are counted or listed."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from providers.models import Course, RecordLabel
from tests.factories import CourseFactory, ProviderFactory, SiteFactory
from tests.offermap.conftest import make_provider

READ_ONLY = [
    ("map", []), ("about_data", []), ("accessibility", []), ("guarantee", []),
    ("download_lcpas_csv", []), ("download_providers_csv", []),
    ("download_cold_areas_csv", []), ("download_geojson", []),
]


def rows(client, name, query="year=2016/17"):
    response = client.get(reverse(f"offermap:{name}") + "?" + query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def add_derived_send_programme(kent):
    """A derived SEND post-16 programme at East School, in 2016/17."""
    school = kent.providers[1]
    CourseFactory(provider=school, site=school.sites.first(), academic_year="2016/17",
                  level="E", qualification_type=Course.QualificationType.SEND_POST16,
                  title="SEND post-16 programme", record_label=RecordLabel.DERIVED)
    return school


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"])
def test_provider_csv_cells_cannot_run_as_formulas(client, kent, formula):
    """A provider or site name that starts like a formula is written with a leading apostrophe."""
    make_provider(formula, kent.areas[2])
    found = [row for row in rows(client, "download_providers_csv")
             if row["provider_name"].endswith(formula)]
    assert len(found) == 1
    assert found[0]["provider_name"] == "'" + formula
    assert found[0]["site_name"].startswith("'")


def test_csv_numbers_are_left_as_numbers(client, kent):
    """Only text cells are guarded: numeric columns (even negative changes) stay numbers."""
    for row in rows(client, "download_lcpas_csv", "year=2016/17&level=3"):
        if row["change"]:
            float(row["change"])
        assert not row["region_name"].startswith("'")


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
@pytest.mark.parametrize(("name", "args"), READ_ONLY)
def test_read_only_views_answer_405_even_with_csrf_checks(kent, name, args, method):
    """With CSRF checks on (as in a real browser), other methods get 405, not the CSRF 403."""
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(reverse(f"offermap:{name}", args=args))
    assert response.status_code == 405


def test_lcpa_and_provider_pages_answer_405_to_put(kent):
    """The LCPA and provider pages also refuse PUT with 405 under CSRF checks."""
    client = Client(enforce_csrf_checks=True)
    urn = kent.providers[0].urn
    assert client.put(reverse("offermap:lcpa", args=["east-kent"])).status_code == 405
    assert client.put(reverse("offermap:provider", args=[urn])).status_code == 405


def test_map_table_and_downloads_count_derived_offers(client, kent):
    """The provider table and its downloads say how many of a site's offers are derived."""
    school = add_derived_send_programme(kent)
    html = client.get(reverse("offermap:map") + "?year=2016/17").content.decode()
    assert "1 derived" in html
    by_name = {row["provider_name"]: row for row in rows(client, "download_providers_csv")}
    assert by_name[school.name]["derived_offers"] == "1"
    assert by_name["East College"]["derived_offers"] == "0"
    response = client.get(reverse("offermap:download_geojson") + "?year=2016/17")
    sites = [f["properties"] for f in json.loads(response.content)["features"]
             if f["properties"]["feature_type"] == "site"]
    assert {s["provider"]: s["derived_offers"] for s in sites}[school.name] == 1


def test_lcpa_offers_by_type_label_derived_rows(client, kent):
    """The LCPA's offers-by-type table marks the SEND programme row as derived."""
    add_derived_send_programme(kent)
    html = client.get(reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    html = html.content.decode()
    send_row = html[html.index("SEND post-16 programme"):]
    send_row = send_row[:send_row.index("</tr>")]
    assert "all derived" in send_row


def test_provider_page_tags_derived_offers_beside_their_title(client, db):
    """A derived offer carries its Derived tag next to its title (visible on a phone too)."""
    provider = ProviderFactory()
    site = SiteFactory(provider=provider)
    CourseFactory(provider=provider, site=site, title="SEND post-16 programme",
                  record_label=RecordLabel.DERIVED)
    html = client.get(reverse("offermap:provider", args=[provider.urn])).content.decode()
    cell = html[html.index("SEND post-16 programme"):]
    cell = cell[:cell.index("</th>")]
    assert "Derived" in cell


def test_lcpa_type_not_collected_last_year_is_not_shown_as_growth(client, kent):
    """A type with no record anywhere in the earlier year shows 'No data recorded', not 0 and +1."""
    html = client.get(reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    table = html.content.decode().split('id="offers"')[1].split("</table>")[0]
    tech_row = table[table.index("Tech level"):]
    tech_row = tech_row[:tech_row.index("</tr>")]
    assert "No data recorded" in tech_row and "Not known" in tech_row
    assert "(more)" not in tech_row
    a_level_row = table[table.index("A Level"):]
    assert "+1 (more)" in a_level_row[:a_level_row.index("</tr>")]


def test_guarantee_result_gives_its_verdict_once(client, kent):
    """The heading gives the verdict; the page does not repeat it as a second lead sentence."""
    from areas.models import Postcode

    area = kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=area.latitude, longitude=area.longitude,
                            easting=area.easting, northing=area.northing, area=area)
    college = kent.providers[0]
    CourseFactory(provider=college, site=college.sites.first(), academic_year="2016/17",
                  level="2", qualification_type=Course.QualificationType.L2_VOCATIONAL,
                  title="Derived L2 programme", record_label=RecordLabel.DERIVED)
    html = client.get(reverse("offermap:guarantee") + "?postcode=CT1+1QU&year=2016/17")
    html = html.content.decode()
    assert "CT1 1QU: the guarantee cannot be confirmed" in html
    assert html.lower().count("the guarantee cannot be confirmed") == 1
    assert '<p class="govuk-body-l">' not in html  # no second lead sentence
    assert "Cannot be confirmed: T Levels" in html
    # The derived offer listed among the nearest options carries its label.
    cell = html[html.index("Derived L2 programme"):]
    assert "Derived</strong>" in cell[:cell.index("</td>")]


def test_about_page_counts_course_records_by_label_readably(client, kent):
    """Course records are counted as 'Label: N' (not '3 published fact')."""
    add_derived_send_programme(kent)
    html = client.get(reverse("offermap:about_data")).content.decode()
    assert "Derived from another fact: 1</li>" in html
    assert "published fact</li>" not in html


@pytest.mark.parametrize("name", ["download_lcpas_csv", "download_cold_areas_csv"])
def test_csv_downloads_say_which_travel_time_method_was_used(client, kent, name):
    """Each row of a travel-based CSV names how journey times were worked out."""
    found = rows(client, name, "year=2016/17&minutes=30")
    assert found, "the download has rows"
    assert all("straight-line" in row["travel_method"] for row in found)


@pytest.mark.parametrize("path", ["/lcpa/no-such-lcpa/", "/providers/999999999/",
                                  "/providers/99999999999999999999999/"])
def test_unknown_lcpa_or_provider_gets_the_service_404_page(client, kent, path):
    """An unknown slug or URN (even one too big for the database) gets the GOV.UK-styled 404."""
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_download_error_echoes_input_only_as_plain_text(client, kent):
    """A refused download names the bad value in text/plain with nosniff, so it cannot run."""
    response = client.get(reverse("offermap:download_providers_csv")
                          + "?level=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lcpa_sites_table_says_which_offers_are_derived(client, kent):
    """The LCPA's providers-and-sites table counts a site's derived offers."""
    add_derived_send_programme(kent)
    html = client.get(reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    table = html.content.decode().split('id="providers"')[1].split("</table>")[0]
    school_row = table[table.index("East School"):]
    assert "1 derived" in school_row[:school_row.index("</tr>")]


@pytest.mark.parametrize("page", ["¹", "²³", "٣"])
def test_unicode_digits_in_page_give_a_message_not_an_error(client, kent, page):
    """A page number in non-ASCII digits (which isdigit() accepts) gets a message, not a 500."""
    response = client.get(reverse("offermap:map"), {"page": page})
    assert response.status_code == 200
    assert "Enter a page number of 1 or more" in response.content.decode()
