"""Board actions outside the admin: the list, one action with its history, recording and editing
an action, the panel other pages include (`actions_panel`) and the map's marks
(`open_action_marks`).

Who may do what is asked of the permission rules (accounts/rules.py) through `user.has_perm`,
never decided here: a champion records for their remit, an LCPA lead for their own LCPA,
officers read. Board actions are not analysis data: saving one does not bump the data version,
so every figure cached on it stays valid, and whatever pages show of actions is read per request
(it depends on who is asking, too).
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from areas.models import Area, Region
from coldspots.models import BoardAction
from kent_offer.decorators import read_only
from offermap import links
from offermap.action_forms import ActionFilterForm, BoardActionForm, mark_invalid
from offermap.forms import error_summary
from providers.models import Level, Provider
from providers.spreadsheets import spreadsheet_safe

PAGE_SIZE = 50
VIEW, ADD, CHANGE = ("coldspots.view_boardaction", "coldspots.add_boardaction",
                     "coldspots.change_boardaction")
# The form's fields in page order, for the error summary's links.
FORM_ANCHORS = {
    "remit": "id_remit", "region": "id_region", "level": "id_level", "area": "id_area",
    "provider": "id_provider", "academic_year": "id_academic_year", "action": "id_action",
    "note": "id_note", "owner": "id_owner", "due": "id_due_0", "status": "id_status",
}
FILTER_ANCHORS = {"status": "filter-status", "remit": "filter-remit", "lcpa": "filter-lcpa",
                  "due": "filter-due", "due_by": "id_due_by_0"}


def _require(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _problems(form) -> dict[str, str]:
    """{field name: first message} for the error summary; form-wide messages under "remit"."""
    problems = {}
    for name, errors in form.errors.items():
        problems["remit" if name == "__all__" else name] = errors[0]
    return problems


def _safe_next(request, raw: str | None) -> str:
    """A path on this site to go back to, or ""."""
    if raw and url_has_allowed_host_and_scheme(raw, {request.get_host()},
                                               require_https=request.is_secure()):
        return raw if raw.startswith("/") else ""
    return ""


def _actions():
    return BoardAction.objects.select_related("region", "area", "provider", "created_by")


def _filtered_actions(request, today):
    """The filter form and the actions the person may read, narrowed by it (the list page and
    its CSV show the same records)."""
    _require(request.user, VIEW)
    form = ActionFilterForm(request.GET or None)
    actions = _actions().visible_to(request.user)
    if form.is_bound:
        actions = form.apply(actions, today)
    return form, actions


@read_only
@login_required
def action_list(request):
    """Every action the person may read, filtered by status, remit, LCPA and due date."""
    today = timezone.localdate()
    form, actions = _filtered_actions(request, today)
    page = Paginator(actions.in_reading_order(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actions/list.html", {
        "form": form,
        "error_links": error_summary(_problems(form), FILTER_ANCHORS, "filters"),
        "page": page,
        "rows": [_row(action, today) for action in page.object_list],
        "today": today,
        "may_record": request.user.has_perm(ADD),
        "download_query": links.query_string(request.GET, page=None),
        "page_links": links.page_links(request.GET, page) if page.paginator.num_pages > 1
        else None,
    })


CSV_COLUMNS = ["id", "remit", "lcpa", "level", "small_area_code", "small_area", "provider_urn",
               "provider", "academic_year", "what_the_board_will_do", "owner", "due", "status",
               "open", "overdue", "notes", "recorded_by", "recorded_at"]


@read_only
@login_required
def download_actions_csv(request):
    """The list with its filters, every page, as CSV (each text cell safe in a spreadsheet)."""
    today = timezone.localdate()
    _, actions = _filtered_actions(request, today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="board-actions.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for action in actions.in_reading_order():
        writer.writerow([spreadsheet_safe(value) for value in (
            action.pk, action.get_remit_display(), action.region.name,
            action.get_level_display() or "All levels",
            action.area.code if action.area else "", action.area.name if action.area else "",
            action.provider.urn if action.provider else "",
            action.provider.name if action.provider else "", action.academic_year,
            action.action, action.owner, action.due.isoformat() if action.due else "",
            action.get_status_display(), "yes" if action.is_open else "no",
            "yes" if action.is_overdue(today) else "no", action.note,
            action.created_by.get_username() if action.created_by else "",
            timezone.localtime(action.created_at).isoformat(timespec="minutes"),
        )])
    return response


def _row(action: BoardAction, today) -> dict:
    return {"action": action, "overdue": action.is_overdue(today)}


@read_only
@login_required
def action_detail(request, pk: int):
    """One action, with every change to it: who, when and what changed."""
    action = get_object_or_404(_actions(), pk=pk)
    _require(request.user, VIEW, action)
    today = timezone.localdate()
    return render(request, "actions/detail.html", {
        "action": action,
        "overdue": action.is_overdue(today),
        "history": history_rows(action),
        "may_edit": request.user.has_perm(CHANGE, action),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def record_action(request):
    """A new action; the page may be opened prefilled (remit, lcpa, level, area, provider,
    year) from a report or LCPA page."""
    _require(request.user, ADD)
    if request.method == "POST":
        form = BoardActionForm(request.POST, user=request.user)
        if form.is_valid():
            action = form.save(commit=False)
            action.created_by = request.user
            action.save()
            messages.success(request, "The action has been recorded.")
            return redirect(_after_save(request, action))
    else:
        form = BoardActionForm(user=request.user, initial=_initial(request.GET, request.user))
    return _form_page(request, form, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_action(request, pk: int):
    action = get_object_or_404(_actions(), pk=pk)
    _require(request.user, CHANGE, action)
    if request.method == "POST":
        form = BoardActionForm(request.POST, instance=action, user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "The changes have been saved.")
            return redirect(_after_save(request, action))
    else:
        initial = {}
        if "region" in request.GET:  # the form redrawn for another LCPA (htmx, small areas)
            initial = _initial(request.GET, request.user)
        form = BoardActionForm(instance=action, user=request.user, initial=initial)
    return _form_page(request, form, action)


def _after_save(request, action) -> str:
    """Back to the page the form was opened from (at its actions panel), or the action."""
    back = _safe_next(request, request.POST.get("next"))
    if back:
        return back.split("#")[0] + "#board-actions"
    return reverse("offermap:action", args=[action.pk])


def _form_page(request, form, action):
    mark_invalid(form)
    return render(request, "actions/form.html", {
        "form": form,
        "action": action,
        "error_links": error_summary(_problems(form), FORM_ANCHORS, "id_remit"),
        "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")),
        "form_url": request.path,
    })


def _initial(query, user) -> dict:
    """Starting values from the query string; values that name nothing are ignored (they are
    only a starting point: the form checks whatever is posted)."""
    initial = {}
    # Only short printable text is looked up (a NUL would be refused by PostgreSQL).
    query = {key: value for key, value in query.items()
             if len(value) <= 100 and value.isprintable()}
    if query.get("remit") in BoardAction.Remit.values:
        initial["remit"] = query["remit"]
    region = None
    if query.get("lcpa"):
        region = Region.objects.filter(slug=query["lcpa"]).first()
    elif str(query.get("region", "")).isdigit():
        region = Region.objects.filter(pk=int(query["region"])).first()
    if region is not None:
        initial["region"] = region.pk
    if query.get("level") in Level.values:
        initial["level"] = query["level"]
    if query.get("area"):
        area = Area.objects.filter(code=query["area"]).first()
        if area is not None:
            initial["area"] = area.pk
            initial.setdefault("region", area.region_id)
    if str(query.get("provider", "")).isdigit():
        provider = Provider.objects.filter(urn=int(query["provider"])).first()
        if provider is not None:
            initial["provider"] = provider.pk
    year = str(query.get("year", ""))
    if len(year) == 7 and year[4] == "/":
        initial["academic_year"] = year
    if "region" not in initial and hasattr(user, "profile") and user.profile.region_id:
        initial["region"] = user.profile.region_id  # an LCPA lead records for their LCPA
    if "remit" not in initial and hasattr(user, "profile") and user.profile.remit:
        initial["remit"] = user.profile.remit
    return initial


# ---------------------------------------------------------------------------------------------
# History


def _shown(field_name: str, value) -> str:
    """A stored value as the page shows it: choices by label, records by name."""
    if value in (None, ""):
        return "(none)"
    field = BoardAction._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        record = field.related_model._default_manager.filter(pk=value).first()
        return str(getattr(record, "name", record)) if record is not None else f"(removed: {value})"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def history_rows(action: BoardAction) -> list[dict]:
    """Each saved version, newest first: who, when, how (created or changed) and, for a change,
    each field's value before and after."""
    rows = []
    records = list(action.history.select_related("history_user").order_by("-history_date",
                                                                           "-history_id"))
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["created_at", "created_by"])
            for change in delta.changes:
                changes.append({
                    "field": BoardAction._meta.get_field(change.field).verbose_name,
                    "old": _shown(change.field, change.old),
                    "new": _shown(change.field, change.new),
                })
        user = record.history_user
        rows.append({
            "when": record.history_date,
            "who": user.get_username() if user else "",
            "kind": {"+": "Recorded", "~": "Changed", "-": "Deleted"}.get(record.history_type,
                                                                          "Changed"),
            "changes": changes,
            "reason": record.history_change_reason or "",
        })
    return rows


