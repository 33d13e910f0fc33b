"""After an officer accepts a provider's offer round, the pages that show the year mark its
offers "confirmed by provider" with the day, per site and per table (map popups and site table,
LCPA sites and offers-by-level tables, their CSV and GeoJSON downloads), and every page that
shows the year says how much of its offer is confirmed (map, LCPA page, each board report's
parameters block, the scenarios page, the postcode check). A hostile provider name stays text."""

import csv
import io
import json
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from areas.models import Postcode
from offermap.presenters import LEVEL_LABELS, TYPE_LABELS
from offermap.reports import REMITS
from offerround import services
from providers.models import Course, RecordLabel
from tests.factories import CourseFactory
from tests.offerround.conftest import YEAR

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://x")<script>alert(1)</script>{{ 7*7 }}'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}"
NONE_CONFIRMED = ("No provider has confirmed its offer for {year} in the offer round: the offers "
                  "shown come from published or derived records.")


@pytest.fixture
def confirmed(round_world):
    """East College (renamed to a hostile name) confirmed its 2016/17 offers for 2017/18 and
    an officer accepted them; it and East School also have a published 2017/18 record each."""
    college, school = round_world.kent.providers[:2]
    college.name = HOSTILE
    college.save()
    submission = round_world.submission(0)
    for offer in submission.offers.all():
        services.answer(offer, "confirm")
    services.submit(submission, round_world.users["college"])
    services.accept(submission, round_world.users["officer"])
    for provider in (college, school):
        CourseFactory(provider=provider, site=provider.sites.first(), academic_year=YEAR,
                      level="3", qualification_type=Course.QualificationType.A_LEVEL,
                      title=f"Published A level at {provider.pk}")
    return round_world


def college_site(world):
    return world.kent.providers[0].sites.first()


def orm_confirmed(**filters):
    """Confirmed records of the round's year counted straight from the database."""
    return Course.objects.filter(academic_year=YEAR, record_label=RecordLabel.CONFIRMED,
                                 withdrawn=False, **filters)


def accepted_day():
    days = set(orm_confirmed().values_list("last_confirmed", flat=True))
    assert len(days) == 1 and None not in days
    day = days.pop()
    return f"{day.day} {day:%b %Y}", day.isoformat()


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:1500]
    return response.content.decode()


