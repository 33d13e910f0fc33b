"""The board reports in Chromium: axe finds nothing on the index and the reports, they fit a
phone, and printed to PDF they make a board pack that holds the report's figures and none of
its form controls."""

import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe

from offermap.reports import REMITS
from providers.models import Course

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag",
                       "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
PAGES = ["/reports/", "/reports/level-3/", "/reports/level-3/east-kent/?minutes=45"]
# Every remit's report, Kent-wide and for one LCPA.
REPORTS = [f"/reports/{slug}/{lcpa}?year=2016/17" for slug in sorted(REMITS)
           for lcpa in ("", "east-kent/")]


def assert_no_violations(page):
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", PAGES + REPORTS[2:])
def test_report_pages_have_no_axe_violations(offline_page, live_server, kent_live, path):
    """axe-core finds no WCAG 2.2 AA violation on the index, a report and its error page."""
    offline_page.goto(live_server.url + path)
    offline_page.wait_for_load_state("load")
    assert_no_violations(offline_page)


def test_report_error_page_has_no_axe_violations(page, live_server, kent_live):
    """The 400 page for a travel time not on the list (its status is logged by the browser as
    an error, so this uses the plain page) has the error summary and no violation."""
    response = page.goto(live_server.url + "/reports/level-3/?minutes=61")
    assert response.status == 400
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_violations(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_report_does_not_scroll_sideways(offline_page, live_server, kent_live, width, tmp_path):
    """At 375 and 1280 px the page itself never scrolls sideways (wide tables scroll inside
    their wrapper)."""
    offline_page.set_viewport_size({"width": width, "height": 900})
    offline_page.goto(live_server.url + "/reports/level-3/")
    offline_page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
    overflow = offline_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def pdf_text(page, url, path) -> str:
    page.goto(url)
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True)
    # A fixed program (poppler-utils) on a file this test wrote.
    return subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"],  # noqa: S603
                          check=True, capture_output=True, text=True).stdout


def test_printed_report_holds_its_figures_and_no_form_controls(offline_page, live_server,
                                                               kent_live, tmp_path):
    """The PDF of the Kent-wide Level 3 report has its title, parameters, tables' figures and
    page numbers, and none of the form's labels, buttons, navigation or skip link."""
    Course.objects.filter(provider__name="East School", academic_year="2016/17").update(
        learners=3)
    text = pdf_text(offline_page, live_server.url + "/reports/level-3/?minutes=45",
                    tmp_path / "report.pdf")
    flat = " ".join(text.split())
    for expected in ("Level 3: Kent, by LCPA", "About these figures",
                     "45 minutes by public transport", "Choice at Level 3", "East Kent",
                     "West Kent", "Small sixth forms and duplicated small offers",
                     "Non-selective schools with a narrow Level 3 offer", "Page 1 of"):
        assert expected in flat, expected
    # The small sixth form's 3 students are "c", never 3, in print too.
    line = next(row for row in text.splitlines() if "East School" in row and " c " in f"{row} ")
    assert " 3 " not in f" {line.split('East School')[1]} "
    for absent in ("Academic year 2016/17 2015/16", "Travel time 30 minutes", "Show the report",
                   "Travelling by", "Skip to main content", "Check a postcode",
                   "Download this table", "Sign in"):
        assert absent not in flat, absent


def test_printed_lcpa_report_keeps_its_figures(offline_page, live_server, kent_live, tmp_path):
    """The LCPA report prints its LCPA's figures and the sources, without the form."""
    text = pdf_text(offline_page, live_server.url + "/reports/level-3/east-kent/",
                    tmp_path / "east.pdf")
    flat = " ".join(text.split())
    assert "Level 3: East Kent" in flat
    assert "Get Information About Schools" in flat  # the sources print open
    assert "Show the report" not in flat and "Travelling by" not in flat


# Each report table's scroll box: is it a region named by the table's caption, can it take
# the focus, is the table wider than the box. Then: how far the last column's right edge is
# beyond the box's (0 or less: in view), before and after a keyboard user scrolls it.
SCROLL_BOXES = """() => [...document.querySelectorAll('.app-table-wrapper')].map(box => {
  const table = box.querySelector('table');
  const caption = table.querySelector('caption');
  return {id: caption.id, named: box.getAttribute('role') === 'region'
            && box.getAttribute('aria-labelledby') === caption.id && caption.id !== '',
          focusable: box.tabIndex === 0, wide: table.scrollWidth > box.clientWidth + 1};
})"""
LAST_COLUMN_BEYOND = """id => {
  const box = document.getElementById(id).closest('.app-table-wrapper');
  const cells = box.querySelectorAll('thead th');
  return cells[cells.length - 1].getBoundingClientRect().right
    - box.getBoundingClientRect().right;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_every_report_table_can_be_scrolled_to_its_last_column_by_keyboard(
        offline_page, live_server, kent_live, width):
    """At 375 and 1280 px every report table (charts' tables too) is in a focusable scroll box
    named by its caption; a table wider than its box (the Level 2 choice table is, at 1280 px)
    shows its last column after focus and the arrow keys, and the page never scrolls sideways."""
    offline_page.set_viewport_size({"width": width, "height": 900})
    wide = []
    for path in REPORTS:
        offline_page.goto(live_server.url + path)
        offline_page.wait_for_load_state("load")
        assert offline_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        # The charts' tables are in closed details: open them, as a reader would.
        offline_page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        for box in offline_page.evaluate(SCROLL_BOXES):
            assert box["named"] and box["focusable"], (path, box)
            if not box["wide"]:
                continue
            wide.append((path, box["id"]))
            assert offline_page.evaluate(LAST_COLUMN_BEYOND, box["id"]) > 0, (path, box)
            offline_page.focus(f'.app-table-wrapper[aria-labelledby="{box["id"]}"]')
            # Arrow keys scroll a focused box sideways (smoothly: give each a moment).
            for _ in range(60):
                if offline_page.evaluate(LAST_COLUMN_BEYOND, box["id"]) <= 1:
                    break
                offline_page.keyboard.press("ArrowRight")
                offline_page.wait_for_timeout(60)
            assert offline_page.evaluate(LAST_COLUMN_BEYOND, box["id"]) <= 1, (path, box)
    assert any("level-2" in path and "level2-choice" in key for path, key in wide), wide
