"""What-if scenarios: apply changes to the data in memory and compare with the baseline.

Nothing is written to the database: `apply_changes` returns new frames and parameters, and
`run_scenario` computes every measure for the baseline and for the changed data and returns the
change in cold spots and guarantee coverage per LCPA.

Changes (plain dataclasses; `parse_changes` builds them from dicts such as a form or JSON):
  CloseOffer(course_id)            — the offer stops running (it is marked withdrawn).
  CloseSite(site_id)               — every offer at the site stops; the site is no longer reachable
                                     provision (specialist/AP reach included).
  CloseProvider(provider_id)       — every site and offer of the provider closes.
  AddOffer(site_id, level, qualification_type, subject="", tlevel_route="", title="",
           learners=None, min_english_grade=None, min_maths_grade=None, ehcp_required=False)
                                   — a new offer at an existing site in the analysed year.
  ChangeTravelLimit(minutes)       — analyse with a different travel time.
  SetJourneyTime(area_code, site_id, minutes)
                                   — a journey time for one area → site pair by the request's
                                     mode (e.g. a new bus route), overriding estimate or import.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, fields, replace

import numpy as np
import pandas as pd

from coldspots.analysis import Inputs, resolve_years
from coldspots.params import LEVELS, MINUTES_RANGE, QUALIFICATION_TYPES, AnalysisParams


@dataclass(frozen=True)
class CloseOffer:
    """One offer stops running."""

    course_id: int


@dataclass(frozen=True)
class CloseSite:
    """Every offer at a site stops; the site is no longer provision."""

    site_id: int


@dataclass(frozen=True)
class CloseProvider:
    """Every site and offer of a provider closes."""

    provider_id: int


@dataclass(frozen=True)
class AddOffer:
    """A new offer at an existing site, in the analysed year (marked illustrative)."""

    site_id: int
    level: str
    qualification_type: str
    subject: str = ""
    tlevel_route: str = ""
    title: str = ""
    learners: float | None = None
    min_english_grade: int | None = None
    min_maths_grade: int | None = None
    ehcp_required: bool = False


@dataclass(frozen=True)
class ChangeTravelLimit:
    """Analyse with a different travel-time limit."""

    minutes: int


@dataclass(frozen=True)
class SetJourneyTime:
    """A journey time for one area → site pair by the request's mode."""

    area_code: str
    site_id: int
    minutes: float


CHANGE_TYPES = {
    "close_offer": CloseOffer,
    "close_site": CloseSite,
    "close_provider": CloseProvider,
    "add_offer": AddOffer,
    "change_travel_limit": ChangeTravelLimit,
    "set_journey_time": SetJourneyTime,
}


def parse_changes(items: list[dict]) -> tuple[list, list[str]]:
    """Build changes from dicts like {"change": "close_site", "site_id": 12}; never raises.

    Returns (changes, errors): one message per bad item, naming its position and field.
    """
    changes, errors = [], []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(f"Change {number}: expected a set of fields such as "
                          "{\"change\": \"close_site\", \"site_id\": 12}.")
            continue
        kind = str(item.get("change", ""))
        cls = CHANGE_TYPES.get(kind)
        if cls is None:
            errors.append(f"Change {number}: unknown change {kind!r}; choose from "
                          + ", ".join(CHANGE_TYPES) + ".")
            continue
        values, problem = {}, None
        for spec in fields(cls):
            raw = item.get(spec.name)
            if raw in (None, ""):
                if spec.default is not MISSING:
                    continue
                problem = f"Change {number}: {spec.name} is required."
                break
            try:
                values[spec.name] = _convert(spec.name, raw)
            except (ValueError, TypeError, OverflowError):
                problem = f"Change {number}: {spec.name}: {_expected(spec.name)}"
                break
        if problem:
            errors.append(problem)
            continue
        changes.append(cls(**values))
    return changes, errors



