"""The finished-page cache for anonymous visitors (offermap.page_cache): a hit is the same answer
with this response's own nonce, a data change is seen at once, signed-in visitors and pages with
a CSRF token or a message are never served from it, and a warm hit costs one query."""

import re

from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import CHAMPION
from areas.models import Postcode
from coldspots.models import BoardAction
from offermap.page_cache import cache_anonymous_page
from providers.models import Provider
from tests.accounts.conftest import make_user
from tests.offermap.conftest import make_provider

MAP = reverse("offermap:map")
HX = {"HTTP_HX_REQUEST": "true"}


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def without_nonce(response) -> bytes:
    return response.content.replace(nonce_of(response).encode(), b"NONCE")


def test_a_repeat_visit_is_the_same_page_with_its_own_nonce(client, kent):
    """The second anonymous visit comes from the cache: the same bytes apart from the nonce,
    which is new, is the one in this response's CSP header, and appears as often as before."""
    first = client.get(MAP + "?year=2016/17")
    second = client.get(MAP + "?year=2016/17")
    assert not getattr(first, "from_page_cache", False)
    assert second.from_page_cache
    old, new = nonce_of(first), nonce_of(second)
    assert old != new
    assert old not in second.content.decode()
    assert second.content.decode().count(new) == first.content.decode().count(old) > 0
    assert without_nonce(second) == without_nonce(first)
    for header in ("Content-Type", "Cache-Control", "Vary", "X-Frame-Options"):
        assert second[header] == first[header], header
    assert "no-store" in second["Cache-Control"] and "private" in second["Cache-Control"]


def test_the_fragment_and_the_page_are_kept_apart(client, kent):
    """The htmx fragment of an address is another answer than its page, with its push URL."""
    client.get(MAP + "?level=3")
    fragment = client.get(MAP + "?level=3", **HX)
    assert not getattr(fragment, "from_page_cache", False)
    again = client.get(MAP + "?level=3", **HX)
    assert again.from_page_cache
    assert "<html" not in again.content.decode()
    assert again["HX-Push-Url"] == fragment["HX-Push-Url"] == f"{MAP}?level=3"


def test_a_warm_hit_runs_one_query(client, kent, django_assert_max_num_queries):
    """Only the data version is read."""
    client.get(MAP + "?year=2016/17")
    with django_assert_max_num_queries(1):
        assert client.get(MAP + "?year=2016/17").from_page_cache


def test_a_data_change_is_shown_at_once(client, kent):
    """A new provider bumps the data version, so the next visit is made afresh and names it."""
    assert "New Academy" not in client.get(MAP + "?year=2016/17").content.decode()
    make_provider("New Academy", kent.areas[2], kind=Provider.Kind.SIXTH_FORM_COLLEGE)
    response = client.get(MAP + "?year=2016/17")
    assert not getattr(response, "from_page_cache", False)
    assert "New Academy" in response.content.decode()


def test_downloads_are_cached_whole_with_their_headers(client, kent):
    url = reverse("offermap:download_lcpas_csv") + "?year=2016/17"
    first, second = client.get(url), client.get(url)
    assert second.from_page_cache
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Type"] == first["Content-Type"] == "text/csv; charset=utf-8"
    assert "Content-Security-Policy" in second
    assert second.get("Cache-Control") == first.get("Cache-Control")


def test_signed_in_visitors_are_never_served_from_it(client, kent):
    """An anonymous visit fills the cache; a champion then sees the open board action recorded
    since, and the champion's own page is never stored either."""
    client.get(MAP)
    east = kent.regions[0]
    BoardAction.objects.create(remit="level_3", region=east, note="Thin Level 3 offer")
    client.force_login(make_user("champion", role=CHAMPION, staff=True,
                                 remit="level_3"))
    for _ in range(2):
        response = client.get(MAP)
        assert not getattr(response, "from_page_cache", False)
        assert "1 open board action" in response.content.decode()
    client.logout()
    anonymous = client.get(MAP)
    assert anonymous.from_page_cache
    assert "open board action" not in anonymous.content.decode()


def test_a_visitor_with_a_message_waiting_is_not_served_from_it(client, kent):
    client.get(MAP)
    client.cookies[CookieStorage.cookie_name] = "anything"
    assert not getattr(client.get(MAP), "from_page_cache", False)


def test_a_changed_postcode_is_seen_by_the_check(client, kent):
    """The postcode check reads postcodes live: saving one bumps the data version."""
    area = kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=area.latitude,
                            longitude=area.longitude, easting=area.easting,
                            northing=area.northing, area=area)
    url = reverse("offermap:guarantee") + "?postcode=CT1+1QU"
    assert "could not find" not in client.get(url).content.decode()
    assert client.get(url).from_page_cache
    Postcode.objects.filter(postcode="CT1 1QU").first().delete()
    response = client.get(url)
    assert not getattr(response, "from_page_cache", False)
    assert "could not find CT1 1QU" in response.content.decode()


def test_an_answer_with_a_csrf_token_or_a_cookie_is_not_stored(db):
    """A page that used a CSRF token, or set a cookie, is per visitor: made every time."""
    calls = []

    @cache_anonymous_page
    def with_token(request):
        calls.append("token")
        template = engines["django"].from_string("<form>{% csrf_token %}</form>")
        return HttpResponse(template.render({}, request))

    @cache_anonymous_page
    def with_cookie(request):
        calls.append("cookie")
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    @cache_anonymous_page
    def plain(request):
        calls.append("plain")
        return HttpResponse("hello")

    factory = RequestFactory()
    for view in (with_token, with_cookie, plain):
        for _ in range(2):
            assert view(factory.get("/somewhere/")).status_code == 200
    assert calls == ["token", "token", "cookie", "cookie", "plain"]


def test_a_miss_reads_the_data_version_once(client, kent):
    """The view is given the version the cache key was made with."""
    client.get(MAP + "?year=2016/17")  # the frames and analysis are cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MAP + "?year=2016/17&lcpa_sort=cohort")
    assert not getattr(response, "from_page_cache", False)
    assert sum("COUNT(*)" in query["sql"] for query in queries.captured_queries) == 1
