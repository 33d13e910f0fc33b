"""Pages at a phone's width (375 px): wide tables scroll inside their wrapper, captions stay in
view."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/?year=2016%2F17", "/lcpa/east-kent/?year=2016%2F17"])
def test_table_captions_stay_in_view_on_a_phone(offline_page, live_server, kent_live, path):
    """Each table's caption fits the screen, and the page itself does not scroll sideways."""
    page = offline_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + path)
    edges = page.evaluate(
        "[...document.querySelectorAll('.app-table-wrapper caption')]"
        ".map(c => c.getBoundingClientRect().right)"
    )
    assert edges, "the page has tables"
    assert max(edges) <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_markers_popup_opens_clear_of_the_map_controls_on_a_phone(offline_page, live_server,
                                                                    kent_live):
    """On a phone the layer list is folded into its button, and a popup opened near the top
    of the map is panned below the controls (drawn above popups) and fits the map's width;
    axe finds nothing wrong with the popup open."""
    page = offline_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/?year=2016%2F17&lcpa=west-kent")
    marker = page.locator(".app-map__canvas img.leaflet-marker-icon")
    expect(marker).to_have_count(1)
    expect(page.locator(".leaflet-control-layers-toggle")).to_be_visible()
    expect(page.locator(".leaflet-control-layers-expanded")).to_have_count(0)
    # The marker just below the controls' height: its popup, above it, would open under them.
    page.evaluate("""() => {
        const map = document.getElementById("offer-map").leafletMap;
        const marker = document.querySelector(".app-map__canvas img.leaflet-marker-icon");
        const bottom = marker.getBoundingClientRect().bottom
            - map.getContainer().getBoundingClientRect().top;
        map.panBy([0, bottom - 90], {animate: false});
    }""")
    marker.evaluate("element => element.click()")
    expect(page.locator(".leaflet-popup")).to_be_visible()
    page.wait_for_timeout(300)  # Leaflet's pan into view
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    canvas = page.locator(".app-map__canvas").bounding_box()
    assert canvas["x"] <= popup["x"]
    assert popup["x"] + popup["width"] <= canvas["x"] + canvas["width"]
    for control in page.locator(".leaflet-top .leaflet-control").all():
        box = control.bounding_box()
        assert box["y"] + box["height"] <= popup["y"], "a control covers the popup"
    expect(page.locator(".leaflet-popup a.app-map-popup__title")).to_have_text("West School")
    assert_no_violations(page)
