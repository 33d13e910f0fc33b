"""Issue 8 in a real browser: hostile names stay text on the map, the admin's export page runs
under the CSP, and with production static files (hashed names) every map image loads."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from tests.offermap.conftest import make_provider

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)> {{ 7*7 }} \"'</script><script>alert(2)</script> {% x"


def map_page(page, url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    expect(page.locator(".leaflet-container .leaflet-interactive").first).to_be_attached()
    return dialogs


def test_hostile_names_are_text_in_tooltips_and_popups(offline_page, live_server, kent_live):
    """A provider and an LCPA named with HTML, script and template syntax show exactly that
    text in the marker's tooltip and popup and the LCPA's tooltip; no dialog opens and nothing
    is injected (the fixture fails the test on any console, CSP or load error)."""
    east = kent_live.regions[0]
    east.name = "East " + HOSTILE
    east.save()
    provider = make_provider(HOSTILE, kent_live.areas[4], offers=(("2", "l2_vocational"),))
    page = offline_page
    dialogs = map_page(page, live_server.url + "/?year=2016%2F17&lcpa=west-kent&level=2")

    marker = page.locator(".leaflet-container img.leaflet-marker-icon")
    expect(marker).to_have_count(1)
    assert marker.get_attribute("alt") == HOSTILE and marker.get_attribute("title") == HOSTILE
    marker.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(HOSTILE)
    marker.click()
    title = page.locator(".leaflet-popup-content a")
    expect(title).to_have_text(HOSTILE)
    assert title.get_attribute("href") == f"/providers/{provider.urn}/"

    page.keyboard.press("Escape")
    # Both LCPAs in view (the map opened on West Kent), then hover each shape.
    page.locator(".app-map__canvas").evaluate(
        "element => element.leafletMap.setView([51.2, 0.7], 8)"
    )
    tooltip_texts = []
    shapes = page.locator(".app-map__canvas path.leaflet-interactive")
    for index in range(shapes.count()):
        shapes.nth(index).hover(force=True)
        tooltip_texts += page.locator(".leaflet-tooltip .app-map-line__text").all_text_contents()
    assert "East " + HOSTILE in tooltip_texts
    assert not any("49" in text for text in tooltip_texts)
    assert dialogs == []
    # Nothing from a name became an element: no <img src=x>, no script, no <b>; the only
    # scripts without a nonce are JSON data.
    assert page.locator("img[src='x'], .app-map b").count() == 0
    assert page.locator(
        'script:not([src]):not([nonce]):not([type="application/json"])'
    ).count() == 0


def test_admin_export_select_all_works_under_the_csp(offline_page, live_server, db):
    """On the admin's export page, "Select all" clears and ticks every field, with no CSP
    error (its handler is no longer an inline onchange)."""
    get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123-x")
    page = offline_page
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-123-x")
    # /admin/login/ is the site's own sign-in page (accounts), with a GOV.UK button.
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/providers/provider/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 3
    page.uncheck(".select-toggle")
    assert all(not box.is_checked() for box in fields.all())
    page.check(".select-toggle")
    assert all(box.is_checked() for box in fields.all())


@pytest.fixture
def production_server(settings, tmp_path, transactional_db):
    """A live server as deployed: DEBUG off, collectstatic into a fresh STATIC_ROOT with
    whitenoise's compressed manifest storage (hashed names), files served only by whitenoise
    from that folder (no finders, no Django static handler)."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    shared = {
        conn.alias: conn for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    # The identity static handler: requests reach the app, whose whitenoise middleware serves
    # the collected files, as in production.
    thread = LiveServerThread("127.0.0.1", lambda app: app, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def test_every_map_image_loads_with_hashed_static_files(page, production_server, kent_live):
    """With production static files every image on the map page (marker icons and shadows,
    the legend's icon) is requested by its hashed name and loads: no 404, natural width > 0."""
    failed, errors, outside = [], [], []
    host = urlsplit(production_server).netloc

    def route(route_request):
        if urlsplit(route_request.request.url).netloc == host:
            route_request.continue_()
        else:
            outside.append(route_request.request.url)
            route_request.abort()

    page.route("**/*", route)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # West Kent has one site: drawn as a single marker, not a cluster.
    page.goto(production_server + "/?year=2016%2F17&lcpa=west-kent")
    expect(page.locator(".leaflet-container img.leaflet-marker-icon")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    images = page.evaluate(
        "Array.from(document.images).map(i => ({src: i.src, ok: i.complete, w: i.naturalWidth}))"
    )
    assert any("marker-icon." in image["src"] for image in images)
    assert any("marker-shadow." in image["src"] for image in images)
    broken = [image for image in images if not image["ok"] or image["w"] == 0]
    assert (broken, failed, errors, outside) == ([], [], [], [])
    # Hashed names: every image under /static/ carries its content hash.
    assert all(re.search(r"\.[0-9a-f]{12}\.png$", image["src"]) for image in images
               if "/static/" in image["src"])
    page.wait_for_load_state("networkidle")
