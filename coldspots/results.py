"""Every measure for one request, computed from the live data and cached on the data version.

`compute(params)` is what pages and commands call. `compute_from_inputs(inputs, params)` is the
same computation on frames that a test, a benchmark or a scenario supplies (no database).
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.cache import cache

from coldspots import analysis, choice, coverage, guarantee, remits, skills
from coldspots.analysis import Inputs
from coldspots.params import ACCESS_CLASSES, QUALIFICATION_TYPES, AnalysisParams
from coldspots.travel import METHOD_LABELS, Reach

CACHE_SECONDS = 60 * 60


@dataclass
class Results:
    """All measures for one request. Every frame's columns are documented on the function that
    builds it; in short:

    area_level (analysis.choice_by_level_and_type over the counted offers, see choice): area_code,
        level, offers, providers (counted providers within the travel time), nearest_minutes,
        nearest_site_id, no_data, state ("no_choice" | "reduced_choice" | "choice" |
        "partial_data"), measured, cold (no or reduced choice), <class>_within for each access
        class not counted (e.g. selective_within), plus region_slug, in_kent, cohort.
    area_type (analysis.choice_by_level_and_type): area_code, level, qualification_type, offers,
        providers, nearest_minutes, nearest_site_id, no_data.
    region_level (analysis.summarise_regions): per LCPA × level, then "kent" × level, the
        cohort in no and reduced choice (shares), mean providers within reach, options, journey
        times; see REGION_LEVEL_COLUMNS.
    guarantee_areas (guarantee.guarantee_by_area), guarantee_regions (guarantee_by_region, with
        a "kent" row).
    duplication (analysis.duplication): collaboration candidate pairs; small_sixth_forms
        (analysis.small_sixth_forms).
    year_on_year (analysis.year_on_year), send_areas and send_reach (analysis.send_reach).
    skills (coldspots.skills.skills_measures): offer by sector subject area and T Level route per
        LCPA, and each priority sector's reach (courses within the travel time; apprenticeship
        standards district-level, derived).
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
    coverage: coverage.Coverage | None = None
    # What pages need without going back to the analysis or the ORM: the canonical sites and
    # areas, the LCPAs with their boundaries, and the selected offers of the year with their
    # access class ("open", "selective", ...).
    sites: pd.DataFrame | None = None
    areas: pd.DataFrame | None = None
    regions: pd.DataFrame | None = None
    selected_offers: pd.DataFrame | None = None
    # The guarantee's apprenticeship part came from the district-level starts this year.
    apprenticeships_by_district: bool = False
    recorded_types: tuple[str, ...] = field(default=())
    unrecorded_types: tuple[str, ...] = field(default=())
    # The skills offer by sector and the reach of each priority sector (coldspots.skills): made
    # on first use of `skills` (only the skills report reads them, and they are more than half
    # of a full recompute), then cached apart (skills_for).
    computed_skills: skills.Skills | None = field(default=None, repr=False, compare=False)

    @property
    def skills(self) -> skills.Skills:
        """Results.skills: coldspots.skills.skills_measures for this request (see skills_for)."""
        if self.computed_skills is None:
            self.computed_skills = skills_for(self)
        return self.computed_skills

    def __getstate__(self):
        # The frames the skills are made from (kept by compute_from_inputs) stay in this
        # process: pickled, results are read back with the data version to find them again.
        state = self.__dict__.copy()
        if state.get("computed_skills") is None and not self.data_version:
            # No data version to read the frames back with (a test's or a scenario's
            # frames): make the skills now, so the copy is complete.
            state["computed_skills"] = self.skills
        state.pop("_skills_parts", None)
        return state

    def report_table(self) -> pd.DataFrame:
        """The LCPA × level table of the coldspots_report command: region_slug, region_name,
        level, cohort, measured, no_choice_share, reduced_choice_share, cold_share (no or
        reduced), mean_providers, median_minutes, p90_minutes, no_data, the thresholds used, and
        the LCPA's guarantee: met_share, not_met_share, cannot_confirm_share (side by side) and
        no_data_components."""
        table = self.region_level[[
            "region_slug", "region_name", "level", "cohort", "measured", "no_choice_share",
            "reduced_choice_share", "cold_share", "mean_providers", "median_minutes",
            "p90_minutes", "no_data",
        ]].assign(min_providers=self.params.min_providers,
                  max_nearest_minutes=self.params.max_nearest_minutes)
        return table.merge(
            self.guarantee_regions[["region_slug", "met_share", "not_met_share",
                                    "cannot_confirm_share", "no_data_components"]],
            on="region_slug", how="left",
        )

    def region_types(self, level: str, types: tuple[str, ...]) -> pd.DataFrame:
        """Per LCPA × qualification type at `level` (and Kent), how far each type is within
        reach: analysis.summarise_region_types over this request's area_type cells and counted
        offers (the same cells the choice states come from)."""
        offers = self.selected_offers
        counted = offers.loc[offers["access"].isin(choice.counted_access(self.params))]
        return analysis.summarise_region_types(
            self.areas, self.regions, self.area_type, level, types, counted, self.sites)

    def narrow_offers(self, level: str, fewer_than: int) -> pd.DataFrame:
        """Open-access (non-selective) school sixth forms and how many qualification types they
        offer at `level` in the year (analysis.narrow_offers; narrow = fewer than
        `fewer_than`)."""
        return analysis.narrow_offers(self.selected_offers, self.sites, level, fewer_than)


