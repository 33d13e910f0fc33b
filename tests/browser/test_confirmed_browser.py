"""Offers confirmed in the offer round, in a real browser: the map's marker popup and site
table and the LCPA page's tables say how many of a site's offers are confirmed and when, with
the page's confirmed share; axe-clean at desktop and phone widths (screenshots kept)."""

import datetime
import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from accounts.roles import CONTACT, OFFICER, sync_role_groups
from offerround import services
from providers.models import Course, RecordLabel
from tests.accounts.conftest import make_user
from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

YEAR = "2017/18"
NAME = "<b>Bold</b> College {{ 7*7 }}"
# Where the screenshots go (look at them); a temporary folder unless set.
SHOTS = os.environ.get("CONFIRMED_SCREENSHOTS", "")
WIDTHS = (1280, 375)


@pytest.fixture
def confirmed(kent_live):
    """East College, renamed to a name that looks like markup, confirmed its offers for
    2017/18 and an officer accepted them."""
    sync_role_groups(django_apps)  # a transactional test's flush removes the role groups
    college = kent_live.providers[0]
    college.name = NAME
    college.save()
    officer = make_user("officer", role=OFFICER, staff=True)
    contact = make_user("contact", role=CONTACT, providers=[college])
    offer_round = services.open_round(YEAR, datetime.date(2027, 3, 31), officer)
    submission = offer_round.submissions.get(provider=college)
    for offer in submission.offers.all():
        services.answer(offer, "confirm")
    services.submit(submission, contact)
    services.accept(submission, officer)
    day = Course.objects.filter(record_label=RecordLabel.CONFIRMED).values_list(
        "last_confirmed", flat=True).first()
    return f"{day.day} {day:%b %Y}"


def shot(page, name, tmp_path):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_map_popup_and_site_table_mark_confirmed_offers(offline_page, live_server, confirmed,
                                                        width, tmp_path):
    """The college is the only Level 1 offer, so it is one marker: its popup names the
    confirmed offer and the day, as text; the site table says the same."""
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/?year=2017%2F18&level=1")
    expect(page.locator("#confirmed-share")).to_contain_text(
        "Confirmed by providers: 1 of 3 providers expected in 2017/18")
    table = page.locator("#providers-table, table").filter(has_text="confirmed by provider")
    expect(table.first).to_contain_text(f"all confirmed by provider ({confirmed})")
    marker = page.locator(".app-map__canvas img.leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.click()
    popup = page.locator(".app-map-popup")
    expect(popup).to_contain_text(NAME)
    expect(popup).to_contain_text(f"all confirmed by provider ({confirmed})")
    assert page.locator(".app-map__canvas b").count() == 0
    assert_no_violations(page)
    shot(page, f"map-confirmed-{width}", tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_lcpa_tables_mark_confirmed_offers(offline_page, live_server, confirmed, width,
                                           tmp_path):
    """The LCPA page's share note, sites table and offers-by-level table name confirmed
    offers and the day."""
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/lcpa/east-kent/?year=2017%2F18")
    expect(page.locator("#confirmed-share")).to_contain_text("1 of 3 providers")
    sites = page.locator("table").filter(has_text="open sites in East Kent")
    expect(sites).to_contain_text(f"all confirmed by provider ({confirmed})")
    by_level = page.locator("table").filter(has=page.get_by_role(
        "columnheader", name="Change"))
    expect(by_level.first).to_contain_text(f"confirmed by provider ({confirmed})")
    assert_no_violations(page)
    shot(page, f"lcpa-confirmed-{width}", tmp_path)
