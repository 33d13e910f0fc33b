"""Pages at a phone's width (375 px): wide tables scroll inside their wrapper, captions stay in
view."""

import pytest

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
