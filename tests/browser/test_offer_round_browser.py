"""The offer round in a real browser: a provider contact confirms an offer, changes one and
submits with the keyboard alone; the round's pages pass axe at desktop and phone widths."""

import datetime
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from accounts.roles import CONTACT, OFFICER, sync_role_groups
from offerround import services
from offerround.models import Submission
from tests.accounts.conftest import PASSWORD, make_user
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser


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
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    expect(page.locator("#offers-heading")).to_have_text("1 offer")
    # Undo the change, then confirm it unchanged, then submit.
    press(page, page.get_by_role("button", name=re.compile("^Undo the answer")))
    expect(page.locator("#offers-heading")).to_have_text("1 offer, 1 still to answer")
    press(page, page.get_by_role("button", name=re.compile("^Confirm")))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("confirmed")
    press(page, page.get_by_role("button", name="Submit the offer for 2017/18"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
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
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Returned")
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
