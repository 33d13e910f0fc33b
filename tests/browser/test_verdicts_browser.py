"""Verdicts explain themselves in the browser: tooltips give the count, the nearest provider and
the state; the legend's swatches are the colours the map draws."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _hex(colour: str) -> str:
    """'rgb(253, 190, 133)' or '#FDBE85' -> '#fdbe85'."""
    found = re.findall(r"\d+", colour) if colour.startswith("rgb") else None
    if found:
        return "#" + "".join(f"{int(part):02x}" for part in found[:3])
    return colour.lower()


# Every shape on the map, hovered in turn (a mouseover on the shape itself, so a marker or
# another shape on top cannot take the pointer): the tooltip text each one opens.
TOOLTIPS = """() => [...document.querySelectorAll('.app-map__canvas path.leaflet-interactive')]
  .map(p => {
  const r = p.getBoundingClientRect();
  const at = {bubbles: true, clientX: r.x + r.width / 2, clientY: r.y + r.height / 2};
  p.dispatchEvent(new MouseEvent('mouseover', at));
  const text = [...document.querySelectorAll('.leaflet-tooltip')].map(e => e.textContent)
    .join(' | ');
  p.dispatchEvent(new MouseEvent('mouseout', at));
  return text.replace(/\\s+/g, ' ');
})"""


def tooltips(page) -> list[str]:
    expect(page.locator(".app-map__canvas path.leaflet-interactive").first).to_be_attached()
    return page.evaluate(TOOLTIPS)


def test_small_area_tooltip_names_count_nearest_and_state(offline_page, live_server, kent_live):
    """Hovering a small area drawn for Level 2 says how many open-access providers are within
    the travel time, the nearest one and its minutes, and the state."""
    page = offline_page
    page.goto(live_server.url + "/?year=2016%2F17&level=2&cold_areas=1")
    pattern = re.compile(r"(No|Reduced) choice: \d+ open-access providers? within 60 minutes; "
                         r"nearest: East College, \d+ minutes")
    texts = tooltips(page)
    assert any(pattern.search(text) for text in texts), texts


def test_lcpa_tooltip_gives_the_shares_and_the_rule(offline_page, live_server, kent_live):
    """Hovering an LCPA gives its no/reduced choice shares, providers within reach and the rule."""
    page = offline_page
    page.goto(live_server.url + "/?year=2016%2F17&level=2")
    texts = [text for text in tooltips(page) if "LCPA" in text]
    assert len(texts) == 2, texts  # East Kent and West Kent
    for text in texts:
        assert "Level 2:" in text and "reduced choice; on average" in text
        assert "open-access providers within 60 minutes" in text
        assert "fewer than 3 or nearest over 30 minutes" in text


def test_legend_swatches_are_the_colours_the_map_draws(offline_page, live_server, kent_live):
    """Every fill on the map has a legend swatch of the same computed colour, and the legend
    states the rule with its values."""
    page = offline_page
    page.goto(live_server.url + "/?year=2016%2F17&level=2")
    expect(page.locator(".app-map__canvas path.leaflet-interactive").first).to_be_attached()
    fills = {_hex(fill) for fill in page.locator(
        ".app-map__canvas path.leaflet-interactive").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fill)")}
    swatches = {_hex(colour) for colour in page.locator(".app-legend__swatch").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")}
    assert fills and fills <= swatches, (fills, swatches)
    expect(page.locator("#legend-rule")).to_contain_text(
        "fewer than 3 open-access providers within 60 minutes")


def test_phone_layout_shows_the_map_in_the_first_screen(offline_page, live_server, kent_live):
    """At 375 × 667 the filters fold into one line and the map starts within the first screen."""
    page = offline_page
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(live_server.url + "/?year=2016%2F17")
    expect(page.locator(".app-map__canvas path.leaflet-interactive").first).to_be_attached()
    assert page.evaluate("document.getElementById('filters-details').open") is False
    top = page.evaluate("document.querySelector('.app-map').getBoundingClientRect().top")
    assert top < 667 - 150, top  # at least 150 px of map in the first screen
    page.locator(".app-filters__summary").click()
    expect(page.locator("#filter-level-2")).to_be_visible()


def test_lcpa_and_district_names_are_drawn_on_the_map(offline_page, live_server, kent_live):
    """Each LCPA's name (and the districts') is written on the map as text."""
    page = offline_page
    page.goto(live_server.url + "/?year=2016%2F17")
    labels = page.locator(".app-map-label__text")
    expect(labels.first).to_be_attached()
    texts = set(labels.all_text_contents())
    assert {"East Kent", "West Kent"} <= texts, texts


def test_postcode_check_draws_a_small_map_of_the_nearest_options(offline_page, live_server,
                                                                  kent_live):
    """The postcode result has a map with the place checked and markers for the options."""
    page = offline_page
    page.goto(live_server.url + "/guarantee/?postcode=CT1+1QU&year=2016%2F17")
    expect(page.locator("#nearest-options img.leaflet-marker-icon").first).to_be_attached()
    expect(page.locator("#nearest-options .app-map-label__text")).to_have_text("◆ CT1 1QU")