# ---------------------------------------------------------------------------------------------
# The panel on report and LCPA pages, and the marks on the map


def actions_panel(request, remit: str | None = None, region=None, level: str | None = None,
                  area=None, year: str | None = None) -> dict:
    """What templates/actions/_panel.html needs (pass it as `panel`): the actions the person may
    read for this remit / LCPA (a Region or its slug) / level / small area, and a link to record
    one with these filled in. Someone who may not read actions gets {"visible": False}."""
    user = request.user
    if not user.is_authenticated or not user.has_perm(VIEW):
        return {"visible": False}
    today = timezone.localdate()
    actions = _actions()
    region_slug = getattr(region, "slug", region) or ""
    if remit:
        actions = actions.for_remit(remit)
    if region_slug:
        actions = actions.for_region(region_slug)
    if level:
        actions = actions.filter(level__in=[level, ""])
    area_code = getattr(area, "code", area) or ""
    if area_code:
        actions = actions.filter(area__code=area_code)
    rows = [_row(action, today)
            for action in actions.visible_to(user).in_reading_order()]
    prefill = {key: value for key, value in (
        ("remit", remit), ("lcpa", region_slug), ("level", level), ("area", area_code),
        ("year", year), ("next", request.get_full_path()),
    ) if value}
    list_query = {key: value for key, value in (("remit", remit), ("lcpa", region_slug))
                  if value}
    return {
        "visible": True,
        "rows": rows,
        "open_count": sum(1 for row in rows if row["action"].is_open),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
        "may_record": user.has_perm(ADD) and _may_record_here(user, remit, region_slug),
        "record_url": reverse("offermap:action_new") + "?" + urlencode(prefill),
        "list_url": reverse("offermap:actions") + ("?" + urlencode(list_query)
                                                   if list_query else ""),
    }


