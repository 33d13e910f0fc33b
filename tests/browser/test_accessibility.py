"""Every page passes axe-core's WCAG 2.2 A and AA rules, and loads nothing from another host."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag",
                       "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_no_violations(page):
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def provider_urn(place):
    return place.providers[0].urn


PAGES = [
    "/?year=2016%2F17",
    "/?year=2016%2F17&level=3&cold_areas=1&measure=guarantee&lcpa=east-kent",
    "/?minutes=abc",
    "/lcpa/east-kent/?year=2016%2F17",
    "/guarantee/",
    "/guarantee/?postcode=CT1+1QU&year=2016%2F17",
    "/guarantee/?postcode=NOT+A+POSTCODE",
    "/guarantee/?postcode=CT1&year=2016%2F17",
    "/?year=2016%2F17&level=2&cold_areas=1&include=selective",
    "/about/data/",
    "/accessibility/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(offline_page, live_server, kent_live, path):
    """axe-core finds no WCAG 2.2 AA violation on the page."""
    offline_page.goto(live_server.url + path)
    offline_page.wait_for_load_state("load")
    assert_no_violations(offline_page)


def test_provider_page_has_no_axe_violations(offline_page, live_server, kent_live):
    """axe-core finds no WCAG 2.2 AA violation on a provider page."""
    offline_page.goto(f"{live_server.url}/providers/{provider_urn(kent_live)}/")
    assert_no_violations(offline_page)


def test_results_after_an_htmx_update_have_no_axe_violations(offline_page, live_server,
                                                              kent_live):
    """The swapped-in fragment is as accessible as the page it replaces."""
    offline_page.goto(live_server.url + "/?year=2016%2F17")
    offline_page.check("#filter-measure-change")
    expect(offline_page.locator("#results")).to_contain_text("Change in the number of offers")
    assert_no_violations(offline_page)


def test_every_request_goes_to_the_test_server(page, live_server, kent_live):
    """Across every page, the browser asks no host but the test server for anything."""
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in [*PAGES, f"/providers/{provider_urn(kent_live)}/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert hosts == {live_server.url.split("/")[2]}
