"""The Young Person's Guarantee: can a 16-year-old reach the minimum offer?

The minimum offer has five components (COMPONENTS): A Levels, T Levels, apprenticeships, a
Level 2 course, and a pathway at Level 1 or Entry. For an origin each component is
  "met"     — an eligible open-access offer of that kind is within the travel time (any record
              counts: supply found is supply, whatever the coverage),
  "not_met" — none is, and the component is *measured* in the year (a complete source covers
              it, see coldspots.coverage): the nearest eligible offer and its minutes are given,
  "no_data" — none is within reach and the component is not measured, so we cannot say (e.g.
              Kent's only Entry-level records are derived specialist SEND programmes).
Only open-access offers count (not selective, independent or specialist; see params, "Open
access"), plus the classes the request includes, and specialist provision for a learner with an
EHCP.
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

from coldspots import choice
from coldspots.analysis import KENT, nearest_in, region_rows, site_ids_at
from coldspots.coverage import Coverage, coverage
from coldspots.params import (
    APPRENTICESHIP_MIN_PROVIDERS_PER_DISTRICT,
    SPECIALIST,
    AnalysisParams,
)
from coldspots.travel import Reach, minutes_from_point

APPRENTICESHIP_SOURCE = "DfE apprenticeship starts by provider and district (district-level)"


def apprenticeship_districts(supply: pd.DataFrame | None, year: str) -> dict[str, int] | None:
    """Per district code: the providers starting apprentices there at the likelier level (the
    larger of Level 2 and Level 3) in `year`; None when the year has no district records, so
    the part falls back to site offers (and, with none, cannot be confirmed)."""
    if supply is None or supply.empty:
        return None
    rows = supply.loc[supply["academic_year"] == year]
    if rows.empty:
        return None
    counts = np.maximum(rows["providers_l2"].to_numpy(dtype=float),
                        rows["providers_l3"].to_numpy(dtype=float))
    return dict(zip(rows["district_code"], counts.astype(int), strict=True))


def apprenticeship_met(districts: dict[str, int], district_code) -> bool:
    """A district meets the part with enough providers (params, the threshold's reason)."""
    return districts.get(district_code, 0) >= APPRENTICESHIP_MIN_PROVIDERS_PER_DISTRICT


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


def component_measured(cover: Coverage) -> dict[str, bool]:
    """Whether each component is measured in the year (a complete source covers it)."""
    types, levels = cover.measured_types, cover.measured_levels
    return {
        "a_level": "a_level" in types,
        "t_level": "t_level" in types,
        "apprenticeship": any(t in types for t in APPRENTICESHIP_TYPES),
        "level_2": "2" in levels,
        "pathway_l1_entry": "1" in levels or "E" in levels,
    }


def component_sources(cover: Coverage, district_level: bool = False) -> dict[str, str]:
    """Each component's vintage: the sources that measure it in the year ("" = none);
    district_level: the apprenticeship part is read from the district-level starts."""
    types, levels = cover.type_sources, cover.level_sources
    found = {
        "a_level": types.get("a_level", ()),
        "t_level": types.get("t_level", ()),
        "apprenticeship": tuple(s for t in APPRENTICESHIP_TYPES for s in types.get(t, ())),
        "level_2": levels.get("2", ()),
        "pathway_l1_entry": levels.get("1", ()) + levels.get("E", ()),
    }
    if district_level:
        found["apprenticeship"] = (f"{APPRENTICESHIP_SOURCE} {cover.year}",)
    return {name: "; ".join(dict.fromkeys(sources)) for name, sources in found.items()}


def guarantee_offers(offers: pd.DataFrame, sites: pd.DataFrame,
                     params: AnalysisParams) -> np.ndarray:
    """Which offers can count for the learner: open access (plus the request's included
    classes, plus specialist provision for a learner with an EHCP) and entry requirements met."""
    allowed = choice.counted_access(params)
    if params.has_ehcp:
        allowed = (*allowed, SPECIALIST)
    return np.isin(choice.offer_access(offers, sites), allowed) & eligible(offers, params)


def component_sites(
    offers: pd.DataFrame, sites: pd.DataFrame, params: AnalysisParams,
) -> dict[str, np.ndarray]:
    """Per component: a boolean mask over sites with an offer the learner can count.

    offers: the active offers of the year, with site_pos (see analysis.active_offers).
    """
    masks = component_masks(offers)
    ok = guarantee_offers(offers, sites, params)
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    found = {}
    for name in COMPONENTS:
        mask = np.zeros(len(sites), dtype=bool)
        mask[site_pos[masks[name] & ok]] = True
        found[name] = mask
    return found


def _cover_of(records: pd.DataFrame, cover: Coverage | None) -> Coverage:
    if cover is not None:
        return cover
    year = str(records["academic_year"].iloc[0]) if len(records) else ""
    return coverage(records, year)


def guarantee_by_area(
    areas: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame, reach: Reach,
    params: AnalysisParams, records: pd.DataFrame | None = None, cover: Coverage | None = None,
    apprenticeships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The guarantee for every area.

    apprenticeships: the district-level supply (Inputs.apprenticeships); where the year has it,
    the apprenticeship part is met in an area whose district has at least
    APPRENTICESHIP_MIN_PROVIDERS_PER_DISTRICT providers at Level 2 or at Level 3, and not met
    otherwise (its minutes and site are then empty: the records place no offer at a site).

    offers: active offers in the year (site_pos); cover: the year's coverage (default: worked
    out from `records`, else `offers`). reach: pairs from the areas (same order) to `sites`
    within the request's travel time.
    Columns: area_code, region_slug, cohort (16-year-olds if recorded for any area, else 16–17;
    missing = 0), then per component c: c (status "met" | "not_met" | "no_data"), c_minutes
    (minutes to the nearest counted offer, within reach or not; NaN when none anywhere),
    c_site_id (Int64); then meets (all five met), meets_checked_parts (every component that is
    not "no_data" met, and at least one is), verdict ("met" | "not_met" | "cannot_confirm"),
    components_met, no_data_components (comma-separated, per area).
    """
    n = reach.n_origins
    cover = _cover_of(offers if records is None else records, cover)
    masks = component_sites(offers, sites, params)
    measured = component_measured(cover)
    columns = {
        "area_code": areas["area_code"].array,
        "region_slug": areas["region_slug"].array,
        "cohort": guarantee_cohort(areas),
    }
    failed = np.zeros(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    met_count = np.zeros(n, dtype=np.int64)
    missing = np.full(n, "", dtype=object)
    districts = apprenticeship_districts(apprenticeships, cover.year)
    for name in COMPONENTS:
        minutes, site, met = nearest_in(reach, masks[name])
        status = np.where(met, 0, 1 if measured[name] else 2)
        if name == "apprenticeship" and districts is not None and "district_code" in areas:
            met = np.array([apprenticeship_met(districts, code)
                            for code in areas["district_code"]], dtype=bool)
            status = np.where(met, 0, 1)
            minutes = np.full(n, np.nan)
            site = np.full(n, -1, dtype=np.int64)
        failed |= status == 1
        unknown |= status == 2
        met_count += met
        missing = np.where(status == 2, np.where(missing == "", name, missing + "," + name),
                           missing)
        columns[name] = STATUS_ARRAY.take(status)
        columns[f"{name}_minutes"] = minutes
        columns[f"{name}_site_id"] = site_ids_at(sites, site)
    columns["meets"] = ~failed & ~unknown
    columns["meets_checked_parts"] = ~failed & (met_count > 0)
    columns["verdict"] = VERDICT_ARRAY.take(np.where(failed, 1, np.where(unknown, 2, 0)))
    columns["components_met"] = met_count
    columns["no_data_components"] = missing
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
    """Per LCPA, then "kent": the cohort-weighted shares in each verdict, side by side.

    Columns: region_slug, region_name, areas, cohort, met_share, not_met_share,
    cannot_confirm_share (they add up to 1; NaN when the cohort is 0), covered_share (=
    met_share, the whole guarantee), covered_share_checked_parts (share reaching every part that
    can be checked — secondary, to be labelled as such), c_share per component (share of the
    cohort where it is met; NaN when no area can check it), weakest_component (the checkable
    component with the lowest share, "" when none falls short), no_data_components (parts that
    cannot be confirmed for at least part of the cohort), parts_without_data (their number).
    """
    cohort = guarantee_areas["cohort"].to_numpy(dtype=float)
    verdict = guarantee_areas["verdict"].to_numpy(dtype=object)
    covered_checked = np.where(guarantee_areas["meets_checked_parts"].to_numpy(dtype=bool),
                               cohort, 0.0)
    statuses = {name: guarantee_areas[name].to_numpy(dtype=object) for name in COMPONENTS}
    met_cohort = {name: np.where(statuses[name] == MET, cohort, 0.0) for name in COMPONENTS}
    records = []
    for slug, name, rows in region_rows(areas, regions):
        total = float(cohort[rows].sum())

        def share(weights, rows=rows, total=total):
            return float(weights[rows].sum() / total) if total > 0 else np.nan

        record = {"region_slug": slug, "region_name": name, "areas": len(rows),
                  "cohort": total}
        for key, value in ((MET, "met_share"), (NOT_MET, "not_met_share"),
                           (CANNOT_CONFIRM, "cannot_confirm_share")):
            record[value] = share(np.where(verdict == key, cohort, 0.0))
        record["covered_share"] = record["met_share"]
        record["covered_share_checked_parts"] = share(covered_checked)
        worst, worst_share = "", 1.0
        no_data = []
        for component in COMPONENTS:
            here = statuses[component][rows]
            if len(here) and (here == NO_DATA).any():
                no_data.append(component)
            if total <= 0 or not len(here) or (here == NO_DATA).all():
                record[f"{component}_share"] = np.nan
                continue
            value = share(met_cohort[component])
            record[f"{component}_share"] = value
            if value < worst_share:
                worst, worst_share = component, value
        record["weakest_component"] = worst
        record["no_data_components"] = ",".join(no_data)
        record["parts_without_data"] = len(no_data)
        records.append(record)
    return pd.DataFrame.from_records(records)


def point_guarantee(
    easting: float, northing: float, sites: pd.DataFrame, offers: pd.DataFrame,
    params: AnalysisParams, options_per_component: int = 3,
    records: pd.DataFrame | None = None, cover: Coverage | None = None,
    apprenticeships: pd.DataFrame | None = None, district_code: str = "",
) -> dict:
    """The guarantee for one point (a postcode or a sector's centroid), by the distance
    estimate.

    offers: active offers in the year (site_pos). Returns a dict:
      meets (all five components met), meets_checked_parts (every checkable component met),
      verdict ("met" | "not_met" | "cannot_confirm"), verdict_label (a sentence),
      no_data_components (list), sources ({component: vintage text}), minutes, mode,
      travel_method ("estimate": imported journey times are per small area, not per point),
      components: list, in COMPONENTS order, of {component, label, status, nearest_minutes,
        source, options}, where options are up to `options_per_component` nearest sites with a
        counted offer of that kind, nearest first: {provider_name, provider_urn, site_id,
        site_name, course_id, title, level, qualification_type, subject, minutes,
        within_reach, latitude, longitude}.
    """
    minutes = minutes_from_point(easting, northing, sites, params.assumptions())
    cover = _cover_of(offers if records is None else records, cover)
    measured = component_measured(cover)
    districts = apprenticeship_districts(apprenticeships, cover.year) if district_code else None
    sources = component_sources(cover, district_level=districts is not None)
    masks = component_masks(offers)
    ok = guarantee_offers(offers, sites, params)
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    components, missing = [], []
    failed = False
    for name in COMPONENTS:
        if name == "apprenticeship" and districts is not None:
            status = MET if apprenticeship_met(districts, district_code) else NOT_MET
            failed |= status == NOT_MET
            components.append({
                "component": name, "label": COMPONENT_LABELS[name], "status": status,
                "nearest_minutes": None, "source": sources[name], "options": [],
                "district_providers": int(districts.get(district_code, 0)),
                "district_level": True,
            })
            continue
        rows = offers[masks[name] & ok].assign(minutes=minutes[site_pos[masks[name] & ok]])
        rows = rows.sort_values(["minutes", "site_pos", "title", "course_id"])
        best = rows.drop_duplicates("site_pos").head(options_per_component)
        options = [_option(sites.iloc[int(row.site_pos)], row, params)
                   for row in best.itertuples()]
        nearest_minutes = options[0]["minutes"] if options else None
        met = nearest_minutes is not None and nearest_minutes <= params.minutes
        status = MET if met else (NOT_MET if measured[name] else NO_DATA)
        failed |= status == NOT_MET
        if status == NO_DATA:
            missing.append(name)
        components.append({"component": name, "label": COMPONENT_LABELS[name],
                           "status": status, "nearest_minutes": nearest_minutes,
                           "source": sources[name], "options": options})
    any_met = any(part["status"] == MET for part in components)
    verdict = NOT_MET if failed else (CANNOT_CONFIRM if missing else MET)
    return {
        "meets": verdict == MET,
        "meets_checked_parts": not failed and any_met,
        "verdict": verdict,
        "verdict_label": VERDICT_LABELS[verdict],
        "no_data_components": missing,
        "sources": sources,
        "minutes": params.minutes,
        "mode": params.mode,
        "travel_method": "estimate",
        "components": components,
    }


def _option(site: pd.Series, row, params: AnalysisParams) -> dict:
    urn = site["provider_urn"]
    return {
        "provider_name": site["provider_name"],
        "provider_urn": None if pd.isna(urn) else int(urn),
        "site_id": int(site["site_id"]),
        "site_name": site["site_name"],
        "course_id": int(row.course_id),
        "title": row.title,
        "level": row.level,
        "qualification_type": row.qualification_type,
        "subject": row.tlevel_route or row.subject or "",
        "record_label": getattr(row, "record_label", "published"),
        "minutes": float(row.minutes),
        "within_reach": bool(row.minutes <= params.minutes),
        "latitude": float(site["latitude"]),
        "longitude": float(site["longitude"]),
    }


__all__ = [
    "CANNOT_CONFIRM", "COMPONENTS", "COMPONENT_LABELS", "KENT", "MET", "NOT_MET", "NO_DATA",
    "VERDICT_LABELS", "component_masks",
    "component_measured", "component_sites", "component_sources", "eligible",
    "guarantee_by_area", "guarantee_by_region", "point_guarantee",
]
