"""Browser tests: Debian's Chromium through pytest-playwright, against pytest-django's live_server.

No browser is downloaded: Playwright launches /usr/bin/chromium. Every request the page makes is
routed through `offline_page`, which lets requests to the test server through and aborts (and
records) any other, so a test fails if a page reaches for another host.
"""

from urllib.parse import urlsplit

import pytest

from areas.models import Postcode
from tests.offermap.conftest import build_kent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True, scope="session")
def _django_beside_playwright():
    """Allow Django's ORM beside Playwright's running loop (see tests/conftest.py)
    from the first browser test to the end of the session, test database teardown included."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def kent_live(transactional_db):
    """The small Kent database, committed so that the live server's thread can read it, with a
    postcode in East Kent for the guarantee check."""
    place = build_kent()
    area = place.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=area.latitude, longitude=area.longitude,
                            easting=area.easting, northing=area.northing, area=area)
    return place


@pytest.fixture
def offline_page(page, live_server):
    """A page that may only talk to the live server; other requests are aborted and recorded."""
    allowed = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def route(route_request):
        url = route_request.request.url
        if urlsplit(url).netloc == allowed:
            route_request.continue_()
        else:
            outside.append(url)
            route_request.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def console(message):
        # A refused script (Content-Security-Policy) or a failed load is logged as an error.
        # The one expected error is the 404 page's own status.
        if message.type == "error" and "status of 404" not in message.text:
            errors.append(message.text)

    page.on("console", console)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    page.set_default_timeout(10_000)
    yield page
    # Let in-flight requests finish before the database is flushed, so that a request still
    # holding a transaction cannot deadlock the flush.
    page.wait_for_load_state("networkidle")
    assert outside == [], f"the page asked another host for {outside}"
    assert errors == [], f"JavaScript or console errors: {errors}"
    assert missing == [], f"resources that failed to load: {missing}"
