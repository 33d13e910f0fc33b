"""The offer round in a real browser: a provider contact confirms an offer, changes one and
submits with the keyboard alone; the round's pages pass axe at desktop and phone widths."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from accounts.roles import CONTACT, OFFICER, sync_role_groups
from offerround import services
from offerround.models import Submission
from tests.accounts.conftest import PASSWORD, make_user
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

# Where the round-management test saves its screenshots to look at (a temporary directory
# unless OFFER_ROUND_SHOTS names one).
SHOTS = Path(os.environ["OFFER_ROUND_SHOTS"]) if os.environ.get("OFFER_ROUND_SHOTS") else None


@pytest.fixture
def offer_round(kent_live):
    # A transactional test's flush removes the role groups the migration made: put them back.
    sync_role_groups(django_apps)
    officer = make_user("officer", role=OFFICER, staff=True)
    make_user("contact", role=CONTACT, providers=[kent_live.providers[1]])  # East School
    return services.open_round("2017/18", datetime.date(2027, 3, 31), officer)


def sign_in(page, base, username, next_path):
    page.set_default_timeout(30_000)  # the shared test machine is slow to serve a first page
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def press(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def expect_banner(page, text):
    """The success banner says `text`, and GOV.UK Frontend has started on it. Its (deferred)
    script moves the focus to a role="alert" banner when it starts: waiting for that before the
    next key keeps the test's focus from being taken away mid-step (the race a loaded machine
    shows: Enter then lands on the banner, not the button)."""
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(text)
    expect(page.locator(".govuk-notification-banner[data-govuk-notification-banner-init]")
           ).to_be_attached()


def test_a_contact_confirms_and_submits_with_the_keyboard(offline_page, live_server,
                                                          offer_round):
    """From the round list to a submitted offer using only keys: Enter on links and buttons,
    typing into fields; a bad places figure first shows the error summary, which takes focus."""
    page = offline_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "contact", "/offer-round/")
    press(page, page.get_by_role("link", name="East School, 2017/18"))
    expect(page.get_by_role("heading", name="East School", exact=True)).to_be_visible()
    expect(page.locator("#offers-heading")).to_have_text("1 offer, 1 still to answer")
    assert_no_violations(page)
    # Change the offer: places and an entry requirement.
    press(page, page.get_by_role("link", name=re.compile("^Change")))
    places = page.get_by_label("Places")
    places.focus()
    page.keyboard.type("lots")
    press(page, page.get_by_role("button", name="Save the offer"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a whole number")
    expect(summary).to_be_focused()
    assert_no_violations(page)
    places = page.get_by_label("Places")
    places.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("60")
    page.get_by_label("Minimum GCSE maths grade").focus()
    page.keyboard.type("6")
    press(page, page.get_by_role("button", name="Save the offer"))
    expect_banner(page, "saved")
    expect(page.locator("#offers-heading")).to_have_text("1 offer")
    # Undo the change, then confirm it unchanged, then submit.
    press(page, page.get_by_role("button", name=re.compile("^Undo the answer")))
    expect_banner(page, "not yet answered")
    expect(page.locator("#offers-heading")).to_have_text("1 offer, 1 still to answer")
    press(page, page.get_by_role("button", name=re.compile("^Confirm")))
    expect_banner(page, "confirmed")
    press(page, page.get_by_role("button", name="Submit the offer for 2017/18"))
    expect_banner(page, "submitted")
    submission = offer_round.submissions.get(provider__name="East School")
    assert submission.state == Submission.State.SUBMITTED
    offer = submission.offers.get()
    assert (offer.action, offer.places, offer.min_maths_grade) == ("confirm", 60, 6)


@pytest.mark.parametrize("width", [1280, 375])
def test_round_pages_have_no_axe_violations(offline_page, live_server, offer_round, width):
    """The officer's round list, progress, review (with the decision's error) and reminders,
    and the contact's submission, new-offer form and upload with problems, pass axe."""
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    submission = offer_round.submissions.get(provider__name="East School")
    for offer in submission.offers.all():
        services.answer(offer, "withdraw")
    services.submit(submission, None)
    sign_in(page, live_server.url, "officer", "/offer-round/")
    expect(page.get_by_role("heading", name="Offer round", exact=True)).to_be_visible()
    assert_no_violations(page)
    for path in (f"/offer-round/rounds/{offer_round.pk}/",
                 f"/offer-round/rounds/{offer_round.pk}/reminders/",
                 f"/offer-round/submissions/{submission.pk}/review/",
                 "/offer-round/rounds/new/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert_no_violations(page)
    page.goto(f"{live_server.url}/offer-round/submissions/{submission.pk}/review/")
    page.get_by_label("Return to the provider for changes").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what the provider")
    assert_no_violations(page)
    page.get_by_label("Note to the provider").fill("Please add your T Levels")
    page.get_by_role("button", name="Record the decision").click()
    expect_banner(page, "Returned")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "contact", f"/offer-round/submissions/{submission.pk}/")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Please add your T Levels")
    assert_no_violations(page)
    page.goto(f"{live_server.url}/offer-round/submissions/{submission.pk}/offers/new/")
    page.get_by_role("button", name="Save the offer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_violations(page)
    page.goto(f"{live_server.url}/offer-round/submissions/{submission.pk}/upload/")
    page.get_by_label("CSV file").set_input_files(files=[{
        "name": "offers.csv", "mimeType": "text/csv",
        "buffer": b"title,level,qualification_type\n<b>x</b>,9,nonsense\n"}])
    page.get_by_role("button", name="Upload the file").click()
    expect(page.locator("#problems")).to_be_visible()
    assert_no_violations(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_round_management_pages_have_no_axe_violations(offline_page, live_server, offer_round,
                                                       width, tmp_path):
    """The officer closes the round from its progress page with the keyboard; the closed
    progress page, the add-a-provider form (with its error and a hostile provider name), the
    delete confirmation, and the contact's closed submission pass axe."""
    from tests.factories import ProviderFactory

    newcomer = ProviderFactory(name="<script>alert(1)</script> {{ 7|add:1 }} Academy")
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    shots = SHOTS or tmp_path
    progress = f"/offer-round/rounds/{offer_round.pk}/"
    sign_in(page, live_server.url, "officer", progress)
    expect(page.locator("#round-state")).to_contain_text("Open")
    assert_no_violations(page)
    # GOV.UK buttons are full width on a phone (the page's column), their own width on a desktop.
    close_box = page.get_by_role("button", name="Close the round").bounding_box()
    column = page.locator("h1").bounding_box()["width"]
    if width < 640:
        assert abs(close_box["width"] - column) <= 1, (close_box, column)
    else:
        assert close_box["width"] < column / 2, (close_box, column)
    page.screenshot(path=str(shots / f"progress-open-{width}.png"), full_page=True)
    press(page, page.get_by_role("button", name="Close the round"))
    expect_banner(page, "is closed")
    expect(page.locator("#round-state")).to_contain_text("Closed since")
    expect(page.get_by_role("button", name="Reopen the round")).to_be_visible()
    assert_no_violations(page)
    page.screenshot(path=str(shots / f"progress-closed-{width}.png"), full_page=True)
    offer_round.refresh_from_db()
    assert offer_round.state == "closed"
    press(page, page.get_by_role("button", name="Reopen the round"))
    expect(page.locator("#round-state")).to_contain_text("Open")
    page.get_by_role("link", name="Add a provider to the round").click()
    page.get_by_role("button", name="Add the provider").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the provider to add.")
    expect(page.locator("select")).to_contain_text("<script>alert(1)</script> {{ 7|add:1 }}")
    assert_no_violations(page)
    page.screenshot(path=str(shots / f"add-provider-error-{width}.png"), full_page=True)
    page.get_by_label("Provider").select_option(str(newcomer.pk))
    page.get_by_role("button", name="Add the provider").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "<script>alert(1)</script> {{ 7|add:1 }} Academy has been added")
    assert offer_round.submissions.count() == 4
    page.goto(f"{live_server.url}/offer-round/rounds/{offer_round.pk}/delete/")
    expect(page.locator("h1")).to_have_text("Are you sure you want to delete this round?")
    assert_no_violations(page)
    page.screenshot(path=str(shots / f"delete-round-{width}.png"), full_page=True)
    services.close_round(offer_round)
    page.context.clear_cookies()
    submission = offer_round.submissions.get(provider__name="East School")
    sign_in(page, live_server.url, "contact", f"/offer-round/submissions/{submission.pk}/")
    expect(page.locator("#round-closed")).to_contain_text("round is closed")
    expect(page.get_by_role("button", name=re.compile("^Confirm"))).to_have_count(0)
    assert_no_violations(page)
    page.screenshot(path=str(shots / f"submission-closed-{width}.png"), full_page=True)
