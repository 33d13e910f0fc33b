"""The Young Person's Guarantee: can a 16-year-old reach the minimum offer?

The minimum offer has five components (COMPONENTS): A Levels, T Levels, apprenticeships, a
Level 2 course, and a pathway at Level 1 or Entry. For an origin each component is
  "met"     — an eligible offer of that kind is within the travel time,
  "not_met" — none is (the nearest eligible offer and its minutes are given, if any exists),
  "no_data" — no offer of that kind is recorded at all in the year, so we cannot say (offers
              that require an EHCP count as data only for a learner with one: today Kent's
              only Entry-level records are specialist SEND programmes).
An area meets the guarantee only when all five components are met. Its verdict is
  "met"            — every component met;
  "not_met"        — a component with data is not met;
  "cannot_confirm" — every component with data is met but some have no data recorded.
Coverage is reported both ways: the share meeting the whole guarantee (0 while any component has
no data anywhere) and, clearly labelled, the share reaching every component that has data.

The guarantee uses the year, mode and travel time of the request, not its level/type/subject
filters: the components are fixed. The optional learner profile (GCSE English and maths grades,
EHCP) removes offers whose entry requirements the learner does not meet: with a grade given, an
offer requiring a higher grade is left out; offers requiring an EHCP count only for a learner
with one. With no grades given, entry requirements are not applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coldspots.analysis import KENT, nearest_in, region_rows, site_ids_at
from coldspots.params import AnalysisParams
from coldspots.travel import Reach, minutes_from_point

APPRENTICESHIP_TYPES = ("apprenticeship_intermediate", "apprenticeship_advanced")
COMPONENTS = ("a_level", "t_level", "apprenticeship", "level_2", "pathway_l1_entry")
COMPONENT_LABELS = {
    "a_level": "A Levels",
    "t_level": "T Levels",
    "apprenticeship": "Apprenticeships",
    "level_2": "A Level 2 course",
    "pathway_l1_entry": "A pathway at Level 1 or Entry",
}
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
STATUS_ARRAY = pd.array([MET, NOT_MET, NO_DATA], dtype="str")
CANNOT_CONFIRM = "cannot_confirm"
VERDICT_ARRAY = pd.array([MET, NOT_MET, CANNOT_CONFIRM], dtype="str")
VERDICT_LABELS = {
    MET: "The guarantee is met: every part is within reach.",
    NOT_MET: "The guarantee is not met: at least one part with data is out of reach.",
    CANNOT_CONFIRM: "Cannot be confirmed: the parts with data are within reach, but no data is "
                    "recorded for the rest.",
}


def component_masks(offers: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which offers count towards each component (boolean array per component).

    a_level: qualification type A Level; t_level: T Level; apprenticeship: intermediate or
    advanced apprenticeship; level_2: any Level 2 offer that is not an apprenticeship;
    pathway_l1_entry: any Level 1 or Entry offer.
    """
    kind = offers["qualification_type"].to_numpy()
    level = offers["level"].to_numpy()
    apprenticeship = np.isin(kind, APPRENTICESHIP_TYPES)
    return {
        "a_level": kind == "a_level",
        "t_level": kind == "t_level",
        "apprenticeship": apprenticeship,
        "level_2": (level == "2") & ~apprenticeship,
        "pathway_l1_entry": np.isin(level, ("1", "E")),
    }


def eligible(offers: pd.DataFrame, params: AnalysisParams) -> np.ndarray:
    """Offers the learner profile in `params` can take (boolean array; see module docstring)."""
    keep = np.ones(len(offers), dtype=bool)
    if not params.has_ehcp:
        keep &= ~offers["ehcp_required"].to_numpy(dtype=bool)
    if params.english_grade is not None:
        need = offers["min_english_grade"].to_numpy(dtype=float)
        keep &= np.isnan(need) | (need <= params.english_grade)
    if params.maths_grade is not None:
        need = offers["min_maths_grade"].to_numpy(dtype=float)
        keep &= np.isnan(need) | (need <= params.maths_grade)
    return keep


def component_sites(
    offers: pd.DataFrame, n_sites: int, params: AnalysisParams,
    records: pd.DataFrame | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, bool]]:
    """Per component: a boolean mask over sites with an eligible offer, and whether any offer of
    that kind is recorded at all that is open to the learner's EHCP status (grade requirements
    are not applied to this test: an offer the learner's grades rule out is still data).

    offers: the active offers of the year, with site_pos (see analysis.active_offers).
    records: the year's records, running or not (analysis.year_records), that judge whether a
    component has data; default `offers`.
    """
    masks = component_masks(offers)
    ok = eligible(offers, params)
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    records = offers if records is None else records
    record_masks = component_masks(records)
    open_to = _open_to(records, params)
    sites, recorded = {}, {}
    for name in COMPONENTS:
        mask = np.zeros(n_sites, dtype=bool)
        mask[site_pos[masks[name] & ok]] = True
        sites[name] = mask
        recorded[name] = bool((record_masks[name] & open_to).any())
    return sites, recorded