def read_csv(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def cell(text: str) -> str:
    """A table cell's confirmed line as the templates write it."""
    return f'<br><span class="govuk-body-s">{text}</span>'


def map_json(html: str) -> str:
    """Every JSON data block on the page, decoded (json_script escapes <, > and &)."""
    blocks = re.findall(r'<script id="[^"]*" type="application/json">(.*?)</script>', html,
                        re.S)
    assert blocks
    return json.dumps([json.loads(block) for block in blocks], ensure_ascii=False)


def share_note(html: str) -> str:
    match = re.search(r'<p class="govuk-body-s" id="confirmed-share">(.*?)</p>', html, re.S)
    assert match, "no confirmed-share note on the page"
    return match.group(1)


def expected_share(world) -> str:
    # 2016/17's three open providers are expected; East College has confirmed.
    return f"Confirmed by providers: 1 of 3 providers expected in {YEAR} (33%)"


def test_map_counts_confirmed_offers_per_site_in_table_popup_and_downloads(client, confirmed):
    """The map's site table and marker popups say how many of a site's offers are confirmed,
    with the day; providers.csv and the GeoJSON carry the count (the database's own count)
    and ISO days; the hostile name is escaped on the page and formula-safe in the CSV."""
    shown_day, iso_day = accepted_day()
    site = college_site(confirmed)
    count = orm_confirmed(site=site).count()
    assert count == 4  # the college's four 2016/17 offers, confirmed
    html = page(client, f"{reverse('offermap:map')}?year={YEAR}")
    assert share_note(html).startswith(expected_share(confirmed))
    # The site table's cell, and the marker's popup line in the map's JSON.
    assert cell(f"{count} confirmed by provider ({shown_day})") in html
    assert (f"{count + 1} offers in view (Level 1, Level 2, Level 3), "
            f"{count} confirmed by provider ({shown_day}).") in map_json(html)
    assert "<script>alert(1)" not in html and ESCAPED in html

    rows = {row["site_id"]: row for row in read_csv(
        client, f"{reverse('offermap:download_providers_csv')}?year={YEAR}")}
    college = rows[str(site.pk)]
    assert int(college["confirmed_offers"]) == count
    assert int(college["offers"]) == count + 1  # and the published record
    assert college["confirmed_first"] == college["confirmed_last"] == iso_day
    assert college["provider_name"] == "'" + HOSTILE
    school = rows[str(confirmed.kent.providers[1].sites.first().pk)]
    assert school["confirmed_offers"] == "0" and school["confirmed_last"] == ""

    geojson = json.loads(client.get(
        f"{reverse('offermap:download_geojson')}?year={YEAR}").content)
    sites = {f["properties"]["provider"]: f["properties"] for f in geojson["features"]
             if f["properties"]["feature_type"] == "site"}
    assert sites[HOSTILE]["confirmed_offers"] == count
    assert sites[HOSTILE]["confirmed_last"] == iso_day


def test_lcpa_page_counts_confirmed_offers_in_sites_and_offers_by_level(client, confirmed):
    """The LCPA page's sites table and offers-by-level table count confirmed offers (checked
    against plain ORM counts), and so do their CSV downloads."""
    shown_day, iso_day = accepted_day()
    url = reverse("offermap:lcpa", args=["east-kent"])
    html = page(client, f"{url}?year={YEAR}")
    assert share_note(html).startswith(expected_share(confirmed))
    site = college_site(confirmed)
    count = orm_confirmed(site=site).count()
    assert cell(f"{count} confirmed by provider ({shown_day})") in html  # the sites table
    assert "<script>alert(1)" not in html and ESCAPED in html

    download = reverse("offermap:lcpa_download_csv", args=["east-kent", "providers"])
    sites = {row["site_name"]: row for row in read_csv(client, f"{download}?year={YEAR}")}
    assert int(sites[site.name]["confirmed_offers"]) == count
    assert sites[site.name]["confirmed_first"] == iso_day
    assert sites[site.name]["provider_name"] == "'" + HOSTILE

    level_3_a_levels = orm_confirmed(level="3", qualification_type="a_level",
                                     site__area__region__slug="east-kent").count()
    assert level_3_a_levels == 1
    # Of the three Level 3 A level offers in East Kent (the college's confirmed one and the two
    # published ones), one is confirmed: the table's cell says so.
    assert cell(f"{level_3_a_levels} confirmed by provider ({shown_day})") in html
    download = reverse("offermap:lcpa_download_csv", args=["east-kent", "offers-by-type"])
    rows = read_csv(client, f"{download}?year={YEAR}")
    a_levels = {(row["level"], row["type"]): row for row in rows}[
        (LEVEL_LABELS["3"], TYPE_LABELS["a_level"])]
    assert int(a_levels["confirmed_offers"]) == level_3_a_levels
    assert int(a_levels[f"offers_{YEAR}"]) == 3
    assert a_levels["confirmed_last"] == iso_day
    assert sum(int(row["confirmed_offers"]) for row in rows) == orm_confirmed(
        site__area__region__slug="east-kent").count()


def test_lcpa_offers_table_counts_confirmed_offers_of_the_year_it_compares_with(client,
                                                                              confirmed):
    """Viewed for the year after the round, the offers table's earlier-year column (the
    round's year) still says which of its offers were confirmed by provider, on the page and
    in the CSV (checked against plain ORM counts)."""
    later = "2018/19"
    school = confirmed.kent.providers[1]
    CourseFactory(provider=school, site=school.sites.first(), academic_year=later, level="3",
                  qualification_type=Course.QualificationType.A_LEVEL, title="Later A level")
    shown_day, _ = accepted_day()
    expected = orm_confirmed(level="3", qualification_type="a_level",
                             site__area__region__slug="east-kent").count()
    assert expected == 1
    html = page(client, f"{reverse('offermap:lcpa', args=['east-kent'])}?year={later}")
    table = html.split('id="offers-by-type-table-caption"')[1].split("</table>")[0]
    assert f"compared with {YEAR}" in table
    assert cell(f"{expected} confirmed by provider ({shown_day})") in table
    download = reverse("offermap:lcpa_download_csv", args=["east-kent", "offers-by-type"])
    rows = read_csv(client, f"{download}?year={later}")
    a_levels = {(row["level"], row["type"]): row for row in rows}[
        (LEVEL_LABELS["3"], TYPE_LABELS["a_level"])]
    assert int(a_levels[f"confirmed_offers_{YEAR}"]) == expected
    assert int(a_levels[f"offers_{YEAR}"]) == 3
    assert int(a_levels["confirmed_offers"]) == 0  # nothing confirmed for 2018/19
    assert sum(int(row[f"confirmed_offers_{YEAR}"] or 0) for row in rows) == orm_confirmed(
        site__area__region__slug="east-kent").count()


@pytest.mark.parametrize("slug", sorted(REMITS))
def test_every_report_says_how_much_is_confirmed_in_its_parameters(client, confirmed, slug):
    """Each board report, for Kent and for an LCPA, says in its parameters block how many
    expected providers confirmed the year, and that none did for a year without a round."""
    for url in (reverse("offermap:report", args=[slug]),
                reverse("offermap:report_lcpa", args=[slug, "east-kent"])):
        for year, expected in ((YEAR, expected_share(confirmed)),
                               ("2016/17", NONE_CONFIRMED.format(year="2016/17"))):
            html = page(client, f"{url}?year={year}")
            block = html.split('id="parameters-heading"')[1].split("</section>")[0]
            assert expected in share_note(block), (url, year)


@pytest.mark.parametrize("slug", sorted(REMITS))
def test_every_report_csv_carries_how_many_providers_confirmed(client, confirmed, slug):
    """Every table a board report offers as CSV says, on each row, how many of the year's
    expected providers confirmed their offer, as the parameters block does: 1 of 3 for the
    round's year, 0 of 3 for the year before it (no round)."""
    for year, counts in ((YEAR, ("1", "3")), ("2016/17", ("0", "3"))):
        html = page(client, f"{reverse('offermap:report', args=[slug])}?year={year}")
        links = set(re.findall(r'href="([^"]*/download/[^"]*\.csv[^"]*)"', html))
        assert links, slug
        counted_rows = 0
        for link in links:
            response = client.get(link.replace("&amp;", "&"))
            header, *rows = csv.reader(io.StringIO(response.content.decode()))
            columns = (header.index("providers_confirmed_offer"),
                       header.index("providers_expected"))
            assert {tuple(row[i] for i in columns) for row in rows} <= {counts}, link
            counted_rows += len(rows)
        assert counted_rows, slug  # some table of each report has rows


def test_scenarios_page_says_how_much_is_confirmed(client, confirmed):
    """The scenarios page names the share for its year, with and without changes."""
    url = reverse("offermap:scenarios")
    assert share_note(page(client, f"{url}?year={YEAR}")).startswith(expected_share(confirmed))
    assert NONE_CONFIRMED.format(year="2016/17") in share_note(
        page(client, f"{url}?year=2016/17"))
    school = confirmed.kent.providers[1]
    changes = json.dumps([{"change": "close_provider", "provider_id": school.pk}])
    html = page(client, f"{url}?{urlencode({'year': YEAR, 'changes': changes})}")
    assert "Baseline against scenario" in html
    assert share_note(html).startswith(expected_share(confirmed))


def test_postcode_check_says_how_much_is_confirmed(client, confirmed):
    """The postcode check's result names the share for the year it checked."""
    area = confirmed.kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=area.latitude,
                            longitude=area.longitude, easting=area.easting,
                            northing=area.northing, area=area)
    url = reverse("offermap:guarantee")
    html = page(client, f"{url}?postcode=CT1+1QU&year={YEAR}")
    assert share_note(html).startswith(expected_share(confirmed))
    html = page(client, f"{url}?postcode=CT1+1QU&year=2016/17")
    assert NONE_CONFIRMED.format(year="2016/17") in share_note(html)


