"""The sign-in page and the admin's import pages in a real browser: they work and pass axe."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser.test_accessibility import assert_no_violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-passphrase-42"


@pytest.fixture
def superuser(transactional_db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


def sign_in(page, base, next_path="/admin/"):
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_sign_in_page_has_no_axe_violations_and_signs_in(offline_page, live_server, superuser,
                                                         width):
    """The sign-in page (and its error state) passes axe at desktop and phone widths, and the
    form signs the officer in and back to the page asked for."""
    offline_page.set_viewport_size({"width": width, "height": 900})
    offline_page.goto(f"{live_server.url}/account/sign-in/?next=/admin/")
    assert_no_violations(offline_page)
    offline_page.get_by_label("Username").fill("root")
    offline_page.get_by_label("Password").fill("wrong-password-here")
    offline_page.get_by_role("button", name="Sign in").click()
    expect(offline_page.locator(".govuk-error-summary")).to_contain_text("Enter a correct")
    assert_no_violations(offline_page)
    sign_in(offline_page, live_server.url)
    expect(offline_page).to_have_url(f"{live_server.url}/admin/")
    offline_page.goto(f"{live_server.url}/accessibility/")
    offline_page.get_by_role("button", name="Sign out").click()
    expect(offline_page.get_by_role("link", name="Sign in")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_import_pages_have_no_axe_violations(offline_page, live_server, superuser, tmp_path,
                                             width):
    """The course import page and a refused file's page pass axe; every problem is listed."""
    offline_page.set_viewport_size({"width": width, "height": 900})
    sign_in(offline_page, live_server.url, "/admin/providers/course/import/")
    expect(offline_page.get_by_role("link", name="Download a template CSV")).to_be_visible()
    assert_no_violations(offline_page)
    bad = tmp_path / "courses.csv"
    bad.write_text("provider_urn,title,level,qualification_type,withdrawn,source\n"
                   "999999,A Levels,Level 4,a_level,maybe,KCC\n", encoding="utf-8")
    offline_page.get_by_label("CSV file").set_input_files(str(bad))
    offline_page.get_by_role("button", name="Check the file").click()
    problems = offline_page.locator("table", has_text="Problems in courses.csv")
    expect(problems).to_contain_text("withdrawn")
    expect(problems).to_contain_text("No provider with URN 999999 is recorded.")
    assert_no_violations(offline_page)
