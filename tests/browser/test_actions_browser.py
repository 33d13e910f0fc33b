"""Board actions in a real browser: an LCPA lead records one with the keyboard alone, from the
LCPA page's panel; the action pages pass axe at desktop and phone widths; the map marks it."""

import os
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from accounts.roles import LEAD, sync_role_groups
from coldspots.models import BoardAction
from tests.accounts.conftest import PASSWORD, make_user
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

# Where the screenshots go (look at them); a temporary folder unless set.
SHOTS = os.environ.get("ACTION_SCREENSHOTS", "")


@pytest.fixture
def lead(kent_live):
    # A transactional test's flush removes the role groups the migration made: put them back.
    sync_role_groups(django_apps)
    east = kent_live.regions[0]
    user = make_user("lead", role=LEAD, staff=True, region=east)
    BoardAction.objects.create(remit="send", region=east, area=kent_live.areas[0],
                               action="Find a supported internship place", owner="SEND team",
                               note="<b>No</b> place within reach", status="planned")
    return user


def sign_in(page, base, next_path):
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shot(page, name, tmp_path):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_lead_records_an_action_with_the_keyboard(offline_page, live_server, lead, tmp_path):
    """From the LCPA page's panel to the saved action using only keys: Enter on the link, type
    into each field, Enter on the button; a missing 'what' first shows the error summary, which
    takes focus."""
    page = offline_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "/lcpa/east-kent/?year=2016%2F17")
    panel = page.locator("#board-actions")
    expect(panel).to_contain_text("Find a supported internship place")
    panel.get_by_role("button", name="Record an action").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a board action")).to_be_visible()
    # The panel's link filled in the LCPA; the lead chooses a remit by typing its name.
    expect(page.get_by_label("LCPA")).to_have_value(str(lead.profile.region_id))
    page.get_by_label("Remit").focus()
    page.keyboard.type("Level 3")
    expect(page.get_by_label("Remit")).to_have_value("level_3")
    page.get_by_role("button", name="Record the action").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what the board will do")
    expect(summary).to_be_focused()
    assert_no_violations(page)
    page.get_by_label("What the board will do").focus()
    page.keyboard.type("Ask two schools to share a Level 3 offer")
    page.get_by_label("Owner").focus()
    page.keyboard.type("East Kent LCPA")
    for box, value in (("Day", "15"), ("Month", "7"), ("Year", "2027")):
        page.get_by_label(box, exact=True).focus()
        page.keyboard.type(value)
    page.get_by_label("Status").focus()
    page.keyboard.type("Action planned")
    page.get_by_role("button", name="Record the action").focus()
    page.keyboard.press("Enter")
    # Back on the LCPA page it came from, with the new action in the panel.
    expect(page).to_have_url(re.compile(r"/lcpa/east-kent/\?year=2016(%2F|/)17#board-actions$"))
    expect(panel).to_contain_text("The action has been recorded.")
    expect(panel).to_contain_text("Ask two schools to share a Level 3 offer")
    saved = BoardAction.objects.get(action="Ask two schools to share a Level 3 offer")
    assert (saved.remit, saved.owner, str(saved.due), saved.created_by) == (
        "level_3", "East Kent LCPA", "2027-07-15", lead)
    shot(page, "lcpa-panel-1280", tmp_path)


@pytest.mark.parametrize("width", [1280, 375])
def test_action_pages_have_no_axe_violations(offline_page, live_server, lead, tmp_path, width):
    """The list (filtered, and with a bad filter), an action's page with its history, the edit
    form with errors, and the map with its marks pass axe, at desktop and phone widths."""
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    action = BoardAction.objects.get()
    sign_in(page, live_server.url, "/reports/actions/")
    expect(page.get_by_role("heading", name="Board actions", exact=True)).to_be_visible()
    assert_no_violations(page)
    shot(page, f"actions-list-{width}", tmp_path)
    page.goto(f"{live_server.url}/reports/actions/?status=nonsense&due_by_0=40")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_violations(page)
    page.goto(f"{live_server.url}/reports/actions/{action.pk}/edit/")
    page.get_by_label("Owner").fill("A new owner")
    page.get_by_label("What the board will do").fill("")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_violations(page)
    shot(page, f"action-form-errors-{width}", tmp_path)
    page.get_by_label("What the board will do").fill("Find two supported internship places")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("#history-list")).to_contain_text("A new owner")
    expect(page.locator("#action-summary")).to_contain_text("<b>No</b> place within reach")
    assert_no_violations(page)
    shot(page, f"action-detail-{width}", tmp_path)
    page.goto(f"{live_server.url}/?year=2016%2F17")
    expect(page.locator("#legend-action-areas")).to_be_visible()
    expect(page.locator(".app-map-label--action").first).to_have_text("1 open board action")
    assert_no_violations(page)
    shot(page, f"map-marks-{width}", tmp_path)
