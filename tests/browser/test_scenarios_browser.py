"""The what-if page in Chromium: a scenario built from the page's own forms shows its results,
and the page (with a scenario, and with an error) passes axe-core's WCAG 2.2 AA rules."""

import json
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from areas.models import Postcode
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


def test_a_scenario_built_on_the_page_is_shown_and_accessible(offline_page, live_server,
                                                               kent_live):
    """Opening "Close a provider", choosing East College and adding the change leads to the
    scenario's address with the comparison; axe finds no violation there, at phone width too."""
    page = offline_page
    # The first request works the county out twice (baseline and scenario) on a busy machine.
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/reports/scenarios/?year=2016%2F17")
    page.get_by_text("Close a provider", exact=True).click()
    page.get_by_label("The provider").select_option(str(kent_live.providers[0].pk))
    page.locator("#add-close_provider").get_by_role("button", name="Add this change").click()
    expect(page.locator("#results")).to_have_text("Baseline against scenario", timeout=60_000)
    expect(page.locator("#area-changes-table")).to_contain_text("East Kent 000A")
    assert "changes=" in page.url
    assert_no_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_no_violations(page)
    # Nothing on the page is wider than the phone's screen (wide tables scroll in their box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_bad_scenario_page_is_accessible(page, live_server, kent_live):
    """The 400 page of a scenario naming an unknown site: its error summary and forms pass.
    (The plain page fixture: offline_page counts the document's own 400 as a console error.)"""
    query = urlencode({"year": "2016/17",
                       "changes": json.dumps([{"change": "close_site", "site_id": 999999}])})
    page.set_default_timeout(60_000)
    response = page.goto(f"{live_server.url}/reports/scenarios/?{query}")
    assert response.status == 400
    expect(page.locator(".govuk-error-summary")).to_contain_text("Change 1")
    assert_no_violations(page)


def test_a_journey_time_set_from_a_postcode_is_shown_and_accessible(offline_page, live_server,
                                                                     kent_live):
    """"Set a journey time" from a West Kent postcode to East College: the scenario lists the
    change by the area's and the site's names and West Kent 001A gains a Level 2 choice; the
    page passes axe at desktop and phone widths."""
    area = kent_live.areas[4]
    Postcode.objects.create(postcode="TN1 1AA", latitude=area.latitude,
                            longitude=area.longitude, easting=area.easting,
                            northing=area.northing, area=area)
    page = offline_page
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/reports/scenarios/?year=2016%2F17")
    page.get_by_text("Set a journey time", exact=True).click()
    form = page.locator("#add-set_journey_time")
    form.get_by_label("From (postcode or small area code)").fill("tn1 1aa")
    form.get_by_label("To the site").select_option(
        str(kent_live.providers[0].sites.get().pk))
    form.get_by_label("Journey time in minutes").fill("20")
    form.get_by_role("button", name="Add this change").click()
    expect(page.locator("#results")).to_have_text("Baseline against scenario", timeout=60_000)
    expect(page.locator(".app-scenario-changes")).to_contain_text(
        f"from the small area West Kent 001A ({area.code}) to East College")
    expect(page.locator("#area-changes-table")).to_contain_text("West Kent 001A")
    assert_no_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_no_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_journey_from_an_unknown_postcode_is_refused_accessibly(page, live_server,
                                                                  kent_live):
    """A postcode not in the data: 400, the message on the field (linked from the summary,
    the form open), and axe finds no violation."""
    page.set_default_timeout(60_000)
    query = urlencode({"year": "2016/17", "add": "set_journey_time",
                       "set_journey_time-place": "TN9 9ZZ",
                       "set_journey_time-site_id": str(kent_live.providers[0].sites.get().pk),
                       "set_journey_time-minutes": "20"})
    response = page.goto(f"{live_server.url}/reports/scenarios/?{query}")
    assert response.status == 400
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find TN9 9ZZ")
    expect(page.locator("#id_set_journey_time-place-error")).to_be_visible()
    assert_no_violations(page)