def test_map_and_lcpa_pages_without_a_round_say_records_are_published_or_derived(client,
                                                                                  confirmed):
    """In a year no round confirmed, the note says so and no cell says "confirmed by
    provider"."""
    for url in (reverse("offermap:map"), reverse("offermap:lcpa", args=["east-kent"])):
        html = page(client, f"{url}?year=2016/17")
        assert NONE_CONFIRMED.format(year="2016/17") in share_note(html)
        assert "confirmed by provider (" not in html


def test_provider_page_tags_confirmed_records_with_their_day(client, confirmed):
    """A confirmed record on the provider's page is tagged "Confirmed by provider" with the day
    it was accepted, never "Illustrative, not a fact"."""
    shown_day, _ = accepted_day()
    college = confirmed.kent.providers[0]
    html = page(client, reverse("offermap:provider", args=[college.urn]))
    tag = f'<strong class="govuk-tag govuk-tag--turquoise">Confirmed by provider, {shown_day}'
    assert html.count(tag) == orm_confirmed(provider=college).count() == 4
    assert "Illustrative, not a fact" not in html
    assert ESCAPED in html and "<script>alert(1)" not in html


def test_map_update_carries_its_years_note_and_confirmed_headline(client, confirmed):
    """An htmx update of the map's results (another year) brings that year's note with it, and
    the headline says how many of the offers in view are confirmed (the database's count)."""
    url = f"{reverse('offermap:map')}?year={YEAR}"
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert share_note(html).startswith(expected_share(confirmed))
    in_view = Course.objects.filter(academic_year=YEAR, withdrawn=False)
    assert f"offers in view, {orm_confirmed().count()} confirmed by provider" in html
    assert in_view.count() == orm_confirmed().count() + 2  # and the two published records
    older = client.get(f"{reverse('offermap:map')}?year=2016/17",
                       HTTP_HX_REQUEST="true").content.decode()
    assert NONE_CONFIRMED.format(year="2016/17") in share_note(older)
    assert "confirmed by provider (" not in older and "offers in view," not in older


def test_no_offer_confirmations_count_on_every_note(client, confirmed):
    """A provider that confirmed it runs nothing in the year counts as confirmed on the map,
    the LCPA page and the scenarios page alike (2 of 3, the same figure as the analysis')."""
    import datetime

    from providers.models import NoOfferConfirmation

    NoOfferConfirmation.objects.create(provider=confirmed.kent.providers[2], academic_year=YEAR,
                                       confirmed_on=datetime.date(2026, 12, 1))
    share = f"Confirmed by providers: 2 of 3 providers expected in {YEAR} (67%)"
    for url in (reverse("offermap:map"), reverse("offermap:lcpa", args=["east-kent"]),
                reverse("offermap:scenarios")):
        assert share_note(page(client, f"{url}?year={YEAR}")).startswith(share), url