@dataclass(frozen=True)
class _Prepared:
    """The frames every measure starts from, for one request's year and filters."""
    year: str
    compare_year: str | None
    areas: pd.DataFrame
    sites: pd.DataFrame  # open in the year
    all_offers: pd.DataFrame  # every year's, with offer_key
    active: pd.DataFrame  # running in the year
    chosen: pd.DataFrame  # running, and selected by the filters
    records: pd.DataFrame  # every record of the year, running or not
    reach: Reach
    access: np.ndarray  # access class of each chosen offer
    counted: pd.DataFrame  # chosen offers that count as choice


def _prepare(inputs: Inputs, params: AnalysisParams) -> _Prepared:
    year, compare_year = analysis.resolve_years(inputs.offers, params)
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
    reach = analysis.reach_for(
        Inputs(areas, sites, inputs.offers, inputs.regions, inputs.matrix), params)
    access = choice.offer_access(chosen, sites)
    counted = chosen[np.isin(access, choice.counted_access(params))]
    return _Prepared(year, compare_year, areas, sites, all_offers, active, chosen, records,
                     reach, access, counted)


def _skills_arguments(inputs: Inputs, prepared: _Prepared) -> tuple:
    """The arguments of skills.skills_measures."""
    p = prepared
    return (p.areas, inputs.regions, p.sites, p.active, p.counted, p.records, p.reach, p.year,
            inputs.provider_standards, inputs.apprenticeship_delivery, inputs.priority_sectors)


def compute_from_inputs(
    inputs: Inputs, params: AnalysisParams | None = None, data_version: str = ""
) -> Results:
    """Every measure for `params` over the given frames (pure: reads nothing else)."""
    params = params or AnalysisParams()
    years = inputs.years()
    levels = analysis.measured_levels(params)
    prepared = _prepare(inputs, params)
    year, compare_year = prepared.year, prepared.compare_year
    areas, sites, all_offers = prepared.areas, prepared.sites, prepared.all_offers
    active, chosen, records = prepared.active, prepared.chosen, prepared.records
    reach, access, counted = prepared.reach, prepared.access, prepared.counted
    chosen_records = analysis.select_offers(records, params)
    cover = coverage.coverage(all_offers, year, no_offer=inputs.no_offer_providers(year))
    area_level, area_type = analysis.choice_by_level_and_type(
        areas, sites, counted, reach, levels, chosen_records
    )
    measured = np.array([cover.level_measured_for(level, params.qualification_types)
                         for level in levels], dtype=bool)
    n_areas = len(areas)
    state_code = choice.states(
        area_level["providers"].to_numpy(dtype=float, na_value=np.nan),
        area_level["nearest_minutes"].to_numpy(dtype=float), np.tile(measured, n_areas), params,
    )
    area_level["state"] = choice.STATE_ARRAY.take(state_code)
    area_level["measured"] = np.tile(measured, n_areas)
    area_level["cold"] = state_code <= 1
    # Provision not counted as choice, shown beside it ("plus 2 selective within reach").
    others = tuple(a for a in ACCESS_CLASSES if a not in choice.counted_access(params))
    for name, counts in analysis.others_within(
            areas, sites, chosen, access, reach, levels, others).items():
        area_level[f"{name}_within"] = counts.ravel()
    each_level = np.repeat(np.arange(n_areas), len(levels))
    area_level["region_slug"] = areas["region_slug"].array.take(each_level)
    area_level["in_kent"] = np.repeat(areas["in_kent"].to_numpy(dtype=bool), len(levels))
    area_level["cohort"] = areas["cohort_16_17"].to_numpy(dtype=float)[each_level]

    region_level = analysis.summarise_regions(
        areas, inputs.regions, sites, area_level, counted, levels
    )
    guarantee_areas = guarantee.guarantee_by_area(
        areas, sites, active, reach, params, records, cover, inputs.apprenticeships)
    guarantee_regions = guarantee.guarantee_by_region(guarantee_areas, areas, inputs.regions)
    send_areas, send_regions = analysis.send_reach(areas, sites, inputs.regions, reach)
    present_types = set(records["qualification_type"].unique())
    no_data_levels = tuple(
        level for level, known in zip(
            levels, analysis.recorded_levels(chosen_records, levels), strict=True) if not known
    )
    results = Results(
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
        coverage=cover,
        sites=sites,
        areas=areas,
        regions=inputs.regions,
        selected_offers=chosen.assign(access=access),
        apprenticeships_by_district=guarantee.apprenticeship_districts(
            inputs.apprenticeships, year) is not None,
        recorded_types=tuple(t for t in QUALIFICATION_TYPES if t in present_types),
        unrecorded_types=tuple(t for t in QUALIFICATION_TYPES if t not in present_types),
    )
    results._skills_parts = _skills_arguments(inputs, prepared)
    return results


