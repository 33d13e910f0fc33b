"""The what-if page (`/reports/scenarios/`): a scenario in the URL, baseline against scenario
side by side, and the difference as CSV.

The figures are the engine's (`coldspots.results.run_scenario`, which computes the baseline and
the changed data in memory and writes nothing); `ScenarioComparison` only picks out what changed
and shapes it for the page and the CSV alike, so the two cannot disagree. A scenario is its URL
(`?year=…&minutes=…&changes=<JSON>`): anyone can share it, and a bad one gets a GOV.UK error
message with status 400.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coldspots.analysis import resolve_years
from coldspots.choice import STATE_LABELS
from coldspots.coverage import coverage as year_coverage
from coldspots.models import SavedScenario
from coldspots.params import MINUTES_CHOICES, MODE_LABELS
from coldspots.results import data_version, load_inputs, run_scenario
from coldspots.scenarios import (
    AddOffer,
    ChangeTravelLimit,
    CloseOffer,
    CloseProvider,
    CloseSite,
    SetJourneyTime,
    change_items,
)
from kent_offer.decorators import read_only
from offermap import memo, presenters
from offermap.action_forms import mark_invalid
from offermap.forms import AnalysisForm, error_summary
from offermap.maps import format_share
from offermap.report_parts import learner_count
from offermap.scenario_forms import (
    CHANGE_FORMS,
    LEVEL_LABELS,
    TYPE_LABELS,
    SaveScenarioForm,
    ScenarioChoices,
    ScenarioForm,
)
from providers.spreadsheets import spreadsheet_safe

KENT = "kent"
ADD_SCENARIO, VIEW_SCENARIO = "coldspots.add_savedscenario", "coldspots.view_savedscenario"
VIEW_ACTION = "coldspots.view_boardaction"
# Better to worse: which way an area moved.
STATE_ORDER = {"choice": 2, "reduced_choice": 1, "no_choice": 0}
VERDICT_TEXT = {"met": "Met", "not_met": "Not met", "cannot_confirm": "Cannot be confirmed"}
VERDICT_ORDER = {"met": 2, "cannot_confirm": 1, "not_met": 0}
CHOICE_PEOPLE = "16–17 year olds (estimate)"
GUARANTEE_PEOPLE = "16-year-olds (estimate)"
CSV_COLUMNS = ["measure", "level", "small_area_code", "small_area", "lcpa", "before", "after",
               "direction", "young_people", "young_people_counted"]


def _direction(before: str, after: str, order: dict) -> str:
    if before not in order or after not in order:
        return "changed"
    return "better" if order[after] > order[before] else "worse"


def _people_text(value) -> str:
    """A number of young people as pages show it: "c" for 1 to 5, never a bare small number."""
    shown = learner_count(value)
    if shown is None:
        return "not recorded"
    return shown if isinstance(shown, str) else f"{shown:,}"


@dataclass
class ScenarioComparison:
    """What changed between the baseline and the scenario (one context for page and CSV).

    area_changes: one dict per Kent small area and measure whose state changes: measure
        ("choice" at a level, or "guarantee"), level (code, "" for the guarantee), level_label,
        area_code, area_name, lcpa, before, after (labels), direction ("better" | "worse"),
        young_people (the area's cohort for that measure, raw; show through learner_count).
    lcpa_guarantee: per LCPA then Kent: the guarantee met share and the share reaching every
        part with data, before, after and the change (shares 0–1, from run_scenario's table).
    lcpa_choice: per LCPA × level then Kent: the share with no or reduced choice and the number
        of such small areas, before and after.
    affected: per measure (each level, then the guarantee): areas and young people moving to a
        worse and to a better state.
    """

    area_changes: list[dict]
    lcpa_guarantee: list[dict]
    lcpa_choice: list[dict]
    affected: list[dict]

    @classmethod
    def from_result(cls, result) -> ScenarioComparison:
        baseline, scenario = result.baseline, result.scenario
        area_names = dict(zip(baseline.areas["area_code"], baseline.areas["area_name"],
                              strict=True))
        names = presenters.region_names(baseline.regions)
        rows = []
        keys = ["area_code", "level"]
        choice = baseline.area_level[[*keys, "state", "region_slug", "cohort"]].merge(
            scenario.area_level[[*keys, "state"]], on=keys, suffixes=("_before", "_after"))
        moved = choice[(choice["state_before"] != choice["state_after"])
                       & choice["region_slug"].notna()]
        for row in moved.itertuples():
            rows.append({
                "measure": "choice", "level": row.level, "level_label": LEVEL_LABELS[row.level],
                "area_code": row.area_code, "area_name": area_names[row.area_code],
                "lcpa": names.get(row.region_slug, ""),
                "before": STATE_LABELS[row.state_before], "after": STATE_LABELS[row.state_after],
                "direction": _direction(row.state_before, row.state_after, STATE_ORDER),
                "young_people": row.cohort,
            })
        verdicts = baseline.guarantee_areas[["area_code", "region_slug", "cohort", "verdict"]]
        verdicts = verdicts.merge(scenario.guarantee_areas[["area_code", "verdict"]],
                                  on="area_code", suffixes=("_before", "_after"))
        moved = verdicts[(verdicts["verdict_before"] != verdicts["verdict_after"])
                         & verdicts["region_slug"].notna()]
        for row in moved.itertuples():
            rows.append({
                "measure": "guarantee", "level": "", "level_label": "Young Person’s Guarantee",
                "area_code": row.area_code, "area_name": area_names[row.area_code],
                "lcpa": names.get(row.region_slug, ""),
                "before": VERDICT_TEXT[row.verdict_before],
                "after": VERDICT_TEXT[row.verdict_after],
                "direction": _direction(row.verdict_before, row.verdict_after, VERDICT_ORDER),
                "young_people": row.cohort,
            })
        level_rank = {level: i for i, level in enumerate(baseline.params.levels or ())}
        rows.sort(key=lambda r: (r["measure"] != "choice", -level_rank.get(r["level"], 0),
                                 r["lcpa"], r["area_name"], r["area_code"]))
        table = result.by_region
        guarantee_rows = table.drop_duplicates("region_slug")
        lcpa_guarantee = [{
            "slug": row.region_slug, "lcpa": "Kent" if row.region_slug == KENT
            else row.region_name,
            "met_before": row.covered_share_before, "met_after": row.covered_share_after,
            "met_change": row.covered_share_change,
            "checked_before": row.covered_share_checked_parts_before,
            "checked_after": row.covered_share_checked_parts_after,
            "checked_change": row.covered_share_checked_parts_change,
        } for row in guarantee_rows.itertuples()]
        measured = baseline.region_level.drop_duplicates("level").set_index("level")[
            "measured"]
        table = table[table["level"].map(measured).fillna(False).astype(bool)]
        lcpa_choice = [{
            "slug": row.region_slug, "lcpa": "Kent" if row.region_slug == KENT
            else row.region_name,
            "level": row.level, "level_label": LEVEL_LABELS[row.level],
            "before": row.cold_share_before, "after": row.cold_share_after,
            "change": row.cold_share_change,
            "areas_before": row.cold_areas_before, "areas_after": row.cold_areas_after,
        } for row in table.itertuples()]
        affected = []
        measures = [("choice", level) for level in dict.fromkeys(
            r["level"] for r in lcpa_choice)] + [("guarantee", "")]
        for measure, level in measures:
            here = [r for r in rows if r["measure"] == measure and r["level"] == level]
            entry = {"measure": measure, "level": level,
                     "label": LEVEL_LABELS[level] if level else "Young Person’s Guarantee",
                     "people": GUARANTEE_PEOPLE if measure == "guarantee" else CHOICE_PEOPLE}
            for direction in ("worse", "better"):
                chosen = [r for r in here if r["direction"] == direction]
                entry[f"{direction}_areas"] = len(chosen)
                entry[f"{direction}_people"] = sum(
                    0.0 if pd.isna(r["young_people"]) else float(r["young_people"])
                    for r in chosen)
            affected.append(entry)
        for row in lcpa_guarantee:
            for key in ("met", "checked"):
                row[f"{key}_before_text"] = share_text(row[f"{key}_before"])
                row[f"{key}_after_text"] = share_text(row[f"{key}_after"])
                row[f"{key}_change_text"] = change_text(row[f"{key}_change"])
        for row in lcpa_choice:
            row["before_text"] = share_text(row["before"])
            row["after_text"] = share_text(row["after"])
            row["change_text"] = change_text(row["change"])
        for row in rows:
            row["young_people_text"] = _people_text(row["young_people"])
        for entry in affected:
            entry["worse_people_text"] = _people_text(entry["worse_people"])
            entry["better_people_text"] = _people_text(entry["better_people"])
        return cls(rows, lcpa_guarantee, lcpa_choice, affected)

    def csv_rows(self) -> list[list]:
        """The difference as CSV rows (header first), young people through learner_count and
        every cell made safe for a spreadsheet."""
        out = [CSV_COLUMNS]
        for row in self.area_changes:
            shown = learner_count(row["young_people"])
            out.append([spreadsheet_safe(value) for value in (
                "Young Person's Guarantee" if row["measure"] == "guarantee"
                else f"Choice at {row['level_label']}",
                row["level"], row["area_code"], row["area_name"], row["lcpa"], row["before"],
                row["after"], row["direction"], "" if shown is None else shown,
                GUARANTEE_PEOPLE if row["measure"] == "guarantee" else CHOICE_PEOPLE,
            )])
        return out


# ---------------------------------------------------------------------------------------------
# The request: parameters, the scenario, the change being added


@dataclass
class ScenarioRequest:
    params: object
    year: str
    inputs: object
    choices: ScenarioChoices
    form: ScenarioForm
    change_forms: dict
    problems: dict
    changes: list
    redirect_to: str = ""
    version: str = ""


def _read_request(query) -> ScenarioRequest:
    """The scenario in `query` (the page's GET data, or the save form's POST)."""
    version = data_version()
    analysis = AnalysisForm(query, version=version)
    params = analysis.params
    inputs = load_inputs(version)
    problems = {f"param-{name}": message for name, message in analysis.problems.items()}
    if params.year and params.year not in inputs.years():
        problems["param-year"] = "Choose an academic year from the list"
        params = params.replace(year=None)
    year, _ = resolve_years(inputs.offers, params)
    params = params.replace(year=year)
    choices = ScenarioChoices.from_inputs(inputs, year)
    form = ScenarioForm(query, choices=choices, inputs=inputs, params=params)
    changes = []
    if form.is_valid():
        changes = form.cleaned_data["changes"]
    else:
        problems.update({f"changes-{n}": message for n, message in
                         enumerate(form.errors.get("changes", []))})
    adding = query.get("add", "")
    change_forms = {}
    for kind, form_class in CHANGE_FORMS.items():
        bound = query if kind == adding else None
        change_forms[kind] = form_class(bound, choices=choices)
    result = ScenarioRequest(params, year, inputs, choices, form, change_forms, problems,
                             changes, version=version)
    if adding and adding not in CHANGE_FORMS:
        problems["add"] = "Choose a change from the forms on this page"
    elif adding:
        added = change_forms[adding]
        if added.is_valid() and not problems:
            result.redirect_to = scenario_url(params, [*change_items(changes), added.item()])
        else:
            for name, errors in added.errors.items():
                anchor = added[name].auto_id if name in added.fields else f"add-{adding}"
                problems[anchor] = errors[0]
    return result


def scenario_url(params, items: list[dict], name: str = "") -> str:
    """The page's address for a year, travel time and list of changes (as dicts)."""
    query = {"year": params.year, "minutes": params.minutes, "mode": params.mode}
    if items:
        query["changes"] = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    return f"{reverse(name or 'offermap:scenarios')}?{urlencode(query)}"


def _describe(change, choices: ScenarioChoices, params) -> str:
    """One change in words, naming the records it touches."""
    if isinstance(change, CloseProvider):
        return f"Close {choices.label('providers', change.provider_id)}: every site and offer."
    if isinstance(change, CloseSite):
        return f"Close the site {choices.label('close_sites', change.site_id)}."
    if isinstance(change, CloseOffer):
        return f"Close the offer {choices.label('offers', change.course_id)}."
    if isinstance(change, AddOffer):
        kind = TYPE_LABELS.get(change.qualification_type, change.qualification_type)
        subject = f" in {change.subject}" if change.subject else ""
        return (f"Open a new {kind} offer ({LEVEL_LABELS[change.level]}){subject} at "
                f"{choices.label('add_sites', change.site_id)} (an illustrative offer, not a "
                "record).")
    if isinstance(change, ChangeTravelLimit):
        return (f"Analyse within {int(change.minutes)} minutes instead of {params.minutes}.")
    if isinstance(change, SetJourneyTime):
        area = choices.area_names.get(change.area_code)
        where = (f"the small area {area} ({change.area_code})" if area
                 else f"the small area {change.area_code[:20]}")  # a hand-edited URL's
        travel = "on foot" if params.mode == "walk" else f"by {MODE_LABELS[params.mode]}"
        return (f"A journey of {change.minutes:g} minutes {travel} from "
                f"{where} to {choices.label('journey_sites', change.site_id)}.")
    return str(change)


ANCHORS = {"param-year": "scenario-year", "param-minutes": "scenario-minutes",
           "param-mode": "scenario-mode", "add": "add-a-change"}


@read_only
def scenario_page(request):
    """Baseline against scenario for the year and travel time, with the changes in the URL."""
    scenario = _read_request(request.GET)
    if scenario.redirect_to:
        return HttpResponseRedirect(scenario.redirect_to)
    params, changes = scenario.params, scenario.changes
    items = change_items(changes)
    # Changes that were read but cannot run are still listed, each with its Remove link.
    shown = changes or scenario.form.parsed
    shown_items = change_items(shown)
    result = comparison = None
    if changes and not scenario.problems:
        result = run_scenario(params, changes)
        comparison = ScenarioComparison.from_result(result)
    listed = [{
        "text": _describe(change, scenario.choices, params),
        "remove_url": scenario_url(params, shown_items[:n] + shown_items[n + 1:]),
    } for n, change in enumerate(shown)]
    error_links = error_summary(
        scenario.problems,
        {**ANCHORS, **{key: key for key in scenario.problems if key.startswith("id_")}},
        "scenario-changes")
    context = {
        "params": params,
        "year": scenario.year,
        # How much of the year's offer providers confirmed (the baseline's, once it is run).
        "cover": result.baseline.coverage if result else memo.per_version(
            scenario.version, ("year-coverage", scenario.year),
            lambda: year_coverage(scenario.inputs.offers, scenario.year,
                                  no_offer=scenario.inputs.no_offer_providers(scenario.year))),
        "result": result,
        "comparison": comparison,
        "changes": listed,
        "changes_json": json.dumps(items, separators=(",", ":"), ensure_ascii=False)
        if items else "",
        "change_forms": scenario.change_forms,
        "error_links": error_links,
        "problems": scenario.problems,
        "choices": {
            "years": [(year, year) for year in reversed(scenario.inputs.years())],
            "minutes": [(m, f"{m} minutes") for m in sorted({*MINUTES_CHOICES,
                                                             params.minutes})],
            "modes": [(mode, label[:1].upper() + label[1:])
                      for mode, label in MODE_LABELS.items()],
        },
        "travel_text": f"{params.minutes} minutes by {MODE_LABELS[params.mode]}",
        "share_url": request.build_absolute_uri(scenario_url(params, items)) if items else "",
        "csv_url": scenario_url(params, items, "offermap:scenario_csv") if items else "",
        "rule": presenters.rule_summary(result.baseline) if result else None,
        "start_again_url": scenario_url(params, []),
        "save_url": scenario_url(params, items, "offermap:scenario_save")
        if items and request.user.has_perm(ADD_SCENARIO) else "",
        "saved": saved_list(request.user),
    }
    status = 400 if scenario.problems else 200
    return render(request, "scenarios/page.html", context, status=status)


@read_only
def scenario_csv(request):
    """The difference between baseline and scenario: each Kent small area and measure whose
    state changes (young people from 1 to 5 as "c"; every cell safe in a spreadsheet)."""
    scenario = _read_request(request.GET)
    if scenario.problems or scenario.redirect_to:
        lines = list(scenario.problems.values()) or ["Add changes on the scenario page."]
        return HttpResponse("This scenario could not be used:\n" + "\n".join(lines) + "\n",
                            status=400, content_type="text/plain; charset=utf-8")
    # No change, no difference: the header alone (nothing to compute).
    comparison = ScenarioComparison.from_result(
        run_scenario(scenario.params, scenario.changes)) if scenario.changes else None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    year = scenario.year.replace("/", "-")
    response["Content-Disposition"] = (
        f'attachment; filename="scenario-difference-{year}-{scenario.params.minutes}min.csv"')
    csv.writer(response).writerows(comparison.csv_rows() if comparison else [CSV_COLUMNS])
    return response


# ---------------------------------------------------------------------------------------------
# Saved scenarios: a name, the parameters and the changes (no results: opening one runs it again)


def saved_url(saved: SavedScenario) -> str:
    """The page's address for a saved scenario (its parameters as saved)."""
    query = {key: saved.params[key] for key in ("year", "minutes", "mode")
             if saved.params.get(key) not in (None, "")}
    if saved.changes:
        query["changes"] = json.dumps(saved.changes, separators=(",", ":"), ensure_ascii=False)
    return f"{reverse('offermap:scenarios')}?{urlencode(query)}"


def saved_list(user, limit: int = 50) -> dict:
    """The newest saved scenarios for the page, for those who may read them; each attached
    action is linked only for those who may read that action."""
    if not user.is_authenticated or not user.has_perm(VIEW_SCENARIO):
        return {"visible": False}
    rows = []
    for saved in (SavedScenario.objects.select_related("created_by", "board_action__region")
                  .newest_first()[:limit]):
        action = saved.board_action
        rows.append({
            "saved": saved, "url": saved_url(saved),
            "action": action if action is not None and user.has_perm(VIEW_ACTION, action)
            else None,
            "hidden_action": action is not None and not user.has_perm(VIEW_ACTION, action),
        })
    return {"visible": True, "rows": rows}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def save_scenario(request):
    """Save the scenario in the address (GET shows the form; POST saves) with a name and,
    optionally, the board action it informs."""
    if not request.user.has_perm(ADD_SCENARIO):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    scenario = _read_request(data)
    if scenario.problems or scenario.redirect_to or not scenario.changes:
        problems = scenario.problems or {"scenario-changes": "Add at least one change before "
                                         "saving the scenario"}
        return render(request, "scenarios/save.html", {
            "error_links": error_summary(problems, {}, "scenario-changes"),
            "back_url": scenario_url(scenario.params, []), "form": None,
        }, status=400)
    params, items = scenario.params, change_items(scenario.changes)
    initial = {}
    if request.method != "POST" and str(request.GET.get("action", "")).isdigit():
        initial["board_action"] = int(request.GET["action"])
    form = SaveScenarioForm(request.POST if request.method == "POST" else None,
                            user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = SavedScenario.objects.create(
            name=form.cleaned_data["name"], board_action=form.cleaned_data["board_action"],
            params={"year": params.year, "minutes": params.minutes, "mode": params.mode},
            changes=items, created_by=request.user)
        messages.success(request, f"The scenario “{saved.name}” has been saved.")
        return HttpResponseRedirect(scenario_url(params, items) + "#saved-scenarios")
    mark_save_errors(form)
    return render(request, "scenarios/save.html", {
        "form": form,
        "params": params,
        "year": scenario.year,
        "changes": [_describe(change, scenario.choices, params) for change in scenario.changes],
        "changes_json": json.dumps(items, separators=(",", ":"), ensure_ascii=False),
        "back_url": scenario_url(params, items),
        "error_links": error_summary(
            {name: errors[0] for name, errors in form.errors.items()},
            {"name": "id_name", "board_action": "id_board_action"}, "id_name"),
    })


def mark_save_errors(form) -> None:
    if form.is_bound:
        mark_invalid(form)


@read_only
@login_required
def saved_scenario(request, pk: int):
    """A saved scenario: its page, with the changes as saved (the board action page links
    here)."""
    if not request.user.has_perm(VIEW_SCENARIO):
        raise PermissionDenied
    saved = get_object_or_404(SavedScenario, pk=pk)
    return HttpResponseRedirect(saved_url(saved))


def share_text(value) -> str:
    """A share for the page (e.g. "23%"), or "No data recorded"."""
    return presenters._share_text(value)


def change_text(value) -> str:
    """A change of share in percentage points, signed ("+4.5 points"), "no change" at 0."""
    if value is None or pd.isna(value):
        return "—"
    points = float(value) * 100
    if abs(points) < 0.05:
        return "no change"
    return f"{points:+.1f} points"


__all__ = ["ScenarioComparison", "change_text", "format_share", "save_scenario",
           "saved_scenario", "saved_url", "scenario_csv", "scenario_page", "scenario_url",
           "share_text"]
