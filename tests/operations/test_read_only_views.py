"""Every read-only view (kent_offer.decorators.read_only) writes nothing and runs outside
ATOMIC_REQUESTS: no INSERT, UPDATE or DELETE, and no transaction (savepoint) opened for it.

The views are found from the URL configuration, so a new read-only page is checked without
being listed here; only its URL parameters need a sample value (SAMPLE_ARGS).
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import OFFICER
from coldspots.models import BoardAction, SavedScenario
from offermap.views import LCPA_TABLES
from offerround import services
from tests.accounts.conftest import make_user
from tests.offermap.conftest import build_kent

WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")


def read_only_routes(resolver=None, namespace=""):
    """(view name, route parameters) of every URL whose view is marked read_only."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from read_only_routes(entry, inner)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "read_only", False):
            yield f"{namespace}{entry.name}", sorted(entry.pattern.converters)


# The offer round's read-only pages whose <pk> is the round's (the others' is a submission's).
ROUND_PAGES = {"offerround:progress"}


def sample_urls(kent, action, submission=None):
    """Every read-only URL with real parameters; an LCPA download for each of its tables; the
    offer round's pages with a sample round and submission."""
    samples = {"slug": ["east-kent"], "urn": [kent.providers[0].urn], "pk": [action.pk],
               "table": sorted(LCPA_TABLES)}
    submission = submission or sample_submission()
    round_samples = {"pk": [submission.round_id]}
    submission_samples = {"pk": [submission.pk]}
    # Board reports: a remit, an LCPA, and tables of the report (not the LCPA page's).
    report_samples = {**samples, "remit": ["level-3"], "lcpa": ["east-kent"],
                      "table": ["choice-by-lcpa", "narrow-offers"]}
    urls = []
    for name, params in read_only_routes():
        if name.startswith("offermap:report"):
            given = report_samples
        elif name.startswith("offerround:"):
            given = round_samples if name in ROUND_PAGES else submission_samples
        else:
            given = samples
        missing = [p for p in params if p not in given]
        assert not missing, f"{name}: add a sample value for {missing} to sample_urls"
        combos = [{}]
        for param in params:
            combos = [{**combo, param: value} for combo in combos for value in given[param]]
        urls += [(name, reverse(name, kwargs=combo)) for combo in combos]
    return urls


def sample_submission():
    """The sample round's first submission (the world fixture answers one of its offers)."""
    from offerround.models import Submission

    return Submission.objects.select_related("round").order_by("pk").first()


def writes_during(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    written = [q["sql"] for q in queries.captured_queries
               if q["sql"].lstrip().upper().startswith(WRITES)]
    return response, written


@pytest.fixture
def world(db):
    kent = build_kent()
    action = BoardAction.objects.create(remit="level_3", region=kent.regions[0],
                                        note="Thin Level 3 offer")
    # A saved what-if scenario under the same number, so that every <pk> route has a record.
    SavedScenario.objects.create(pk=action.pk, name="Close a provider", board_action=action,
                                 params={"year": "2016/17"}, changes=[
                                     {"change": "close_provider",
                                      "provider_id": kent.providers[0].pk}])
    # An offer round, with one offer of the first submission answered.
    offer_round = services.open_round("2017/18", datetime.date(2027, 3, 31), None)
    first = offer_round.submissions.order_by("pk").first()
    services.answer(first.offers.first(), "confirm")
    return kent, action


def test_every_read_only_view_is_found(world):
    """The URL walk finds the public pages, the LCPA downloads and the board's list."""
    names = {name for name, _ in read_only_routes()}
    assert {"offermap:map", "offermap:lcpa", "offermap:lcpa_download_csv",
            "offermap:provider", "offermap:accessibility", "offermap:actions",
            "offerround:index", "offerround:progress", "offerround:submission",
            "offerround:download"} <= names
    assert "offermap:action_new" not in names  # a form that saves: not read-only
    assert not {"offerround:round_state", "offerround:add_provider",
                "offerround:delete_round", "offerround:review"} & names


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_read_only_views_write_nothing_and_open_no_transaction(world, who):
    kent, action = world
    client = Client()
    if who == "officer":
        client.force_login(make_user("officer", role=OFFICER, staff=True))
    checked = answered_200 = 0
    round_pages = set()
    for name, url in sample_urls(kent, action):
        response, written = writes_during(client, url)
        # Some need query parameters (400 without them) or sign-in (302): still no writes.
        assert response.status_code < 500, (url, response.status_code)
        answered_200 += response.status_code == 200
        assert written == [], f"GET {url} ({name}) wrote: {written}"
        checked += 1
        if name.startswith("offerround:"):
            round_pages.add(name)
            # The officer sees each of the round's pages for the sample round and submission.
            expected = 200 if who == "officer" else 302
            assert response.status_code == expected, (url, response.status_code)
    assert checked > 20 and answered_200 > 20
    assert {"offerround:index", "offerround:progress", "offerround:submission",
            "offerround:download"} <= round_pages


def test_a_view_that_saves_still_runs_in_a_transaction(world):
    """The check can fail: a form view (not read-only) is wrapped by ATOMIC_REQUESTS, which
    inside the test's own transaction shows as a savepoint."""
    client = Client()
    client.force_login(make_user("root", superuser=True))
    response, written = writes_during(client, reverse("offermap:action_new"))
    assert response.status_code == 200
    assert any(sql.upper().startswith("SAVEPOINT") for sql in written)