def change_items(changes: list) -> list[dict]:
    """The inverse of parse_changes: each change as a plain dict ({"change": "close_site",
    "site_id": 12}), fields left at their default omitted, so a scenario can be put in a URL or
    saved as JSON and read back to the same changes."""
    kinds = {cls: kind for kind, cls in CHANGE_TYPES.items()}
    items = []
    for change in changes:
        item = {"change": kinds[type(change)]}
        for spec in fields(change):
            value = getattr(change, spec.name)
            if spec.default is MISSING or value != spec.default:
                item[spec.name] = value
        items.append(item)
    return items


WHOLE_NUMBER_FIELDS = {"course_id", "site_id", "provider_id", "min_english_grade",
                       "min_maths_grade"}


def _expected(name: str) -> str:
    """What a field must hold, for the message when a value does not fit."""
    if name in WHOLE_NUMBER_FIELDS:
        return "enter a whole number."
    if name == "minutes":
        return "enter a number of minutes, 0 or more."
    if name == "learners":
        return "enter a number of learners, 0 or more."
    if name == "level":
        return f"choose one of {', '.join(LEVELS)}."
    if name == "qualification_type":
        return "unknown qualification type."
    return "enter some text."


def _convert(name: str, raw):
    """The field's value from form or JSON input; ValueError or TypeError when it does not fit."""
    if name in WHOLE_NUMBER_FIELDS:
        value = float(raw)
        if value != int(value):
            raise ValueError(name)
        return int(value)
    if name in {"minutes", "learners"}:
        value = float(raw)
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(name)
        return value
    if name == "ehcp_required":
        return str(raw).lower() in {"1", "true", "yes", "on"}
    if name == "level" and str(raw).upper() not in LEVELS:
        raise ValueError(name)
    if name == "level":
        return str(raw).upper()
    if name == "qualification_type" and raw not in QUALIFICATION_TYPES:
        raise ValueError(name)
    if not isinstance(raw, str | int | float):
        raise TypeError(name)
    return str(raw)


def apply_changes(
    inputs: Inputs, params: AnalysisParams, changes: list
) -> tuple[Inputs, AnalysisParams]:
    """New (inputs, params) with the changes applied in order; the originals are untouched.

    Raises ValueError naming the change when it refers to an unknown site, area or provider.
    """
    offers, sites, matrix = inputs.offers, inputs.sites, inputs.matrix
    year, _ = resolve_years(inputs.offers, params)
    next_course_id = int(offers["course_id"].max()) + 1 if len(offers) else 1
    added = []
    for change in changes:
        # Closing withdraws offers rather than deleting them: the data still covers that kind
        # of offer, so where it disappears the result is "not met", not "no data".
        if isinstance(change, CloseOffer):
            _require(offers, "course_id", change.course_id, change)
            offers = _withdraw(offers, offers["course_id"] == change.course_id)
        elif isinstance(change, CloseSite):
            _require(sites, "site_id", change.site_id, change)
            offers = _withdraw(offers, offers["site_id"] == change.site_id)
            sites = sites.assign(provider_open=sites["provider_open"].to_numpy(bool)
                                 & (sites["site_id"] != change.site_id).to_numpy())
        elif isinstance(change, CloseProvider):
            _require(sites, "provider_id", change.provider_id, change)
            offers = _withdraw(offers, offers["provider_id"] == change.provider_id)
            sites = sites.assign(provider_open=sites["provider_open"].to_numpy(bool)
                                 & (sites["provider_id"] != change.provider_id).to_numpy())
        elif isinstance(change, AddOffer):
            _require(sites, "site_id", change.site_id, change)
            site = sites[sites["site_id"] == change.site_id].iloc[0]
            if not site["provider_open"]:
                raise ValueError(f"{change}: the site's provider is closed.")
            added.append({
                "course_id": next_course_id, "site_id": change.site_id,
                "provider_id": int(site["provider_id"]), "provider_kind": site["provider_kind"],
                "academic_year": year, "title": change.title or change.qualification_type,
                "level": change.level, "qualification_type": change.qualification_type,
                "subject": change.subject, "tlevel_route": change.tlevel_route,
                "learners": np.nan if change.learners is None else float(change.learners),
                "places": np.nan,
                "min_english_grade": np.nan if change.min_english_grade is None
                else float(change.min_english_grade),
                "min_maths_grade": np.nan if change.min_maths_grade is None
                else float(change.min_maths_grade),
                "ehcp_required": change.ehcp_required, "record_label": "illustrative",
                "withdrawn": False, "provider_open": True,
            })
            next_course_id += 1
        elif isinstance(change, ChangeTravelLimit):
            lo, hi = MINUTES_RANGE
            if not lo <= change.minutes <= hi or change.minutes != int(change.minutes):
                raise ValueError(
                    f"{change}: the travel time must be a whole number of minutes from {lo} to "
                    f"{hi}."
                )
            params = params.replace(minutes=int(change.minutes))
        elif isinstance(change, SetJourneyTime):
            _require(sites, "site_id", change.site_id, change)
            _require(inputs.areas, "area_code", change.area_code, change)
            row = pd.DataFrame({"area_code": [change.area_code], "site_id": [change.site_id],
                                "mode": [params.mode], "minutes": [float(change.minutes)]})
            base = matrix if matrix is not None and len(matrix) else None
            matrix = row if base is None else pd.concat([base, row], ignore_index=True)
        else:
            raise ValueError(f"Unknown change {change!r}.")
    if added:
        offers = pd.concat([offers, pd.DataFrame.from_records(added)], ignore_index=True)
    # replace(), not Inputs(...): every other frame (enrolments, apprenticeships, any added
    # later) is carried over unchanged, so a scenario never loses a part of the analysis.
    return replace(inputs, sites=sites, offers=offers, matrix=matrix), params


