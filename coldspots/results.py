"""Every measure for one request, computed from the live data and cached on the data version.

`compute(params)` is what pages and commands call. `compute_from_inputs(inputs, params)` is the
same computation on frames that a test, a benchmark or a scenario supplies (no database).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.cache import cache

from coldspots import analysis, guarantee
from coldspots.analysis import Inputs
from coldspots.params import QUALIFICATION_TYPES, AnalysisParams
from coldspots.travel import METHOD_LABELS

CACHE_SECONDS = 60 * 60


@dataclass
class Results:
    """All measures for one request. Every frame's columns are documented on the function that
    builds it; in short:

    area_level (analysis.choice_by_level_and_type + mark_cold_spots): area_code, level, offers,
        providers, nearest_minutes, nearest_site_id, no_data, kent_median, cold, cold_rule
        ("none_within_reach" | "below_share_of_median" | ""), plus region_slug, in_kent, cohort.
    area_type (analysis.choice_by_level_and_type): area_code, level, qualification_type, offers,
        providers, nearest_minutes, nearest_site_id, no_data.
    region_level (analysis.summarise_regions): region_slug, region_name, level, areas, cohort,
        cold_areas, cold_cohort, cold_share, options, options_per_1000, median_minutes,
        p90_minutes, no_data — one row per LCPA × level, then "kent" × level.
    guarantee_areas (guarantee.guarantee_by_area), guarantee_regions (guarantee_by_region, with
        a "kent" row).
    duplication (analysis.duplication): collaboration candidate pairs; small_sixth_forms
        (analysis.small_sixth_forms).
    year_on_year (analysis.year_on_year), send_areas and send_reach (analysis.send_reach).
    travel_method: "estimate" | "matrix" | "mixed"; travel_method_label: a sentence for pages.
    no_data_levels: levels with no offer recorded in the year (after the request's filters).
    recorded_types / unrecorded_types: qualification types with / without any record in the
    year (running or not, before the request's filters), in the model's order — for pages to say
    plainly which kinds of offer the year's data covers.
    """

    params: AnalysisParams
    year: str
    compare_year: str | None
    years_available: tuple[str, ...]
    cohort_year: str
    ehcp_year: str
    cohort_is_estimate: bool
    travel_method: str
    travel_method_label: str
    data_version: str
    area_level: pd.DataFrame
    area_type: pd.DataFrame
    region_level: pd.DataFrame
    guarantee_areas: pd.DataFrame
    guarantee_regions: pd.DataFrame
    duplication: pd.DataFrame
    small_sixth_forms: pd.DataFrame
    year_on_year: pd.DataFrame
    send_areas: pd.DataFrame
    send_reach: pd.DataFrame
    no_data_levels: tuple[str, ...] = field(default=())
    recorded_types: tuple[str, ...] = field(default=())
    unrecorded_types: tuple[str, ...] = field(default=())

    def report_table(self) -> pd.DataFrame:
        """The LCPA × level table of the coldspots_report command: region_slug, region_name,
        level, cohort, cold_share, options_per_1000, median_minutes, p90_minutes, no_data, and
        the LCPA's guarantee covered_share (the whole guarantee), covered_share_checked_parts
        (the parts with data), weakest_component and no_data_components."""
        table = self.region_level[[
            "region_slug", "region_name", "level", "cohort", "cold_share", "options_per_1000",
            "median_minutes", "p90_minutes", "no_data",
        ]]
        return table.merge(
            self.guarantee_regions[["region_slug", "covered_share",
                                    "covered_share_checked_parts", "weakest_component",
                                    "no_data_components"]],
            on="region_slug", how="left",
        )


def compute_from_inputs(
    inputs: Inputs, params: AnalysisParams | None = None, data_version: str = ""
) -> Results:
    """Every measure for `params` over the given frames (pure: reads nothing else)."""
    params = params or AnalysisParams()
    years = inputs.years()
    year, compare_year = analysis.resolve_years(inputs.offers, params)
    levels = analysis.measured_levels(params)
    # Canonical order: results list areas by code, and ties between equally near sites go to
    # the lower site id, whatever order the rows came in.
    areas = inputs.areas.sort_values("area_code", kind="stable").reset_index(drop=True)
    sites = inputs.sites.sort_values("site_id", kind="stable").reset_index(drop=True)
    sites = analysis.sites_open_in(sites, year)

    # The offer key is a string operation: make it once for every year.
    all_offers = inputs.offers.assign(offer_key=analysis.offer_keys(inputs.offers))
    active = analysis.active_offers(all_offers, sites, year)
    chosen = analysis.select_offers(active, params)
    # What "no data" is judged on: every record of the year, running or not.
    records = analysis.year_records(all_offers, sites, year)
    chosen_records = analysis.select_offers(records, params)

    widest = max(params.minutes, params.median_reference_minutes)
    reach_wide = analysis.reach_for(
        Inputs(areas, sites, inputs.offers, inputs.regions, inputs.matrix), params, widest
    )
    reach = reach_wide if params.minutes == widest else reach_wide.within(params.minutes)

    area_level, area_type = analysis.choice_by_level_and_type(
        areas, sites, chosen, reach, levels, chosen_records
    )
    if params.median_reference_minutes == params.minutes:
        reference = area_level[params.cold_measure]
    else:
        reference_reach = (reach_wide if params.median_reference_minutes == widest
                           else reach_wide.within(params.median_reference_minutes))
        reference = analysis.choice_by_level(
            areas, sites, chosen, reference_reach, levels, with_nearest=False,
            records=chosen_records,
        )[params.cold_measure]
    in_kent = np.repeat(areas["in_kent"].to_numpy(dtype=bool), len(levels))
    area_level = analysis.mark_cold_spots(
        area_level, reference, in_kent, params.cold_share_of_median, params.cold_measure
    )
    each_level = np.repeat(np.arange(len(areas)), len(levels))
    area_level["region_slug"] = areas["region_slug"].array.take(each_level)
    area_level["in_kent"] = in_kent
    area_level["cohort"] = areas["cohort_16_17"].to_numpy(dtype=float)[each_level]

    region_level = analysis.summarise_regions(
        areas, inputs.regions, sites, area_level, chosen, levels
    )
    guarantee_areas = guarantee.guarantee_by_area(areas, sites, active, reach, params, records)
    guarantee_regions = guarantee.guarantee_by_region(guarantee_areas, areas, inputs.regions)
    send_areas, send_regions = analysis.send_reach(areas, sites, inputs.regions, reach)
    present_types = set(records["qualification_type"].unique())
    no_data_levels = tuple(
        level for level, known in zip(
            levels, analysis.recorded_levels(chosen_records, levels), strict=True) if not known
    )
    return Results(
        params=params,
        year=year,
        compare_year=compare_year,
        years_available=years,
        cohort_year=str(areas["cohort_year"].iloc[0]) if len(areas) and "cohort_year" in areas
        else "",
        ehcp_year=str(areas["ehcp_year"].iloc[0]) if len(areas) and "ehcp_year" in areas
        else "",
        cohort_is_estimate=bool(areas["cohort_is_estimate"].any())
        if "cohort_is_estimate" in areas else False,
        travel_method=reach.method,
        travel_method_label=METHOD_LABELS[reach.method],
        data_version=data_version,
        area_level=area_level,
        area_type=area_type,
        region_level=region_level,
        guarantee_areas=guarantee_areas,
        guarantee_regions=guarantee_regions,
        duplication=analysis.duplication(chosen, sites, params),
        small_sixth_forms=analysis.small_sixth_forms(active, sites, params,
                                                     inputs.enrolments, year),
        year_on_year=analysis.year_on_year(
            all_offers, sites, inputs.regions, compare_year, year, params
        ),
        send_areas=send_areas,
        send_reach=send_regions,
        no_data_levels=no_data_levels,
        recorded_types=tuple(t for t in QUALIFICATION_TYPES if t in present_types),
        unrecorded_types=tuple(t for t in QUALIFICATION_TYPES if t not in present_types),
    )


def data_version() -> str:
    """The current data version (see coldspots.signals)."""
    from coldspots.signals import data_version as current

    return current()


def load_inputs(version: str | None = None) -> Inputs:
    """The frames from the database, cached on the data version."""
    from coldspots import frames

    version = version or data_version()
    key = f"coldspots:inputs:{version}"
    inputs = cache.get(key)
    if inputs is None:
        inputs = frames.load_inputs()
        cache.set(key, inputs, CACHE_SECONDS)
    return inputs


def compute(params: AnalysisParams | None = None) -> Results:
    """Every measure for `params` on the live data, cached on (params, data version)."""
    params = params or AnalysisParams()
    version = data_version()
    key = f"coldspots:results:{params.cache_key()}:{version}"
    results = cache.get(key)
    if results is None:
        results = compute_from_inputs(load_inputs(version), params, version)
        cache.set(key, results, CACHE_SECONDS)
    return results


def guarantee_for_point(
    easting: float, northing: float, params: AnalysisParams | None = None
) -> dict:
    """The guarantee for one point on the live data (see guarantee.point_guarantee)."""
    params = params or AnalysisParams()
    inputs = load_inputs()
    year, _ = analysis.resolve_years(inputs.offers, params)
    sites = inputs.sites.sort_values("site_id", kind="stable").reset_index(drop=True)
    sites = analysis.sites_open_in(sites, year)
    active = analysis.active_offers(inputs.offers, sites, year)
    records = analysis.year_records(inputs.offers, sites, year)
    result = guarantee.point_guarantee(easting, northing, sites, active, params, records=records)
    result["year"] = year
    return result


def run_scenario(params: AnalysisParams | None, changes: list) -> object:
    """A what-if on the live data (see scenarios.run_scenario); writes nothing."""
    from coldspots import scenarios

    return scenarios.run_scenario(load_inputs(), params or AnalysisParams(), changes)
