"""The map page in a real browser: htmx updates, history, the Leaflet map, keyboard use."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

START = "/?year=2016%2F17"


def open_map(page, live_server, query=START):
    page.goto(live_server.url + query)
    expect(page.locator("#results .app-map__canvas")).to_be_visible()
    # A flag on window survives htmx swaps but not a page load: it tells the two apart.
    page.evaluate("window.__notReloaded = true")


def provider_table(page):
    return page.locator("#results table").nth(1)


def test_changing_a_filter_updates_map_and_table_without_reload(offline_page, live_server,
                                                                kent_live):
    """Ticking Level 2 swaps in new results and a new map, and puts the view in the URL."""
    page = offline_page
    open_map(page, live_server)
    # A mark on the map's element: the swapped-in map is a new element, without it.
    page.locator(".app-map__canvas").evaluate("element => { element.dataset.old = 'yes'; }")
    expect(provider_table(page)).to_contain_text("East School")

    page.check("#filter-level-2")

    expect(page).to_have_url(re.compile(r"level=2"))
    expect(provider_table(page)).not_to_contain_text("East School")
    expect(provider_table(page)).to_contain_text("East College")
    expect(page.locator(".app-map__canvas")).not_to_have_attribute("data-old", "yes")
    assert page.evaluate("window.__notReloaded") is True
    expect(page.locator("#results-status")).to_contain_text("Level 2")
    # The new map was drawn by the swapped-in script (so it ran with the page's nonce).
    expect(page.locator(".app-map__canvas .leaflet-interactive").first).to_be_attached()


def test_changing_the_year_updates_its_sources_and_subjects_in_the_form(offline_page, live_server,
                                                                       kent_live):
    """The year's sources and subject list sit in the form, beside the year: an htmx change
    updates them with the results, and focus stays on the field the user changed."""
    page = offline_page
    open_map(page, live_server)
    sources = page.locator("#year-sources")
    subject = page.locator("#filter-subject")
    expect(sources).to_contain_text("Sources for 2016/17")
    subject.focus()
    subject.select_option("Engineering")
    expect(page).to_have_url(re.compile(r"subject=Engineering"))
    expect(page.locator("#results-status")).to_contain_text("Results updated")
    # The subject list's options were replaced under the user's focus, not the list itself.
    expect(subject).to_be_focused()
    expect(subject).to_have_value("Engineering")

    page.focus("#filter-year")
    page.select_option("#filter-year", "2015/16")

    expect(page).to_have_url(re.compile(r"year=2015%2F16"))
    expect(page.locator("#results-heading")).to_contain_text("2015/16")
    expect(sources).to_contain_text("Sources for 2015/16")
    expect(sources).to_contain_text("DfE 16–18 performance tables · 2015/16")
    expect(sources).not_to_contain_text("2016/17")
    # Engineering is recorded in 2016/17 only: the list now says so.
    expect(subject.locator("option:checked")).to_have_text("Engineering (none recorded)")
    expect(page).to_have_title(re.compile(r"2015/16"))
    expect(page.locator("#filter-year")).to_be_focused()
    assert page.evaluate("window.__notReloaded") is True


def test_ticking_a_type_updates_its_chosen_count(offline_page, live_server, kent_live):
    """The folded qualification type list says how many are chosen after an htmx update."""
    page = offline_page
    open_map(page, live_server)
    summary = page.locator("#filter-type-chosen")
    expect(summary).to_have_text("Qualification type")
    summary.click()
    page.check("#filter-type-a_level")
    expect(page).to_have_url(re.compile(r"type=a_level"))
    expect(summary).to_have_text("Qualification type (1 chosen)")
    expect(page.locator("#filter-type-a_level")).to_be_focused()
    assert page.evaluate("window.__notReloaded") is True


def test_back_button_restores_the_previous_view(offline_page, live_server, kent_live):
    """After a filter change, Back returns to the earlier URL, filters, table and map."""
    page = offline_page
    open_map(page, live_server)
    page.check("#filter-level-2")
    expect(page).to_have_url(re.compile(r"level=2"))
    expect(provider_table(page)).not_to_contain_text("East School")

    page.go_back()

    expect(page).not_to_have_url(re.compile(r"level=2"))
    expect(page.locator("#filter-level-2")).not_to_be_checked()
    expect(provider_table(page)).to_contain_text("East School")
    expect(page.locator(".app-map__canvas .leaflet-interactive").first).to_be_attached()


def test_map_shows_provider_markers_and_lcpa_shapes(offline_page, live_server, kent_live):
    """The Leaflet map draws both LCPAs as shapes and the providers as markers or clusters."""
    page = offline_page
    open_map(page, live_server)
    shapes = page.locator(".app-map__canvas path.leaflet-interactive")
    expect(shapes).to_have_count(2)
    markers = page.locator(".app-map__canvas .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    names = page.locator(".app-map__canvas img.leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.alt)"
    )
    clusters = page.locator(".app-map__canvas .marker-cluster").count()
    assert clusters > 0 or {"East College", "East School", "West School"} <= set(names)


def test_marker_tooltip_shows_a_name_as_text(offline_page, live_server, kent_live):
    """A provider whose name looks like HTML is shown as that text in its marker's label."""
    from tests.offermap.conftest import make_provider

    # The only Level 2 offer in West Kent, so it is drawn as a single marker, not a cluster.
    make_provider("<b>Bold</b> Academy", kent_live.areas[4], offers=(("2", "l2_vocational"),))
    page = offline_page
    open_map(page, live_server, START + "&lcpa=west-kent&level=2")
    marker = page.locator(".app-map__canvas img.leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text("<b>Bold</b> Academy")
    alts = page.locator(".app-map__canvas img.leaflet-marker-icon").evaluate_all(
        "els => els.map(e => e.alt)"
    )
    assert "<b>Bold</b> Academy" in alts
    assert page.locator(".app-map__canvas b").count() == 0


def test_filters_work_with_the_keyboard_alone(offline_page, live_server, kent_live):
    """Tab reaches the filters, Space ticks a level and the arrow keys change the travel time."""
    page = offline_page
    open_map(page, live_server)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-level-3":
            break
    else:
        pytest.fail("Tab never reached the Level 3 filter")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"level=3"))

    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "minutes":
            break
    else:
        pytest.fail("Tab never reached the travel time")
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"minutes=75"))
    expect(page.locator("#results h2").first).to_contain_text("75 minutes")
    assert page.evaluate("window.__notReloaded") is True
    # Focus stays in the form, where the user was.
    assert page.evaluate("document.activeElement.name") == "minutes"


def test_sorting_and_paging_links_update_in_place(offline_page, live_server, kent_live):
    """Selecting a column heading sorts the table in place and the URL records it."""
    page = offline_page
    open_map(page, live_server)
    page.get_by_role("link", name=re.compile(r"^Offers")).click()
    expect(page).to_have_url(re.compile(r"sort=offers"))
    page.get_by_role("link", name=re.compile(r"^Offers")).click()
    expect(page).to_have_url(re.compile(r"sort=-offers"))
    first = provider_table(page).locator("tbody tr").first
    expect(first).to_contain_text("East College")
    assert page.evaluate("window.__notReloaded") is True
    # The form remembers the sort, so the next filter change keeps it.
    page.check("#filter-level-3")
    expect(page).to_have_url(re.compile(r"sort=-offers"))


def test_page_works_without_javascript(browser, live_server, kent_live):
    """With JavaScript off, the form submits as a normal GET and the page shows the results."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + START)
    page.check("#filter-level-2")
    page.get_by_role("button", name="Update the map").click()
    expect(page).to_have_url(re.compile(r"level=2"))
    expect(provider_table(page)).not_to_contain_text("East School")
    context.close()