def skills_for(results: Results) -> skills.Skills:
    """The skills measures of `results`: from the frames compute_from_inputs kept, or cached on
    (parameters, data version) beside the results, or made again from the data version's
    frames."""
    parts = getattr(results, "_skills_parts", None)
    version = results.data_version
    key = f"coldspots:skills:{results.params.cache_key()}:{version}"
    if version:
        cached = cache.get(key)
        if cached is not None:
            return cached
    if parts is None:
        if not version:
            raise ValueError("These results were made from frames that are gone: compute "
                             "them again to read their skills measures.")
        inputs = load_inputs(version)
        parts = _skills_arguments(inputs, _prepare(inputs, results.params))
    measures = skills.skills_measures(*parts)
    if version:
        cache.set(key, measures, CACHE_SECONDS)
    return measures


def specialist_options(results: Results, inputs: Inputs) -> np.ndarray:
    """remits.specialist_options for `results` (the SEND report's local choice, which builds a
    reach of its own), cached beside the results on (parameters, data version)."""
    key = f"coldspots:specialist-options:{results.params.cache_key()}:{results.data_version}"
    options = cache.get(key) if results.data_version else None
    if options is None:
        options = remits.specialist_options(inputs, results.sites, results.areas,
                                            results.params)
        if results.data_version:
            cache.set(key, options, CACHE_SECONDS)
    return options


# The data version a read-only request has already read (offermap.page_cache sets it around
# the view), so the request reads it once.
request_version: ContextVar[str | None] = ContextVar("request_version", default=None)


def data_version() -> str:
    """The current data version (see coldspots.signals), or the one this request read."""
    from coldspots.signals import data_version as current

    return request_version.get() or current()


# The frames of the latest data versions as objects in this process, each with the stamp it was
# cached with: unpickling them from the cache cost 20–25 ms on every request that reads them.
# The stamp (a small cache entry set with the frames) ties the copy to the cache: once the
# cache is cleared or the frames are set again, the copy is not used. Nothing changes the
# frames in place (every function takes them and returns new frames).
_local_inputs: dict[str, tuple[str, Inputs]] = {}
LOCAL_INPUT_VERSIONS = 2


def load_inputs(version: str | None = None) -> Inputs:
    """The frames from the database, cached on the data version."""
    from coldspots import frames

    version = version or data_version()
    key = f"coldspots:inputs:{version}"
    stamp_key = f"coldspots:inputs-stamp:{version}"
    stamp = cache.get(stamp_key)
    kept = _local_inputs.get(key)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    inputs = cache.get(key)
    if inputs is None:
        inputs = frames.load_inputs()
        cache.set(key, inputs, CACHE_SECONDS)
        stamp = uuid.uuid4().hex
        cache.set(stamp_key, stamp, CACHE_SECONDS)
    if stamp is not None:
        while len(_local_inputs) >= LOCAL_INPUT_VERSIONS:
            _local_inputs.pop(next(iter(_local_inputs)))
        _local_inputs[key] = (stamp, inputs)
    return inputs


def compute(params: AnalysisParams | None = None, version: str | None = None) -> Results:
    """Every measure for `params` on the live data, cached on (params, data version); a caller
    that has just read the version passes it, so a request reads it once."""
    params = params or AnalysisParams()
    version = version or data_version()
    key = f"coldspots:results:{params.cache_key()}:{version}"
    results = cache.get(key)
    if results is None:
        results = compute_from_inputs(load_inputs(version), params, version)
        cache.set(key, results, CACHE_SECONDS)
    return results


def point_check(
    easting: float, northing: float, params: AnalysisParams | None = None,
    district_code: str = "",
) -> dict:
    """The guarantee and the choice state at each level for one point, on the live data.

    Returns the guarantee.point_guarantee dict plus year, coverage (the year's Coverage) and
    levels (choice.point_choice items, one per measured level of the request).
    """
    params = params or AnalysisParams()
    inputs = load_inputs()
    year, _ = analysis.resolve_years(inputs.offers, params)
    sites = inputs.sites.sort_values("site_id", kind="stable").reset_index(drop=True)
    sites = analysis.sites_open_in(sites, year)
    active = analysis.active_offers(inputs.offers, sites, year)
    cover = coverage.coverage(inputs.offers, year,
                              no_offer=inputs.no_offer_providers(year))
    result = guarantee.point_guarantee(easting, northing, sites, active, params, cover=cover,
                                       apprenticeships=inputs.apprenticeships,
                                       district_code=district_code)
    levels = analysis.measured_levels(params)
    measured = {level: cover.level_measured_for(level, params.qualification_types)
                for level in levels}
    result["levels"] = choice.point_choice(
        easting, northing, sites, analysis.select_offers(active, params), params, measured,
        levels)
    result["year"] = year
    result["coverage"] = cover
    return result


# The earlier name: the guarantee part of point_check.
guarantee_for_point = point_check


def run_scenario(params: AnalysisParams | None, changes: list) -> object:
    """A what-if on the live data (see scenarios.run_scenario); writes nothing."""
    from coldspots import scenarios

    return scenarios.run_scenario(load_inputs(), params or AnalysisParams(), changes)
