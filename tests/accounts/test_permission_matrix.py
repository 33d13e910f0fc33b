"""The permission matrix: for anonymous and every role, every URL is allowed or refused as meant.

Every URL pattern in the URLconf must have a row here (test_every_url_has_a_row), so a new page,
download or admin view cannot be added without saying who may open it.
"""

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from areas.models import Postcode
from coldspots.models import ChoiceThresholds, SavedScenario, TravelTime
from providers import tasks
from providers.import_jobs import ImportJob
from providers.models import (
    ApprenticeshipStandard,
    NoOfferConfirmation,
    Provider,
    ProviderStandard,
)
from providers.resources import KIND_OF_MODEL
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "officer", "champion", "lead", "superuser", "contact"]
STAFF = ["officer", "champion", "lead", "superuser"]

# A row's `expect` need not name every role: a role it leaves out (e.g. "contact" in a row
# written before that role existed) is meant to get what "no_role" gets (see expected()).
# Outcomes: "ok" 200; "sign_in" a 302 to the sign-in page; "forbidden" 403; "not_found" 404;
# "redirect" a 302 elsewhere; "not_allowed" 405.

STANDARD = ("changelist", "add", "change", "object", "history", "delete")
HISTORY = (*STANDARD, "simple_history")
CSV = (*HISTORY, "import", "process_import", "export", "import_template", "import_job")

# Per admin model: its views, and the permissions (view, add, change, delete) each role holds.
# Roles not named hold none. Board actions are limited per record too: see test_board_actions.
ADMIN_MODELS = {
    "areas.region": (HISTORY, {"officer": "vacd", "champion": "v", "lead": "v",
                               "superuser": "vacd"}),
    "areas.district": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    "areas.area": (HISTORY, {"officer": "vacd", "champion": "v", "lead": "v", "superuser": "vacd"}),
    "areas.cohortfigure": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    "areas.postcode": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    "providers.provider": (CSV, {"officer": "vacd", "superuser": "vacd"}),
    "providers.site": (CSV, {"officer": "vacd", "superuser": "vacd"}),
    "providers.course": (CSV, {"officer": "vacd", "superuser": "vacd"}),
    "providers.enrolment": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    "coldspots.boardaction": (HISTORY, {"officer": "v", "champion": "vac", "lead": "vac",
                                        "superuser": "vacd"}),
    "coldspots.traveltime": (HISTORY, {"officer": "v", "superuser": "vacd"}),
    # The choice rule's thresholds are officers' to change; there is one record, so nobody adds
    # a second or deletes it.
    "coldspots.choicethresholds": (HISTORY, {"officer": "vc", "superuser": "vc"}),
    # Priority sectors (the LSIP's): officers keep them; champions read what their skills report
    # is measured against.
    "coldspots.prioritysector": (HISTORY, {"officer": "vacd", "champion": "v",
                                           "superuser": "vacd"}),
    # Apprenticeship standards per provider (published, loaded by load_kent): officers' records.
    "providers.apprenticeshipstandard": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    "providers.providerstandard": (HISTORY, {"officer": "vacd", "superuser": "vacd"}),
    # Accounts and roles are the system administrator's (a superuser), not an officer's.
    "auth.user": ((*HISTORY, "password_change"), {"superuser": "vacd"}),
    "auth.group": (HISTORY, {"superuser": "vacd"}),
    # Sign-in records: read and cleared by the system administrator; nobody adds them by hand.
    "axes.accessattempt": (STANDARD, {"superuser": "vcd"}),
    "axes.accesslog": (STANDARD, {"superuser": "vcd"}),
    "axes.accessfailurelog": (STANDARD, {"superuser": "vcd"}),
    # Background tasks: the system administrator's (read-only; django-tasks-db refuses deleting
    # a task still waiting); officers follow their imports on the import page.
    "django_tasks_database.dbtaskresult": (STANDARD, {"superuser": "v"}),
    # The offer round's records, read-mostly: rounds are opened, closed, deleted and reviewed
    # on the round's pages; in the admin an officer may only change a round's deadline.
    "offerround.offerround": (HISTORY, {"officer": "vc", "superuser": "vc"}),
    "offerround.submission": (HISTORY, {"officer": "v", "superuser": "v"}),
    "offerround.submittedoffer": (HISTORY, {"officer": "v", "superuser": "v"}),
    # A provider's "no offer this year": written only by accepting a round's submission.
    "providers.noofferconfirmation": (HISTORY, {"officer": "v", "superuser": "v"}),
    # Saved what-if scenarios: saved on the scenario page (so nobody adds one here); the board
    # and officers read them; a superuser may rename or delete one.
    "coldspots.savedscenario": (HISTORY, {"officer": "v", "champion": "v", "lead": "v",
                                          "superuser": "vcd"}),
}