def _open_to(offers: pd.DataFrame, params: AnalysisParams) -> np.ndarray:
    """Offers that tell us about this kind of learner's options: EHCP-only offers say nothing
    about what a young person without an EHCP can reach, so when only those are recorded the
    component is "no data" for them, not "not met"."""
    if params.has_ehcp:
        return np.ones(len(offers), dtype=bool)
    return ~offers["ehcp_required"].to_numpy(dtype=bool)


def guarantee_by_area(
    areas: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame, reach: Reach,
    params: AnalysisParams, records: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The guarantee for every area.

    offers: active offers in the year (site_pos); records: the year's records, running or not,
    that judge "no data" (default `offers`). reach: pairs from the areas (same order) to `sites`
    within the request's travel time.
    Columns: area_code, region_slug, cohort (16-year-olds if recorded for any area, else 16–17;
    missing = 0), then per component c: c (status "met" | "not_met" | "no_data"), c_minutes
    (minutes to the nearest eligible offer, within reach or not; NaN when none anywhere or no
    data), c_site_id (Int64); then meets (all five components met), meets_checked_parts (every
    component with data met, and at least one has data), verdict ("met" | "not_met" |
    "cannot_confirm"), components_met, no_data_components (comma-separated component names).
    """
    n = reach.n_origins
    masks, recorded = component_sites(offers, len(sites), params, records)
    columns = {
        "area_code": areas["area_code"].array,
        "region_slug": areas["region_slug"].array,
        "cohort": guarantee_cohort(areas),
    }
    meets = np.ones(n, dtype=bool)
    met_count = np.zeros(n, dtype=np.int64)
    for name in COMPONENTS:
        # A component with no data has no nearest offer to name: search no sites.
        minutes, site, met = nearest_in(
            reach, masks[name] if recorded[name] else np.zeros(len(sites), dtype=bool))
        if recorded[name]:
            status = np.where(met, 0, 1)
            meets &= met
            met_count += met
        else:
            status = np.full(n, 2)
        columns[name] = STATUS_ARRAY.take(status)
        columns[f"{name}_minutes"] = minutes
        columns[f"{name}_site_id"] = site_ids_at(sites, site)
    missing = [name for name in COMPONENTS if not recorded[name]]
    checked = meets & (len(missing) < len(COMPONENTS))
    columns["meets"] = checked & (not missing)
    columns["meets_checked_parts"] = checked
    # meets is all-True when no component has data: nothing failed, nothing can be confirmed.
    columns["verdict"] = VERDICT_ARRAY.take(np.where(~meets, 1, 2 if missing else 0))
    columns["components_met"] = met_count
    columns["no_data_components"] = ",".join(missing)
    return pd.DataFrame(columns)


def guarantee_cohort(areas: pd.DataFrame) -> np.ndarray:
    """Weights for the guarantee: 16-year-olds where any area has that figure, else 16–17."""
    sixteen = areas["cohort_16"].to_numpy(dtype=float) if "cohort_16" in areas else None
    if sixteen is not None and not np.isnan(sixteen).all():
        return np.nan_to_num(sixteen)
    return np.nan_to_num(areas["cohort_16_17"].to_numpy(dtype=float))


def guarantee_by_region(
    guarantee_areas: pd.DataFrame, areas: pd.DataFrame, regions: pd.DataFrame
) -> pd.DataFrame:
    """Per LCPA, then "kent": the cohort-weighted share covered and the component failing most.

    Columns: region_slug, region_name, areas, cohort, covered_share (share of the cohort in
    areas meeting the whole guarantee: 0 while any component has no data; NaN when the cohort is
    0), covered_share_checked_parts (share reaching every component that has data — a secondary
    figure, to be labelled as such), c_share per component (share of the cohort where it is
    met; NaN when no data), weakest_component (the component with the lowest share among those
    with data, "" when none falls short), no_data_components, parts_without_data.
    """
    cohort = guarantee_areas["cohort"].to_numpy(dtype=float)
    covered = np.where(guarantee_areas["meets"].to_numpy(dtype=bool), cohort, 0.0)
    covered_checked = np.where(guarantee_areas["meets_checked_parts"].to_numpy(dtype=bool),
                               cohort, 0.0)
    statuses = {name: guarantee_areas[name].to_numpy() for name in COMPONENTS}
    no_data = [name for name in COMPONENTS if len(statuses[name]) and
               (statuses[name] == NO_DATA).all()]
    if len(guarantee_areas) == 0:
        no_data = []
    met_cohort = {name: np.where(statuses[name] == MET, cohort, 0.0) for name in COMPONENTS}
    records = []
    for slug, name, rows in region_rows(areas, regions):
        total = float(cohort[rows].sum())
        record = {"region_slug": slug, "region_name": name, "areas": len(rows),
                  "cohort": total,
                  "covered_share": float(covered[rows].sum() / total) if total > 0
                  else np.nan,
                  "covered_share_checked_parts": float(covered_checked[rows].sum() / total)
                  if total > 0 else np.nan}
        worst, worst_share = "", 1.0
        for component in COMPONENTS:
            if component in no_data or total <= 0:
                share = np.nan
            else:
                share = float(met_cohort[component][rows].sum() / total)
                if share < worst_share:
                    worst, worst_share = component, share
            record[f"{component}_share"] = share
        record["weakest_component"] = worst
        record["no_data_components"] = ",".join(no_data)
        record["parts_without_data"] = len(no_data)
        records.append(record)
    return pd.DataFrame.from_records(records)


def point_guarantee(
    easting: float, northing: float, sites: pd.DataFrame, offers: pd.DataFrame,
    params: AnalysisParams, options_per_component: int = 3,
    records: pd.DataFrame | None = None,
) -> dict:
    """The guarantee for one point (a postcode), by the distance estimate.

    offers: active offers in the year (site_pos). Returns a dict:
      meets (all five components met), meets_checked_parts (every component with data met),
      verdict ("met" | "not_met" | "cannot_confirm"), verdict_label (a sentence),
      no_data_components (list), minutes, mode, travel_method ("estimate": imported
      journey times are per small area, not per postcode),
      components: list, in COMPONENTS order, of {component, label, status, nearest_minutes,
        options}, where options are up to `options_per_component` nearest sites with an
        eligible offer of that kind, nearest first: {provider_name, provider_urn, site_id,
        site_name, course_id, title, level, qualification_type, subject, minutes, within_reach}.
    """
    minutes = minutes_from_point(easting, northing, sites, params.assumptions())
    masks = component_masks(offers)
    ok = eligible(offers, params)
    records = offers if records is None else records
    record_masks = component_masks(records)
    open_to = _open_to(records, params)
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    components, missing = [], []
    meets = True
    for name in COMPONENTS:
        if not (record_masks[name] & open_to).any():
            missing.append(name)
            components.append({"component": name, "label": COMPONENT_LABELS[name],
                               "status": NO_DATA, "nearest_minutes": None, "options": []})
            continue
        rows = offers[masks[name] & ok].assign(minutes=minutes[site_pos[masks[name] & ok]])
        rows = rows.sort_values(["minutes", "site_pos", "title", "course_id"])
        best = rows.drop_duplicates("site_pos").head(options_per_component)
        options = []
        for row in best.itertuples():
            site = sites.iloc[int(row.site_pos)]
            urn = site["provider_urn"]
            options.append({
                "provider_name": site["provider_name"],
                "provider_urn": None if pd.isna(urn) else int(urn),
                "site_id": int(site["site_id"]),
                "site_name": site["site_name"],
                "course_id": int(row.course_id),
                "title": row.title,
                "level": row.level,
                "qualification_type": row.qualification_type,
                "subject": row.tlevel_route or row.subject or "",
                "minutes": float(row.minutes),
                "within_reach": bool(row.minutes <= params.minutes),
            })
        nearest_minutes = options[0]["minutes"] if options else None
        met = nearest_minutes is not None and nearest_minutes <= params.minutes
        meets &= met
        components.append({"component": name, "label": COMPONENT_LABELS[name],
                           "status": MET if met else NOT_MET,
                           "nearest_minutes": nearest_minutes, "options": options})
    checked = bool(meets and len(missing) < len(COMPONENTS))
    verdict = NOT_MET if not meets else (CANNOT_CONFIRM if missing else MET)
    return {
        "meets": checked and not missing,
        "meets_checked_parts": checked,
        "verdict": verdict,
        "verdict_label": VERDICT_LABELS[verdict],
        "no_data_components": missing,
        "minutes": params.minutes,
        "mode": params.mode,
        "travel_method": "estimate",
        "components": components,
    }


__all__ = [
    "CANNOT_CONFIRM", "COMPONENTS", "COMPONENT_LABELS", "KENT", "MET", "NOT_MET", "NO_DATA",
    "VERDICT_LABELS", "component_masks",
    "component_sites", "eligible", "guarantee_by_area", "guarantee_by_region", "point_guarantee",
]
