"""The LCPA page with its charts in a real browser: axe clean with the charts' tables open,
and in print every chart's table is shown without its toggle."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

LCPA_PAGE = "/lcpa/east-kent/?year=2016%2F17"
CHARTS = ("minutes", "change", "guarantee-by-lcpa")


def test_lcpa_page_charts_are_named_images_and_axe_clean(offline_page, live_server, kent_live):
    """Each chart is an image named by its title and description; with every chart's table
    opened, axe-core finds no WCAG 2.2 AA violation."""
    offline_page.goto(live_server.url + LCPA_PAGE)
    for key in CHARTS:
        figure = offline_page.locator(f"#chart-{key}")
        image = figure.get_by_role("img")
        expect(image).to_have_count(1)
        assert image.get_attribute("aria-labelledby") == (
            f"chart-{key}-title chart-{key}-desc")
        figure.locator("summary").click()
        expect(figure.locator("table")).to_be_visible()
    assert_no_violations(offline_page)


def test_printed_lcpa_page_shows_every_charts_table(offline_page, live_server, kent_live):
    """In print the closed <details> of each chart shows its table, and its toggle is hidden."""
    offline_page.goto(live_server.url + LCPA_PAGE)
    offline_page.emulate_media(media="print")
    for key in CHARTS:
        figure = offline_page.locator(f"#chart-{key}")
        expect(figure.locator("table")).to_be_visible()
        expect(figure.locator("summary")).to_be_hidden()
        expect(figure.locator("svg.app-chart__svg")).to_be_visible()