def _may_record_here(user, remit, region_slug) -> bool:
    """Whether the person may record an action for this remit and LCPA (for a page about one
    LCPA, a lead of another LCPA gets no link)."""
    region = Region.objects.filter(slug=region_slug).first() if region_slug else None
    remits = [remit] if remit else BoardAction.Remit.values
    regions = [region] if region else list(Region.objects.all())
    return any(user.has_perm(ADD, BoardAction(remit=r, region=g))
               for r in remits for g in regions)


def open_action_marks(user) -> dict:
    """The open actions `user` may read, by LCPA (name → {count, levels}) and small area
    (rows with code, name, boundary, count, levels), for offermap.maps.with_open_actions."""
    if not user.is_authenticated or not user.has_perm(VIEW):
        return {"regions": {}, "areas": []}
    visible = BoardAction.objects.visible_to(user).open()
    level_labels = dict(Level.choices)

    def levels_text(levels) -> str:
        named = sorted(level_labels[level] for level in levels if level)
        return ", ".join([*named, "all levels"] if "" in levels else named)

    regions: dict[str, dict] = {}
    for name, level in visible.values_list("region__name", "level").order_by():
        mark = regions.setdefault(name, {"count": 0, "levels": set()})
        mark["count"] += 1
        mark["levels"].add(level)
    areas: dict[str, dict] = {}
    for code, level in visible.filter(area__isnull=False).values_list(
            "area__code", "level").order_by():
        mark = areas.setdefault(code, {"count": 0, "levels": set()})
        mark["count"] += 1
        mark["levels"].add(level)
    area_rows = []
    for record in (Area.objects.filter(code__in=list(areas)).select_related("region")
                   .order_by("name")):
        mark = areas[record.code]
        area_rows.append({"code": record.code, "name": record.name, "boundary": record.boundary,
                          "lcpa": record.region.name if record.region else "",
                          "lcpa_slug": record.region.slug if record.region else "",
                          "count": mark["count"], "levels": levels_text(mark["levels"]),
                          "link": reverse("offermap:actions") + "?" + urlencode(
                              {"lcpa": record.region.slug, "status": "open"})
                          if record.region else None})
    return {
        "regions": {name: {"count": mark["count"], "levels": levels_text(mark["levels"])}
                    for name, mark in regions.items()},
        "areas": area_rows,
    }