NEEDS = {
    "changelist": "v", "add": "a", "change": "v", "object": "v", "history": "v", "delete": "d",
    "simple_history": "v", "import": "c", "process_import": "c", "export": "v",
    "password_change": "c", "import_template": "c", "import_job": "c",
}


@dataclass
class Row:
    url: str
    expect: dict  # role -> outcome
    method: str = "get"
    headers: dict = field(default_factory=dict)


def every_route(patterns=None, prefix=""):
    """Every URL pattern in the URLconf, as the route string a ResolverMatch reports."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern.url_patterns, prefix + str(pattern.pattern).lstrip("^"))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern).lstrip("^")


def same(outcome):
    return dict.fromkeys(ROLES, outcome)


def expected(row, role) -> str:
    """The outcome meant for `role`: the row's own, or, for a role the row does not name, the
    outcome of a signed-in person with no role (a provider contact holds nothing outside the
    offer round, so rows written before the role existed stay right as they are)."""
    return row.expect.get(role, row.expect["no_role"])


def admin_outcome(role, letters, needed):
    if role not in STAFF:  # anonymous, no role, provider contacts: the admin asks them to sign in
        return "sign_in"
    return "ok" if needed in letters.get(role, "") else "forbidden"


def admin_model_rows(world) -> list[Row]:
    rows = []
    for label, (views, letters) in ADMIN_MODELS.items():
        app, name = label.split(".")
        model = apps.get_model(label)
        obj = world.own_action if label == "coldspots.boardaction" else model.objects.first()
        assert obj is not None, f"no {label} to open"
        for view in views:
            if view in ("changelist", "add", "import", "process_import", "export",
                        "import_template"):
                url = reverse(f"admin:{app}_{name}_{view}")
            elif view == "import_job":
                job = ImportJob.objects.get(kind=KIND_OF_MODEL[model])
                url = reverse(f"admin:{app}_{name}_{view}", args=[job.pk])
            elif view == "object":
                url = f"/admin/{app}/{name}/{obj.pk}/"
            elif view == "simple_history":
                first = obj.history.order_by("history_id").first()
                assert first is not None, f"{label} {obj.pk} has no history"
                history_id = first.history_id
                url = f"/admin/{app}/{name}/{obj.pk}/history/{history_id}/"
            else:
                url = reverse(f"admin:{app}_{name}_{view}", args=[obj.pk])
            expect = {role: admin_outcome(role, letters, NEEDS[view]) for role in ROLES}
            if view == "object":  # the short URL forwards to the change page, for any staff
                expect = {r: ("redirect" if r in STAFF else "sign_in") for r in ROLES}
            if view == "process_import":  # allowed, but an empty POST names no import job
                expect = {r: ("not_found" if o == "ok" else o) for r, o in expect.items()}
            # Confirming an import is a POST (the preview's form); a GET is refused with 405.
            rows.append(Row(url, expect, method="post" if view == "process_import" else "get"))
    return rows


def page_rows(world, *, sign_in_required: bool) -> list[Row]:
    public = same("ok")
    signed_in = public | {"anonymous": "sign_in"} if sign_in_required else public
    staff_only = {r: ("ok" if r in STAFF else "sign_in") for r in ROLES}
    region = world.kent.regions[0]
    provider = world.kent.providers[0]
    provider_ct = ContentType.objects.get_for_model(provider)
    rows = [
        Row(reverse("offermap:map"), signed_in),
        Row(reverse("offermap:map"), signed_in, headers={"HX-Request": "true"}),  # fragment
        Row(reverse("offermap:download_lcpas_csv"), signed_in),
        Row(reverse("offermap:download_providers_csv"), signed_in),
        Row(reverse("offermap:download_cold_areas_csv"), signed_in),
        Row(reverse("offermap:download_geojson"), signed_in),
        Row(reverse("offermap:lcpa", args=[region.slug]), signed_in),
        Row(reverse("offermap:lcpa_download_csv", args=[region.slug, "choice-by-level"]),
            signed_in),
        Row(reverse("offermap:lcpa_download_geojson", args=[region.slug]), signed_in),
        Row(reverse("offermap:provider", args=[provider.urn]), signed_in),
        # Board champions' reports: read-only, open like the LCPA pages.
        Row(reverse("offermap:reports"), signed_in),
        Row(reverse("offermap:report", args=["level-3"]), signed_in),
        Row(reverse("offermap:report_download_csv", args=["level-3", "choice-by-lcpa"]),
            signed_in),
        Row(reverse("offermap:report_lcpa", args=["level-3", region.slug]), signed_in),
        Row(reverse("offermap:report_lcpa_download_csv",
                    args=["level-3", region.slug, "choice-by-lcpa"]), signed_in),
        Row(reverse("offermap:guarantee"), signed_in),
        Row(reverse("offermap:about_data"), signed_in),
        Row(reverse("offermap:accessibility"), public),  # the statement is always open
        Row(reverse("accounts:sign_in"), public),
        Row(reverse("accounts:sign_out"), same("not_allowed")),  # sign-out is a POST
        Row(reverse("admin:login"), public),  # the same sign-in page
        Row(reverse("admin:index"), staff_only),
        Row(reverse("admin:password_change"), staff_only),
        Row(reverse("admin:password_change_done"), staff_only),
        Row(reverse("admin:jsi18n"), staff_only),
        # Logging out is a POST; a GET from someone not in the admin goes to its index.
        Row(reverse("admin:logout"), {r: ("not_allowed" if r in STAFF else "redirect")
                                      for r in ROLES}),
        Row(reverse("admin:app_list", args=["providers"]),
            {"anonymous": "sign_in", "no_role": "sign_in", "officer": "ok",
             "champion": "not_found", "lead": "not_found", "superuser": "ok"}),
        # Choosing a course's provider by name: only those who may see providers.
        Row(reverse("admin:autocomplete") + "?app_label=providers&model_name=course"
            "&field_name=provider&term=East",
            {"anonymous": "sign_in", "no_role": "sign_in", "officer": "ok",
             "champion": "forbidden", "lead": "forbidden", "superuser": "ok"}),
        # Providers have no public page of their own in the admin's sense.
        Row(reverse("admin:view_on_site", args=[provider_ct.pk, provider.pk]),
            {r: ("not_found" if r in STAFF else "sign_in") for r in ROLES}),
        Row("/admin/no-such-page/", {r: ("not_found" if r in STAFF else "sign_in")
                                      for r in ROLES}),
        *board_action_rows(world, sign_in_required),
        *offer_round_rows(world, sign_in_required),
        *scenario_rows(world, sign_in_required),
    ]
    return rows + admin_model_rows(world)


def board_action_rows(world, sign_in_required: bool) -> list[Row]:
    """Board action pages: signed in always; officers read; the champion (Level 3) and the lead
    (East Kent) record and edit within their scope; own_action is in both scopes, other_action
    in neither (test_action_pages covers forged POSTs)."""
    def outcomes(**given):
        return {"anonymous": "sign_in", "no_role": "forbidden", "superuser": "ok", **given}

    readers = outcomes(officer="ok", champion="ok", lead="ok")
    # A POST to a read-only page is refused (405); with sign-in required, only after sign-in.
    refused = same("not_allowed") | ({"anonymous": "sign_in"} if sign_in_required else {})
    own, other = world.own_action.pk, world.other_action.pk
    return [
        Row(reverse("offermap:actions"), readers),
        Row(reverse("offermap:actions") + "?status=open&remit=level_3&lcpa=east-kent&due=overdue",
            readers),
        Row(reverse("offermap:actions"), refused, method="post"),
        Row(reverse("offermap:download_actions_csv") + "?status=open", readers),
        Row(reverse("offermap:action_new"), outcomes(officer="forbidden", champion="ok",
                                                     lead="ok")),
        Row(reverse("offermap:action", args=[own]), readers),
        Row(reverse("offermap:action", args=[other]), outcomes(officer="ok", champion="ok",
                                                               lead="forbidden")),
        Row(reverse("offermap:action", args=[own]), refused, method="post"),
        Row(reverse("offermap:action_edit", args=[own]), outcomes(officer="forbidden",
                                                                  champion="ok", lead="ok")),
        Row(reverse("offermap:action_edit", args=[other]), outcomes(
            officer="forbidden", champion="forbidden", lead="forbidden")),
        Row(reverse("offermap:action", args=[999_999]),
            {r: ("sign_in" if r == "anonymous" else "not_found") for r in ROLES}),
    ]


def offer_round_rows(world, sign_in_required: bool) -> list[Row]:
    """Offer round pages: signed in always. Officers open rounds, follow progress, review and
    remind; the contact (of the first provider only) sees and changes their own submission and
    no other; nobody else sees any. POSTs with no data change nothing (a message, then back)."""
    from offerround import services
    from offerround.models import OfferRound

    offer_round = OfferRound.objects.first() or services.open_round(
        "2017/18", datetime.date(2027, 3, 31), world.users["officer"])
    own = offer_round.submissions.get(provider=world.kent.providers[0])
    other = offer_round.submissions.get(provider=world.kent.providers[1])
    offer = own.offers.first()

    def outcomes(**given):
        return {"anonymous": "sign_in", "no_role": "forbidden", "officer": "forbidden",
                "champion": "forbidden", "lead": "forbidden", "superuser": "ok",
                "contact": "forbidden", **given}

    council = outcomes(officer="ok")
    contact_writes = outcomes(contact="redirect", superuser="redirect")
    refused = same("not_allowed") | ({"anonymous": "sign_in"} if sign_in_required else {})
    url = lambda name, *args: reverse(f"offerround:{name}", args=args)  # noqa: E731
    return [
        Row(url("index"), outcomes(officer="ok", contact="ok")),
        Row(url("index"), refused, method="post"),
        Row(url("open_round"), council),
        Row(url("progress", offer_round.pk), council),
        Row(url("progress", offer_round.pk) + "?state=<b>", council),
        Row(url("reminders", offer_round.pk), council),
        # Closing or reopening is a POST (with no change named: a message, then back);
        # adding a provider and deleting a round are the council's too. The delete itself is
        # not posted here (it would remove the round the other rows use): test_round_management.
        Row(url("round_state", offer_round.pk), refused),
        Row(url("round_state", offer_round.pk), outcomes(officer="redirect",
                                                         superuser="redirect"), method="post"),
        Row(url("add_provider", offer_round.pk), council),
        Row(url("add_provider", offer_round.pk), council, method="post"),
        Row(url("delete_round", offer_round.pk), council),
        Row(url("submission", own.pk), outcomes(officer="ok", contact="ok")),
        Row(url("submission", other.pk), outcomes(officer="ok")),
        Row(url("submission", own.pk), refused, method="post"),
        Row(url("review", own.pk), council),
        Row(url("offer_new", own.pk), outcomes(contact="ok")),
        Row(url("offer_new", other.pk), outcomes()),
        Row(url("offer_edit", own.pk, offer.pk), outcomes(contact="ok")),
        Row(url("offer_answer", own.pk, offer.pk), contact_writes, method="post"),
        Row(url("offer_answer", own.pk, offer.pk), refused),
        Row(url("submit", own.pk), contact_writes, method="post"),
        Row(url("submit", other.pk), outcomes(superuser="redirect"), method="post"),
        Row(url("download", own.pk), outcomes(officer="ok", contact="ok")),
        Row(url("download", other.pk), outcomes(officer="ok")),
        Row(url("upload", own.pk), outcomes(contact="ok")),
        Row(url("upload", other.pk), outcomes()),
        Row(url("submission", 999_999), {r: ("sign_in" if r == "anonymous" else "not_found")
                                          for r in ROLES}),
    ]


def scenario_rows(world, sign_in_required: bool) -> list[Row]:
    """The what-if page and its CSV read public data, like the map: open unless the map needs
    sign-in; they change nothing, so a POST is refused."""
    signed_in = same("ok") | ({"anonymous": "sign_in"} if sign_in_required else {})
    refused = same("not_allowed") | ({"anonymous": "sign_in"} if sign_in_required else {})
    scenario = "?" + urlencode({"year": "2016/17", "changes": json.dumps(
        [{"change": "close_provider", "provider_id": world.kent.providers[0].pk}])})
    # Saving is the board's (champions and leads); officers read saved scenarios. A POST with
    # no scenario in its data is a bad request (400), not a save.
    board = {"anonymous": "sign_in", "no_role": "forbidden", "officer": "forbidden",
             "champion": "ok", "lead": "ok", "superuser": "ok"}
    readers = board | {"officer": "redirect", "champion": "redirect", "lead": "redirect",
                       "superuser": "redirect"}
    saved, _ = SavedScenario.objects.get_or_create(
        name="Close the first provider", params={"year": "2016/17"},
        changes=[{"change": "close_provider", "provider_id": world.kent.providers[0].pk}])
    return [
        Row(reverse("offermap:scenarios"), signed_in),
        Row(reverse("offermap:scenarios") + scenario, signed_in),
        Row(reverse("offermap:scenarios"), refused, method="post"),
        Row(reverse("offermap:scenario_csv") + scenario, signed_in),
        Row(reverse("offermap:scenario_save") + scenario, board),
        Row(reverse("offermap:scenario_save") + scenario,
            board | {"champion": "400", "lead": "400", "superuser": "400"}, method="post"),
        Row(reverse("offermap:saved_scenario", args=[saved.pk]), readers),
        Row(reverse("offermap:saved_scenario", args=[999_999]),
            board | {"officer": "not_found", "champion": "not_found", "lead": "not_found",
                     "superuser": "not_found"}),
    ]


def outcome_of(response) -> str:
    if response.status_code == 302:
        location = response["Location"].split("?")[0]
        sign_in = {reverse("accounts:sign_in"), reverse("admin:login")}
        return "sign_in" if location in sign_in else "redirect"
    return {200: "ok", 403: "forbidden", 404: "not_found", 405: "not_allowed"}.get(
        response.status_code, str(response.status_code)
    )


@pytest.fixture
def every_kind_of_record(world):
    """One record of every admin model, so that each record's pages can be opened."""
    area = world.kent.areas[0]
    site = world.kent.providers[0].sites.first()
    Postcode.objects.create(postcode="CT1 1AA", area=area, latitude=51.28, longitude=1.08,
                            easting=615000, northing=158000,
                            district_code=area.district.code)
    EnrolmentFactory(provider=world.kent.providers[0])
    TravelTime.objects.create(area=area, site=site, mode="pt", minutes=20, source="test")
    if not ChoiceThresholds.objects.exists():
        ChoiceThresholds.objects.create()
    standard = ApprenticeshipStandard.objects.create(
        key="0123456789ab", name="Bricklayer", level="2",
        ssa_tier1="Construction, Planning and the Built Environment",
        ssa_tier2="Building and Construction")
    ProviderStandard.objects.create(provider_ukprn=10000001, provider_name="A provider",
                                    standard=standard, academic_year="2023/24", starts=12,
                                    source="test")
    NoOfferConfirmation.objects.create(provider=world.kent.providers[2], academic_year="2017/18",
                                       confirmed_on=datetime.date(2027, 4, 1), source="test")
    AccessAttempt.objects.create(username="x", ip_address="192.0.2.1", failures_since_start=1,
                                 user_agent="test", get_data="", post_data="", http_accept="",
                                 path_info="/")
    AccessLog.objects.create(username="x", ip_address="192.0.2.1", user_agent="test",
                             http_accept="", path_info="/")
    AccessFailureLog.objects.create(username="x", ip_address="192.0.2.1", user_agent="test",
                                    http_accept="", path_info="/", locked_out=False)
    for model, kind in KIND_OF_MODEL.items():
        job = ImportJob.objects.create(kind=kind, file_name=f"{kind}.csv",
                                       state=ImportJob.State.REFUSED)
        if model is Provider:
            tasks.run_import_job.enqueue(job.pk)  # a row for the task admin
    return world


def test_every_url_has_a_row(every_kind_of_record):
    """Each URL pattern in the URLconf is checked by at least one row of the matrix."""
    covered = set()
    for row in page_rows(every_kind_of_record, sign_in_required=True):
        covered.add(resolve(row.url.split("?")[0]).route)
    missing = sorted(set(every_route()) - covered)
    assert not missing, f"URLs with no row in the permission matrix: {missing}"


@pytest.mark.parametrize("sign_in_required", [False, True], ids=["public-map", "signed-in-map"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, settings, every_kind_of_record, role, sign_in_required):
    """Every row gives this role exactly the intended outcome (all mismatches listed)."""
    settings.MAP_REQUIRES_SIGN_IN = sign_in_required
    user = every_kind_of_record.users[role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for row in page_rows(every_kind_of_record, sign_in_required=sign_in_required):
        response = getattr(client, row.method)(row.url, headers=row.headers)
        got = outcome_of(response)
        if got != expected(row, role):
            wrong.append(f"{row.method.upper()} {row.url}: {got}, meant {expected(row, role)}")
    assert not wrong, "\n".join(wrong)