def _withdraw(offers: pd.DataFrame, which: pd.Series) -> pd.DataFrame:
    return offers.assign(withdrawn=offers["withdrawn"].to_numpy(dtype=bool) | which.to_numpy())


def _require(frame: pd.DataFrame, column: str, value, change) -> None:
    if not (frame[column] == value).any():
        raise ValueError(f"{change}: no {column.replace('_', ' ')} {value} in the data.")


@dataclass
class ScenarioResult:
    """Baseline and scenario measures, and the change per LCPA.

    by_region: region_slug, region_name, level, cold_share_before, cold_share_after,
        cold_share_change, cold_areas_before, cold_areas_after, covered_share_before,
        covered_share_after, covered_share_change (the whole guarantee), and the same three for
        covered_share_checked_parts (the parts with data) — the guarantee columns repeat on every
        level row of an LCPA; one row per LCPA × level, then "kent".
    baseline, scenario: the full `results.Results` of each.
    """

    by_region: pd.DataFrame
    baseline: object
    scenario: object
    changes: list


def run_scenario(inputs: Inputs, params: AnalysisParams, changes: list) -> ScenarioResult:
    """Compute the baseline and the scenario and compare them per LCPA (see ScenarioResult)."""
    from coldspots.results import compute_from_inputs

    changed_inputs, changed_params = apply_changes(inputs, params, changes)
    baseline = compute_from_inputs(inputs, params)
    scenario = compute_from_inputs(changed_inputs, changed_params.replace(year=baseline.year))
    keys = ["region_slug", "region_name", "level"]
    before = baseline.region_level[[*keys, "cold_share", "cold_areas"]]
    after = scenario.region_level[[*keys, "cold_share", "cold_areas"]]
    table = before.merge(after, on=keys, suffixes=("_before", "_after"))
    table["cold_share_change"] = table["cold_share_after"] - table["cold_share_before"]
    shares = ["region_slug", "covered_share", "covered_share_checked_parts"]
    cover = baseline.guarantee_regions[shares].merge(
        scenario.guarantee_regions[shares], on="region_slug", suffixes=("_before", "_after"),
    )
    for share in ("covered_share", "covered_share_checked_parts"):
        cover[f"{share}_change"] = cover[f"{share}_after"] - cover[f"{share}_before"]
    table = table.merge(cover, on="region_slug", how="left")
    return ScenarioResult(table, baseline, scenario, list(changes))
