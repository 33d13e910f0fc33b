"""Pure analysis over DataFrames: choice within reach, cold spots, LCPA summaries, duplication,
year-on-year change and SEND/AP reach.

Nothing here reads the database: `coldspots.frames` builds the frames (columns documented there)
and tests build them by hand. Unknown is not none: a measure that rests on a kind of offer with
no data recorded at all (e.g. no apprenticeship records in the year) says so in a `no_data`
column and leaves its counts as missing (pd.NA / NaN) rather than zero.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from coldspots.params import LEVELS, AnalysisParams
from coldspots.travel import (
    Reach,
    build_reach,
    estimate_minutes,
    nearest_arrays,
    reach_radius_m,
    straight_line_m,
)

KENT = "kent"  # the region_slug of the whole-county row in LCPA summaries
SPECIALIST_KINDS = ("special_school", "specialist_post16")
AP_KINDS = ("alternative_provision",)
SIXTH_FORM_KINDS = ("school_sixth_form",)
# Largest scratch table (slots) for distinct counting: 4 million int32 = 16 MB, so memory stays
# flat however large the input: bigger inputs are done in more blocks.
TABLE_LIMIT = 4_000_000


@dataclass(frozen=True)
class Inputs:
    """The frames one analysis reads (see coldspots.frames for their columns).

    areas, sites, offers (all years), regions, matrix (imported journey times, all modes:
    area_code, site_id, mode, minutes; may be empty), enrolments (16–18 headcounts:
    provider_id, academic_year, students_16_18; None or empty when not recorded) and
    apprenticeships (district-level supply, providers.apprenticeships.district_supply: per
    district_code and academic_year, providers_l2 and providers_l3; None when not loaded).
    For the skills measures (coldspots.skills): provider_standards (provider_ukprn,
    academic_year, standard_key, name, level, ssa_tier1, ssa_tier2, starts: national),
    apprenticeship_delivery (provider_ukprn, academic_year, district_code, starts: district
    starts) and priority_sectors (skills.sectors_frame); None when not loaded.
    no_offer (provider_id, academic_year): providers that confirmed they run nothing in a year
    (they have no record to carry the "confirmed" label; coverage counts them as confirmed).
    """

    areas: pd.DataFrame
    sites: pd.DataFrame
    offers: pd.DataFrame
    regions: pd.DataFrame
    matrix: pd.DataFrame
    enrolments: pd.DataFrame | None = None
    apprenticeships: pd.DataFrame | None = None
    provider_standards: pd.DataFrame | None = None
    apprenticeship_delivery: pd.DataFrame | None = None
    priority_sectors: pd.DataFrame | None = None
    no_offer: pd.DataFrame | None = None

    def matrix_for(self, mode: str) -> pd.DataFrame:
        """Imported journey times for one mode: area_code, site_id, minutes."""
        if self.matrix is None or self.matrix.empty:
            return pd.DataFrame({"area_code": [], "site_id": [], "minutes": []})
        rows = self.matrix[self.matrix["mode"] == mode]
        return rows[["area_code", "site_id", "minutes"]]

    def no_offer_providers(self, year: str) -> frozenset:
        """Providers that confirmed they run no offer in `year`."""
        if self.no_offer is None or self.no_offer.empty:
            return frozenset()
        rows = self.no_offer[self.no_offer["academic_year"] == year]
        return frozenset(rows["provider_id"])

    def years(self) -> tuple[str, ...]:
        """Academic years with at least one offer, oldest first."""
        if self.offers.empty:
            return ()
        return tuple(sorted(self.offers["academic_year"].dropna().unique()))


def default_year(offers: pd.DataFrame) -> str:
    """The year analysed when none is asked for: the latest year with published A Level records
    (the core of any year's offer), else the year with the most offers recorded (the latest on a
    tie). Sources cover different years (e.g. performance tables for 2016/17, a T Level register
    for 2021/22, SEND records for 2024/25), so "latest with any record" could pick a year holding
    one kind of offer only."""
    if offers.empty:
        return ""
    published_a_levels = offers[
        (offers["qualification_type"] == "a_level") & (offers["record_label"] == "published")
    ]
    if len(published_a_levels):
        return str(published_a_levels["academic_year"].max())
    counts = offers["academic_year"].value_counts()
    best = counts.max()
    return max(year for year, count in counts.items() if count == best)


def resolve_years(offers: pd.DataFrame, params: AnalysisParams) -> tuple[str, str | None]:
    """(year, compare_year) for a request: the requested year or `default_year`, and the
    requested comparison year or the latest year before it with offers (None if there is none)."""
    year = params.year or default_year(offers)
    if params.compare_year:
        return year, params.compare_year
    years = sorted(offers["academic_year"].dropna().unique()) if len(offers) else []
    earlier = [y for y in years if y < year]
    return year, (earlier[-1] if earlier else None)


def origins_of(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas as travel origins: code, easting, northing."""
    return pd.DataFrame({
        "code": areas["area_code"].to_numpy(),
        "easting": areas["easting"].to_numpy(float),
        "northing": areas["northing"].to_numpy(float),
    })


def active_offers(offers: pd.DataFrame, sites: pd.DataFrame, year: str) -> pd.DataFrame:
    """Offers running in `year`: not withdrawn, at an open provider, at a known site.

    Adds `site_pos` (the site's row position in `sites`) and `offer_key` ("type|subject or
    route": what makes two offers the same option for a young person) unless the frame already
    has it.
    """
    site_pos = pd.Index(sites["site_id"].to_numpy()).get_indexer(offers["site_id"].to_numpy())
    keep = np.flatnonzero(
        (offers["academic_year"].to_numpy() == year)
        & ~offers["withdrawn"].to_numpy(dtype=bool)
        & offers["provider_open"].to_numpy(dtype=bool)
        & (site_pos >= 0)
    )
    rows = offers.take(keep)
    rows["site_pos"] = site_pos[keep]
    if "offer_key" not in rows:
        rows["offer_key"] = offer_keys(rows)
    return rows


def year_records(offers: pd.DataFrame, sites: pd.DataFrame, year: str) -> pd.DataFrame:
    """Every offer recorded for `year` at a known site, running or not (withdrawn offers and
    closed providers included). "No data" is judged on these: a withdrawn offer is still a
    record that the kind of offer is covered by the data, so its absence is "none", not
    "unknown"."""
    site_pos = pd.Index(sites["site_id"].to_numpy()).get_indexer(offers["site_id"].to_numpy())
    keep = np.flatnonzero((offers["academic_year"].to_numpy() == year) & (site_pos >= 0))
    rows = offers.take(keep)
    rows["site_pos"] = site_pos[keep]
    return rows


def recorded_levels(records: pd.DataFrame, levels: tuple[str, ...]) -> np.ndarray:
    """Boolean per level: whether any record exists at that level."""
    recorded = np.zeros(len(levels), dtype=bool)
    codes = _codes(records["level"], levels)
    recorded[codes[codes >= 0]] = True
    return recorded


def offer_keys(offers: pd.DataFrame) -> pd.Series:
    """"type|subject-or-route" per offer, case-folded (the T Level route when there is one)."""
    # A plain loop: for a few thousand rows it is several times quicker than pandas .str calls.
    keys = [
        f"{kind}|{((route or '').strip() or (subject or '').strip()).casefold()}"
        for kind, route, subject in zip(
            offers["qualification_type"].to_numpy(), _text(offers["tlevel_route"]),
            _text(offers["subject"]), strict=True)
    ]
    return pd.Series(keys, index=offers.index, dtype=object)


def _text(column: pd.Series) -> list:
    """Column values as Python strings, missing values as ""."""
    return ["" if value is None or value != value else str(value)
            for value in column.to_numpy(dtype=object)]


def select_offers(offers: pd.DataFrame, params: AnalysisParams) -> pd.DataFrame:
    """Apply the request's filters (levels, qualification types, subjects, provider kinds).

    `subjects` match the subject or the T Level route, ignoring case.
    """
    keep = selected(offers, params)
    return offers if keep.all() else offers[keep]


def selected(offers: pd.DataFrame, params: AnalysisParams) -> np.ndarray:
    """Boolean array: which offers pass the request's filters (see select_offers)."""
    keep = np.ones(len(offers), dtype=bool)
    if params.levels:
        keep &= offers["level"].isin(params.levels).to_numpy()
    if params.qualification_types:
        keep &= offers["qualification_type"].isin(params.qualification_types).to_numpy()
    if params.provider_kinds:
        keep &= offers["provider_kind"].isin(params.provider_kinds).to_numpy()
    if params.subjects:
        wanted = {s.casefold() for s in params.subjects}
        keep &= (
            offers["subject"].fillna("").str.casefold().isin(wanted)
            | offers["tlevel_route"].fillna("").str.casefold().isin(wanted)
        ).to_numpy()
    return keep


def measured_levels(params: AnalysisParams) -> tuple[str, ...]:
    """The levels a request measures, in order: its `levels` filter, or all four."""
    return tuple(level for level in LEVELS if not params.levels or level in params.levels)


# ----------------------------------------------------------------------------------------------
# Sparse machinery: join reach pairs to the rows of a per-site table without a dense matrix.


def _expand(reach_site: np.ndarray, row_site: np.ndarray, n_sites: int):
    """For each reach pair, every table row at the pair's site: (pair index, row index)."""
    order = np.argsort(row_site, kind="stable")
    counts = np.bincount(row_site, minlength=n_sites)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_pair = counts[reach_site]
    total = int(per_pair.sum())
    pair_index = np.repeat(np.arange(len(reach_site)), per_pair)
    ends = np.cumsum(per_pair)
    offsets = np.arange(total) - np.repeat(ends - per_pair, per_pair)
    row_index = order[np.repeat(starts[reach_site], per_pair) + offsets]
    return pair_index, row_index


def _distinct_count(
    origin: np.ndarray, group: np.ndarray, items: np.ndarray, n_origins: int, n_groups: int,
    n_items: int,
) -> np.ndarray:
    """Number of distinct items per (origin, group) cell, as a flat array of n_origins × n_groups.

    origin must be non-decreasing (rows come from reach pairs, which are sorted by origin).
    Rows are processed in blocks of origins: each row writes its own row number into a table
    slot for its (cell, item); the rows that read their own number back are one per distinct
    (cell, item). That is linear in the rows, with no sort, and the table stays under
    TABLE_LIMIT slots however many cells and items there are.
    """
    counts = np.zeros(n_origins * n_groups, dtype=np.int64)
    if len(origin) == 0:
        return counts
    n_items = max(n_items, 1)
    per_origin = n_groups * n_items
    block = max(1, TABLE_LIMIT // per_origin)
    table = np.empty(min(n_origins, block) * per_origin, dtype=np.int32)
    bounds = np.searchsorted(origin, np.arange(0, n_origins + block, block))
    for number, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        if lo == hi:
            continue
        first_origin = number * block
        cell = (origin[lo:hi] - first_origin) * n_groups + group[lo:hi]
        slot = cell * n_items + items[lo:hi]
        rows = np.arange(hi - lo, dtype=np.int32)
        table[slot] = rows
        winners = table[slot] == rows
        width = min(block, n_origins - first_origin) * n_groups
        counts[first_origin * n_groups:first_origin * n_groups + width] += np.bincount(
            cell[winners], minlength=width)
    return counts


@dataclass
class GroupReach:
    """Per (origin, group): distinct offers and providers within reach, and the nearest site."""

    offers: np.ndarray  # (n_origins, n_groups) int
    providers: np.ndarray  # (n_origins, n_groups) int
    nearest_minutes: np.ndarray  # (n_origins, n_groups) float, NaN = nothing anywhere
    nearest_site: np.ndarray  # (n_origins, n_groups) int site position, -1 = none


def group_reach(
    reach: Reach, row_site: np.ndarray, row_group: np.ndarray, row_key: np.ndarray,
    n_groups: int, provider_of_site: np.ndarray, with_nearest: bool = True,
    count_keys: bool = True,
) -> GroupReach:
    """Choice per origin × group (e.g. level) from a table of offers (site, group, key codes).

    Counts distinct keys (unless count_keys is False) and distinct providers over the pairs
    within reach; with_nearest also finds the nearest site per group: within reach when there
    is one, by k-nearest query beyond reach otherwise (else nearest_* are NaN / -1).
    """
    n, m = reach.n_origins, reach.n_sites
    n_cells = n * n_groups
    offers = np.zeros(n_cells, dtype=np.int64)
    providers = np.zeros(n_cells, dtype=np.int64)
    best = np.full(n_cells, np.nan)
    best_site = np.full(n_cells, -1, dtype=np.int64)
    if len(row_site):
        if not count_keys:
            row_key = np.zeros(len(row_site), dtype=np.int64)
        n_keys = int(row_key.max()) + 1
        # Distinct (site, group, key): the same option twice at one site is one option.
        distinct = np.unique((row_site.astype(np.int64) * n_groups + row_group) * n_keys + row_key)
        d_key = distinct % n_keys
        d_site_group = distinct // n_keys
        d_site, d_group = d_site_group // n_groups, d_site_group % n_groups
        # One expansion of pairs × the rows at each pair's site serves every count.
        pair_index, row_index = _expand(reach.site, d_site, m)
        origin = reach.origin[pair_index]
        group = d_group[row_index]
        if count_keys:
            offers = _distinct_count(origin, group, d_key[row_index], n, n_groups, n_keys)
        n_providers = int(provider_of_site.max()) + 1 if len(provider_of_site) else 1
        providers = _distinct_count(origin, group, provider_of_site[d_site[row_index]],
                                    n, n_groups, n_providers)
        if with_nearest:
            cell = origin * n_groups + group
            minutes = reach.minutes[pair_index]
            best = np.full(n_cells, np.inf)
            np.minimum.at(best, cell, minutes)
            at_best = minutes == best[cell]
            best_site = np.full(n_cells, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best_site, cell[at_best], reach.site[pair_index][at_best])
            best_site[best_site == np.iinfo(np.int64).max] = -1
            for each in np.unique(d_group):
                cells = np.arange(n) * n_groups + each
                missing = np.flatnonzero(best_site[cells] < 0)
                if len(missing) == 0:
                    continue
                mask = np.zeros(m, dtype=bool)
                mask[d_site[d_group == each]] = True
                found_origin, site, found_minutes, _ = nearest_arrays(reach, mask, missing, k=1)
                target = found_origin * n_groups + each
                best[target] = found_minutes
                best_site[target] = site
            best[best_site < 0] = np.nan
    return GroupReach(
        offers.reshape(n, n_groups), providers.reshape(n, n_groups),
        best.reshape(n, n_groups), best_site.reshape(n, n_groups),
    )


def _codes(values: pd.Series | np.ndarray, categories) -> np.ndarray:
    """Position of each value in `categories` (-1 when absent)."""
    values = np.asarray(values, dtype=object)
    categories = list(categories)
    if len(categories) > 8:
        return pd.Index(categories).get_indexer(values)
    # A few comparisons beat building a hash index for the handful of levels.
    codes = np.full(len(values), -1, dtype=np.int64)
    for position, category in enumerate(categories):
        codes[values == category] = position
    return codes


def provider_codes(sites: pd.DataFrame) -> np.ndarray:
    """Dense integer code of each site's provider (by site position)."""
    return pd.factorize(sites["provider_id"].to_numpy())[0].astype(np.int64)


# ----------------------------------------------------------------------------------------------
# Choice within reach and cold spots


def choice_by_level(
    areas: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame, reach: Reach,
    levels: tuple[str, ...] = LEVELS, with_nearest: bool = True,
    records: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Choice within reach for every area × level.

    offers: the selected active offers (with site_pos and offer_key, see `active_offers`).
    reach: pairs from the areas (in `areas` row order) to `sites` within the travel time.
    Returns one row per area × level: area_code, level, offers (distinct type + subject/route
    within reach), providers (distinct providers within reach), nearest_minutes (to the nearest
    site offering that level, within reach or not; NaN when none anywhere), nearest_site_id
    (Int64), no_data (no offer at that level recorded at all; then offers and providers are NA).
    records: the year's records that judge no_data (see `year_records`, after the request's
    filters); default `offers`.
    """
    level_code = _codes(offers["level"], levels)
    keep = level_code >= 0
    key_code = pd.factorize(offers["offer_key"].to_numpy())[0]
    stats = group_reach(
        reach, offers["site_pos"].to_numpy()[keep].astype(np.int64), level_code[keep],
        key_code[keep], len(levels), provider_codes(sites), with_nearest=with_nearest,
    )
    recorded = recorded_levels(offers if records is None else records, levels)
    return _cells_frame(areas, sites, stats, pd.DataFrame({"level": list(levels)}), recorded)


def nullable_ints(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """An Int64 array with pd.NA where `missing` is True."""
    values = np.where(missing, 0, values).astype(np.int64)
    return pd.arrays.IntegerArray(values, np.asarray(missing, dtype=bool))


def site_ids_at(sites: pd.DataFrame, positions: np.ndarray) -> pd.arrays.IntegerArray:
    """Site ids for site positions, with pd.NA for -1 (no site)."""
    ids = sites["site_id"].to_numpy()
    found = positions >= 0
    values = ids[np.where(found, positions, 0)] if len(ids) else np.zeros(len(positions))
    return nullable_ints(values, ~found)


def _cells_frame(
    areas: pd.DataFrame, sites: pd.DataFrame, stats: GroupReach, groups: pd.DataFrame,
    recorded: np.ndarray,
) -> pd.DataFrame:
    n, g = stats.offers.shape
    no_data = np.tile(~recorded, n)
    # Taking from the existing string arrays avoids re-reading thousands of Python strings.
    columns = {"area_code": areas["area_code"].array.take(np.repeat(np.arange(n), g))}
    for column in groups.columns:
        columns[column] = pd.array(groups[column].to_numpy(), dtype="str").take(
            np.tile(np.arange(g), n))
    columns["offers"] = nullable_ints(stats.offers.ravel(), no_data)
    columns["providers"] = nullable_ints(stats.providers.ravel(), no_data)
    columns["nearest_minutes"] = stats.nearest_minutes.ravel()
    columns["nearest_site_id"] = site_ids_at(sites, stats.nearest_site.ravel())
    columns["no_data"] = no_data
    return pd.DataFrame(columns)


def choice_by_level_and_type(
    areas: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame, reach: Reach,
    levels: tuple[str, ...] = LEVELS, records: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Choice within reach per area × level (`choice_by_level`'s frame) and per area × level ×
    qualification type, sharing the work (what compute uses).

    The second frame has the same columns plus qualification_type; only (level, type)
    combinations with at least one offer are listed (so its no_data is always False).
    The per-type pass gives each level's options (the sum over types, since an offer key starts
    with its type) and nearest minutes (the least over types); only distinct providers need a
    pass of their own at level granularity.
    """
    level_code = _codes(offers["level"], levels)
    keep = level_code >= 0
    offers = offers[keep]
    level_code = level_code[keep]
    type_code, types = pd.factorize(offers["qualification_type"].to_numpy(), sort=True)
    width = max(len(types), 1)
    uniques, combo_code = np.unique(level_code * width + type_code, return_inverse=True)
    combo_level = uniques // width
    combos = pd.DataFrame({
        "level": [levels[u // width] for u in uniques],
        "qualification_type": [types[u % width] for u in uniques],
    })
    site_pos = offers["site_pos"].to_numpy().astype(np.int64)
    key_code = pd.factorize(offers["offer_key"].to_numpy())[0]
    provider_of_site = provider_codes(sites)
    by_type = group_reach(reach, site_pos, combo_code, key_code, len(combos), provider_of_site)
    area_type = _cells_frame(areas, sites, by_type, combos, np.ones(len(combos), dtype=bool))

    n, n_levels = reach.n_origins, len(levels)
    level_offers = np.zeros((n, n_levels), dtype=np.int64)
    level_best = np.full((n, n_levels), np.nan)
    level_site = np.full((n, n_levels), -1, dtype=np.int64)
    recorded = recorded_levels(offers if records is None else records, levels)
    for level in range(n_levels):
        columns = np.flatnonzero(combo_level == level)
        if len(columns) == 0:
            continue
        level_offers[:, level] = by_type.offers[:, columns].sum(axis=1)
        minutes = by_type.nearest_minutes[:, columns]
        best = minutes.min(axis=1)
        level_best[:, level] = best
        tied = np.where(minutes == best[:, None], by_type.nearest_site[:, columns],
                        np.iinfo(np.int64).max)
        level_site[:, level] = tied.min(axis=1)
    providers = group_reach(
        reach, site_pos, level_code, np.zeros(len(site_pos), dtype=np.int64), n_levels,
        provider_of_site, with_nearest=False, count_keys=False,
    ).providers
    by_level = GroupReach(level_offers, providers, level_best, level_site)
    area_level = _cells_frame(areas, sites, by_level, pd.DataFrame({"level": list(levels)}),
                              recorded)
    return area_level, area_type


def others_within(
    areas: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame, access: np.ndarray,
    reach: Reach, levels: tuple[str, ...], classes: tuple[str, ...],
) -> dict[str, np.ndarray]:
    """Per access class: distinct providers of that class with an offer of each level within
    reach, as an (n_areas, n_levels) array (for "plus 2 selective, 1 independent within reach").

    offers: the selected active offers (site_pos); access: their access classes.
    """
    n_levels, n_classes = len(levels), max(len(classes), 1)
    level_code = _codes(offers["level"], levels)
    class_code = _codes(access, classes)
    keep = (level_code >= 0) & (class_code >= 0)
    stats = group_reach(
        reach, offers["site_pos"].to_numpy()[keep].astype(np.int64),
        level_code[keep] * n_classes + class_code[keep], np.zeros(int(keep.sum()), np.int64),
        n_levels * n_classes, provider_codes(sites), with_nearest=False, count_keys=False,
    ).providers.reshape(reach.n_origins, n_levels, n_classes)
    return {name: stats[:, :, i] for i, name in enumerate(classes)}


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative weight reaches q of the total (NaN values and
    non-positive weights are ignored; NaN when nothing is left)."""
    return weighted_quantiles(values, weights, (q,))[0]


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> list[float]:
    """`weighted_quantile` for several q at once (one sort)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    keep = ~np.isnan(values) & (weights > 0)
    if not keep.any():
        return [float("nan")] * len(qs)
    values, weights = values[keep], weights[keep]
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = np.searchsorted(cumulative, np.asarray(qs) * cumulative[-1], side="left")
    return [float(v) for v in values[order][np.minimum(index, len(values) - 1)]]


def region_rows(areas: pd.DataFrame, regions: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """(region_slug, region_name, positions of its areas) for each LCPA, then Kent as a whole."""
    code = pd.Index(list(regions["region_slug"])).get_indexer(areas["region_slug"].to_numpy())
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(regions) + 1))
    rows = [(slug, name, order[bounds[i]:bounds[i + 1]]) for i, (slug, name) in enumerate(zip(
        regions["region_slug"], regions["region_name"], strict=True))]
    rows.append((KENT, "Kent", np.flatnonzero(areas["in_kent"].to_numpy(dtype=bool))))
    return rows


def summarise_regions(
    areas: pd.DataFrame, regions: pd.DataFrame, sites: pd.DataFrame, area_level: pd.DataFrame,
    offers: pd.DataFrame, levels: tuple[str, ...],
) -> pd.DataFrame:
    """Per LCPA × level (and Kent × level): the cohort in each choice state.

    area_level: rows area-major in `areas` order, then levels in order, with state ("no_choice"
    | "reduced_choice" | "choice" | "partial_data"), providers, nearest_minutes and no_data.
    Columns: region_slug, region_name, level, areas, cohort (sum of cohort_16_17, missing figures
    count as 0), measured (the level is measured in the year), no_choice_areas,
    reduced_choice_areas, no_choice_share, reduced_choice_share, cold_areas and cold_cohort
    (no or reduced choice), cold_share (their share of the cohort; NaN when the cohort is 0 or
    the level is not measured), mean_providers (cohort-weighted mean of counted providers within
    reach; NaN when no record), options (offers at sites in the LCPA at that level: a count of
    supply in the LCPA, not within reach), options_per_1000 (those offers per 1,000 of the
    LCPA's cohort), median_minutes and p90_minutes (cohort-weighted median and 90th percentile
    of minutes to the nearest counted offer), no_data (no record at the level at all).
    """
    cohort = areas["cohort_16_17"].fillna(0).to_numpy(dtype=float)
    n_levels = len(levels)
    level_pos = {level: i for i, level in enumerate(levels)}
    state = area_level["state"].to_numpy(dtype=object).reshape(-1, n_levels)
    providers = area_level["providers"].to_numpy(dtype=float, na_value=np.nan).reshape(
        -1, n_levels)
    minutes = area_level["nearest_minutes"].to_numpy(dtype=float).reshape(-1, n_levels)
    no_data = area_level["no_data"].to_numpy(dtype=bool).reshape(-1, n_levels)[0] if len(
        area_level) else np.ones(n_levels, dtype=bool)
    measured = (state != "partial_data").any(axis=0) if len(state) else np.zeros(
        n_levels, dtype=bool)
    site_region = pd.Index(list(regions["region_slug"])).get_indexer(
        sites["region_slug"].to_numpy())
    offer_region = site_region[offers["site_pos"].to_numpy(dtype=np.int64)]
    offer_level = _codes(offers["level"], levels)
    # Offers per (LCPA, level), with Kent (every site in an LCPA) as the last row.
    in_lcpa = (offer_region >= 0) & (offer_level >= 0)
    n_regions = len(regions)
    option_counts = np.zeros((n_regions + 1, n_levels), dtype=np.int64)
    np.add.at(option_counts, (offer_region[in_lcpa], offer_level[in_lcpa]), 1)
    option_counts[n_regions] = option_counts[:n_regions].sum(axis=0)
    records = []
    for number, (slug, name, mask) in enumerate(region_rows(areas, regions)):
        total = float(cohort[mask].sum())
        weights = cohort[mask]
        for level in levels:
            i = level_pos[level]
            options = int(option_counts[number, i])
            here = state[mask, i] if len(state) else np.zeros(0, dtype=object)
            none_cohort = float(weights[here == "no_choice"].sum())
            reduced_cohort = float(weights[here == "reduced_choice"].sum())
            shares_known = total > 0 and bool(measured[i])
            median, p90 = weighted_quantiles(minutes[mask, i], weights, (0.5, 0.9)) if len(
                minutes) else (np.nan, np.nan)
            counted = np.nan_to_num(providers[mask, i]) if len(providers) else np.zeros(0)
            records.append({
                "region_slug": slug, "region_name": name, "level": level,
                "areas": len(mask), "cohort": total, "measured": bool(measured[i]),
                "no_choice_areas": int((here == "no_choice").sum()),
                "reduced_choice_areas": int((here == "reduced_choice").sum()),
                "no_choice_share": none_cohort / total if shares_known else np.nan,
                "reduced_choice_share": reduced_cohort / total if shares_known else np.nan,
                "cold_areas": int(np.isin(here, ("no_choice", "reduced_choice")).sum()),
                "cold_cohort": none_cohort + reduced_cohort,
                "cold_share": (none_cohort + reduced_cohort) / total if shares_known
                else np.nan,
                "mean_providers": float((counted * weights).sum() / total)
                if total > 0 and not no_data[i] else np.nan,
                "options": np.nan if no_data[i] else options,
                "options_per_1000": (options * 1000 / total) if total > 0 and not no_data[i]
                else np.nan,
                "median_minutes": median,
                "p90_minutes": p90,
                "no_data": bool(no_data[i]),
            })
    return pd.DataFrame.from_records(records, columns=REGION_LEVEL_COLUMNS)


REGION_LEVEL_COLUMNS = [
    "region_slug", "region_name", "level", "areas", "cohort", "measured", "no_choice_areas",
    "reduced_choice_areas", "no_choice_share", "reduced_choice_share", "cold_areas",
    "cold_cohort", "cold_share", "mean_providers", "options", "options_per_1000",
    "median_minutes", "p90_minutes", "no_data",
]


# ----------------------------------------------------------------------------------------------
# Duplication with small numbers


def _pairs_within_groups(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j), i before j in sorted order, of rows sharing a group code (vectorised)."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    n = len(groups)
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    boundary = np.r_[True, sorted_groups[1:] != sorted_groups[:-1]]
    group_end = np.r_[np.flatnonzero(boundary)[1:], n]
    end_of = group_end[np.cumsum(boundary) - 1]
    partners = end_of - np.arange(n) - 1
    first = np.repeat(np.arange(n), partners)
    offsets = np.arange(partners.sum()) - np.repeat(np.cumsum(partners) - partners, partners)
    return order[first], order[first + 1 + offsets]


def duplication(
    offers: pd.DataFrame, sites: pd.DataFrame, params: AnalysisParams
) -> pd.DataFrame:
    """Collaboration candidates: pairs of small offers of the same option by different providers.

    offers: the selected active offers (site_pos, offer_key). An offer is small when its learners
    are known and below params.small_learners. Two small offers with the same level and offer_key
    at different providers are a candidate when their sites are in the same LCPA (same_lcpa) or
    within params.duplication_minutes of each other by the selected mode's distance estimate
    (within_minutes). One row per pair (course_id_a < course_id_b): level, qualification_type,
    offer_key, subject, same_lcpa, within_minutes, minutes_apart, and for a and b: course_id,
    provider_id, provider_name, site_id, site_name, region_slug, learners.
    """
    columns = ["level", "qualification_type", "offer_key", "subject", "same_lcpa",
               "within_minutes", "minutes_apart"] + [
        f"{field}_{side}" for side in ("a", "b") for field in
        ("course_id", "provider_id", "provider_name", "site_id", "site_name", "region_slug",
         "learners")]
    learners = offers["learners"].to_numpy(dtype=float)
    rows = np.flatnonzero(~np.isnan(learners) & (learners < params.small_learners))
    if len(rows) < 2:
        return pd.DataFrame(columns=columns)

    def column(name):
        return offers[name].to_numpy()[rows]

    learners = learners[rows]
    site_pos = column("site_pos").astype(np.int64)
    course = column("course_id")
    provider = column("provider_id")
    level = column("level")
    offer_key = column("offer_key")
    # Keys in sorted order, so that the codes also give the output order.
    key_code, keys = pd.factorize(offer_key, sort=True)
    level_code = _codes(level, LEVELS).astype(np.int64)
    option = level_code * max(len(keys), 1) + key_code
    region_slugs = sites["region_slug"].to_numpy()
    region = pd.factorize(region_slugs, use_na_sentinel=True)[0][site_pos]
    x = sites["easting"].to_numpy(float)[site_pos]
    y = sites["northing"].to_numpy(float)[site_pos]
    assumptions = params.assumptions()

    # Same LCPA: rows sharing (option, LCPA).
    in_lcpa = np.flatnonzero(region >= 0)
    n_regions = int(region.max()) + 1 if (region >= 0).any() else 1
    i1, j1 = _pairs_within_groups(option[in_lcpa] * n_regions + region[in_lcpa])
    i1, j1 = in_lcpa[i1], in_lcpa[j1]
    # Within minutes: offers whose sites are within the radius, then the same option.
    radius = reach_radius_m(params.duplication_minutes, assumptions)
    if radius >= 0:
        close = cKDTree(np.column_stack([x, y])).query_pairs(
            radius * (1 + 1e-9) + 1e-3, output_type="ndarray")
        i2, j2 = close[:, 0].astype(np.int64), close[:, 1].astype(np.int64)
        same_option = option[i2] == option[j2]
        i2, j2 = i2[same_option], j2[same_option]
    else:
        i2 = j2 = np.empty(0, np.int64)
    i = np.concatenate([i1, i2])
    j = np.concatenate([j1, j2])
    keep = provider[i] != provider[j]
    i, j = i[keep], j[keep]
    # Put the lower course id first, then drop pairs found by both rules.
    swap = course[i] > course[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    code = np.unique(i * len(rows) + j)
    i, j = code // len(rows), code % len(rows)
    distance = straight_line_m(x[i], y[i], x[j], y[j])
    minutes_apart = estimate_minutes(distance, assumptions)
    same_lcpa = (region[i] >= 0) & (region[i] == region[j])
    within = minutes_apart <= params.duplication_minutes
    keep = np.flatnonzero(same_lcpa | within)
    # Output order: level, offer key, then the two course ids.
    keep = keep[np.lexsort((course[j[keep]], course[i[keep]], key_code[i[keep]],
                            level_code[i[keep]]))]
    i, j = i[keep], j[keep]
    route = np.array(_text(offers["tlevel_route"]), dtype=object)[rows]
    subject = np.where(route != "", route, np.array(_text(offers["subject"]), dtype=object)[rows])
    result = {
        "level": level[i],
        "qualification_type": column("qualification_type")[i],
        "offer_key": offer_key[i],
        "subject": subject[i],
        "same_lcpa": same_lcpa[keep],
        "within_minutes": within[keep],
        "minutes_apart": minutes_apart[keep],
    }
    site_ids = sites["site_id"].to_numpy()
    site_names = sites["site_name"].to_numpy()
    provider_names = sites["provider_name"].to_numpy()
    for side, pick in (("a", i), ("b", j)):
        pos = site_pos[pick]
        result[f"course_id_{side}"] = course[pick]
        result[f"provider_id_{side}"] = provider[pick]
        result[f"provider_name_{side}"] = provider_names[pos]
        result[f"site_id_{side}"] = site_ids[pos]
        result[f"site_name_{side}"] = site_names[pos]
        result[f"region_slug_{side}"] = region_slugs[pos]
        result[f"learners_{side}"] = learners[pick]
    return pd.DataFrame(result)[columns]


def small_sixth_forms(
    offers: pd.DataFrame, sites: pd.DataFrame, params: AnalysisParams,
    enrolments: pd.DataFrame | None = None, year: str | None = None,
) -> pd.DataFrame:
    """School sixth forms with fewer students than params.small_sixth_form (the DfE's ~200).

    A sixth form's size is its 16–18 headcount for the year where one is recorded (`enrolments`,
    DfE TPUP1618: size_source "headcount"); otherwise the sum of the known learners on its
    offers (size_source "courses"), which counts students per qualification family and misses
    families the tables do not split out, so it is only a rough guide; where the year has
    neither, the latest earlier figure (a headcount, or the 2019/20 allocation), size_source
    "headcount" with size_year its year and size_measure what it counts (enrolments' optional
    measure column). Providers with no figure are not flagged (unknown is not small), nor are
    closed ones.
    offers: active offers in the year (unfiltered by the request's level/type filters).
    Columns: provider_id, provider_name, provider_urn, region_slug, learners (the size used),
    size_source, size_year (the year of the figure), size_measure ("" = not recorded), offers
    (running offers in the year).
    """
    columns = ["provider_id", "provider_name", "provider_urn", "region_slug", "learners",
               "size_source", "size_year", "size_measure", "offers"]
    school = (sites["provider_kind"].isin(SIXTH_FORM_KINDS).to_numpy()
              & sites["provider_open"].to_numpy(dtype=bool))
    ids = np.unique(sites["provider_id"].to_numpy()[school])
    offer_provider = offers["provider_id"].to_numpy()
    position = np.searchsorted(ids, offer_provider)
    at_school = (position < len(ids)) & (ids[np.minimum(position, max(len(ids) - 1, 0))]
                                         == offer_provider) if len(ids) else (
        np.zeros(len(offers), dtype=bool))
    position = position[at_school]
    learners = offers["learners"].to_numpy(dtype=float)[at_school]
    known = ~np.isnan(learners)
    by_courses = np.bincount(position[known], weights=learners[known], minlength=len(ids))
    any_known = np.bincount(position[known], minlength=len(ids)) > 0
    count = np.bincount(position, minlength=len(ids))
    size = np.where(any_known, by_courses, np.nan)
    source = np.where(any_known, "courses", "")
    size_year = np.where(any_known, year or "", "").astype(object)
    size_measure = np.full(len(ids), "", dtype=object)
    if enrolments is not None and len(enrolments) and year is not None and len(ids):
        # The latest figure up to the year: the year's own, else an earlier one (labelled with
        # its year), used only where the year's courses give no size either.
        latest = enrolments.loc[
            (enrolments["academic_year"].to_numpy(dtype=object) <= year)
            & ~np.isnan(enrolments["students_16_18"].to_numpy(dtype=float))
        ].sort_values(["provider_id", "academic_year"], kind="stable").drop_duplicates(
            "provider_id", keep="last")
        enrolled = latest["provider_id"].to_numpy()
        where = np.searchsorted(ids, enrolled)
        match = (where < len(ids)) & (ids[np.minimum(where, len(ids) - 1)] == enrolled)
        headcount = np.full(len(ids), np.nan)
        headcount[where[match]] = latest["students_16_18"].to_numpy(dtype=float)[match]
        headcount_year = np.full(len(ids), "", dtype=object)
        headcount_year[where[match]] = latest["academic_year"].to_numpy(dtype=object)[match]
        measure = np.full(len(ids), "", dtype=object)
        if "measure" in latest:
            measure[where[match]] = latest["measure"].fillna("").to_numpy(dtype=object)[match]
        # An earlier figure sizes only a sixth form that still has offers in the year.
        use = ~np.isnan(headcount) & ((headcount_year == year) | (~any_known & (count > 0)))
        size = np.where(use, headcount, size)
        source = np.where(use, "headcount", source)
        size_year = np.where(use, headcount_year, size_year)
        size_measure = np.where(use, measure, size_measure)
    flagged = ~np.isnan(size) & (size < params.small_sixth_form)
    flagged_ids = ids[flagged]
    # Each provider is described by its main site (the first site when none is marked main).
    site_provider = sites["provider_id"].to_numpy()
    order = np.lexsort((~sites["is_main"].to_numpy(dtype=bool), site_provider))
    first = order[np.r_[True, site_provider[order][1:] != site_provider[order][:-1]]] if len(
        order) else order
    main = first[np.searchsorted(site_provider[first], flagged_ids)] if len(flagged_ids) else (
        first[:0])
    names = sites["provider_name"].to_numpy()[main]
    order = np.lexsort((names.astype(str), size[flagged])) if len(main) else main
    main = main[order]
    return pd.DataFrame({
        "provider_id": flagged_ids[order],
        "provider_name": sites["provider_name"].array.take(main),
        "provider_urn": sites["provider_urn"].array.take(main),
        "region_slug": sites["region_slug"].array.take(main),
        "learners": size[flagged][order],
        "size_source": source[flagged][order],
        "size_year": size_year[flagged][order],
        "size_measure": size_measure[flagged][order],
        "offers": count[flagged][order],
    }, columns=columns)


# ----------------------------------------------------------------------------------------------
# Year-on-year


def year_on_year(
    offers: pd.DataFrame, sites: pd.DataFrame, regions: pd.DataFrame, year_from: str | None,
    year_to: str, params: AnalysisParams,
) -> pd.DataFrame:
    """Offers and learners per LCPA × level in two years, with the change.

    offers: all offers (any year); the request's filters are applied and withdrawn offers or
    closed providers are left out, as for the main measures. Offers are counted by site LCPA;
    "kent" is every site in an LCPA. Columns: region_slug, region_name, level, year_from,
    year_to, offers_from, offers_to, offers_change, learners_from, learners_to, learners_change,
    no_data_from, no_data_to (no offer at that level recorded in that year anywhere: the counts
    are then NaN, not 0). learners_* are sums of known learners: 0 where the region has no
    offer at the level that year, NaN where it has offers but none with known learners.
    """
    levels = measured_levels(params)
    columns = ["region_slug", "region_name", "level", "year_from", "year_to", "offers_from",
               "offers_to", "offers_change", "learners_from", "learners_to", "learners_change",
               "no_data_from", "no_data_to"]
    slugs = [*regions["region_slug"], KENT]
    names = [*regions["region_name"], "Kent"]
    n_regions, n_levels = len(slugs), len(levels)
    site_region = pd.Index(list(regions["region_slug"])).get_indexer(
        sites["region_slug"].to_numpy())
    counted: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    # Masks on the whole frame, not filtered copies: this runs on every request.
    site_pos = pd.Index(sites["site_id"].to_numpy()).get_indexer(offers["site_id"].to_numpy())
    all_levels = _codes(offers["level"].to_numpy(), levels)
    all_years = offers["academic_year"].to_numpy()
    wanted = (site_pos >= 0) & selected(offers, params)
    is_running = (~offers["withdrawn"].to_numpy(dtype=bool)
                  & offers["provider_open"].to_numpy(dtype=bool))
    all_learners = offers["learners"].to_numpy(dtype=float)
    for suffix, year in (("from", year_from), ("to", year_to)):
        offers_n = np.full((n_regions, n_levels), np.nan)
        learners = np.full((n_regions, n_levels), np.nan)
        no_data = np.ones(n_levels, dtype=bool)
        if year is not None:
            in_year = (all_years == year) & wanted
            running = np.flatnonzero(in_year & is_running)
            level = all_levels[running]
            region = site_region[site_pos[running]]
            known = all_learners[running]
            keep = level >= 0
            level, region, known = level[keep], region[keep], known[keep]
            # No data: nothing recorded at the level in the year, running or not.
            recorded = all_levels[in_year]
            no_data = np.bincount(recorded[recorded >= 0], minlength=n_levels) == 0
            in_lcpa = region >= 0
            # Kent is every site in an LCPA: the last row.
            cells = np.concatenate([region[in_lcpa] * n_levels + level[in_lcpa],
                                    (n_regions - 1) * n_levels + level[in_lcpa]])
            values = np.concatenate([known[in_lcpa], known[in_lcpa]])
            size = n_regions * n_levels
            offers_n = np.bincount(cells, minlength=size).astype(float).reshape(
                n_regions, n_levels)
            has = ~np.isnan(values)
            learners = np.bincount(cells[has], weights=values[has], minlength=size).astype(
                float).reshape(n_regions, n_levels)
            any_known = np.bincount(cells[has], minlength=size).reshape(n_regions, n_levels) > 0
            # Unknown only where there are offers whose learners are all unknown: a region with
            # no offer at the level has no learners (0), so a course starting there is a change.
            learners[~any_known & (offers_n > 0)] = np.nan
            offers_n[:, no_data] = np.nan
            learners[:, no_data] = np.nan
        counted[suffix] = (offers_n, learners, no_data)
    frame = pd.DataFrame({
        "region_slug": np.repeat(slugs, n_levels),
        "region_name": np.repeat(names, n_levels),
        "level": np.tile(list(levels), n_regions),
        "year_from": year_from,
        "year_to": year_to,
    })
    for suffix in ("from", "to"):
        offers_n, learners, no_data = counted[suffix]
        frame[f"offers_{suffix}"] = offers_n.ravel()
        frame[f"learners_{suffix}"] = learners.ravel()
        frame[f"no_data_{suffix}"] = np.tile(no_data, n_regions)
    frame["offers_change"] = frame["offers_to"] - frame["offers_from"]
    frame["learners_change"] = frame["learners_to"] - frame["learners_from"]
    return frame[columns]


# ----------------------------------------------------------------------------------------------
# SEND and SEMH


def specialist_site_mask(sites: pd.DataFrame) -> np.ndarray:
    """Sites of open providers of specialist post-16 provision (special schools, specialist
    post-16 institutions, or any provider flagged specialist SEND)."""
    return (
        sites["provider_open"].to_numpy(dtype=bool)
        & (sites["specialist_send"].to_numpy(dtype=bool)
           | sites["provider_kind"].isin(SPECIALIST_KINDS).to_numpy())
    )


def ap_site_mask(sites: pd.DataFrame) -> np.ndarray:
    """Sites of open alternative provision / pupil referral units."""
    return sites["provider_open"].to_numpy(dtype=bool) & sites["provider_kind"].isin(
        AP_KINDS).to_numpy()


def nearest_in(reach: Reach, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per origin: minutes to the nearest masked site (NaN none), its position (-1), and whether
    one is within reach."""
    n = reach.n_origins
    minutes = np.full(n, np.nan)
    site = np.full(n, -1, dtype=np.int64)
    within = np.zeros(n, dtype=bool)
    if not mask.any():
        return minutes, site, within
    origin, found_site, found_minutes, _ = nearest_arrays(reach, mask, None, k=1)
    minutes[origin] = found_minutes
    site[origin] = found_site
    within = minutes <= reach.limit
    return minutes, site, within


def send_reach(
    areas: pd.DataFrame, sites: pd.DataFrame, regions: pd.DataFrame, reach: Reach
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """"Distance to learn" for SEND and reach of alternative provision (AP) for SEMH.

    Returns (send_areas, send_regions).
    send_areas: area_code, region_slug, ehcp (estimate, NaN unknown), specialist_minutes,
        specialist_site_id, specialist_within_reach, ap_minutes, ap_site_id, ap_within_reach.
    send_regions (each LCPA, then "kent"): region_slug, region_name, ehcp, cohort,
        specialist_mean_minutes and specialist_median_minutes (weighted by the EHCP estimate),
        specialist_within_reach_share (EHCP-weighted), ap_reach_share (cohort-weighted share with
        AP within the travel time), ap_median_minutes (cohort-weighted), no_data_specialist,
        no_data_ap (no such provision recorded at all: measures are NaN, not 0).
    """
    specialist = specialist_site_mask(sites)
    ap = ap_site_mask(sites)
    s_minutes, s_site, s_within = nearest_in(reach, specialist)
    a_minutes, a_site, a_within = nearest_in(reach, ap)
    areas_out = pd.DataFrame({
        "area_code": areas["area_code"].array,
        "region_slug": areas["region_slug"].array,
        "ehcp": areas["ehcp_16_17"].to_numpy(dtype=float),
        "specialist_minutes": s_minutes,
        "specialist_site_id": site_ids_at(sites, s_site),
        "specialist_within_reach": s_within,
        "ap_minutes": a_minutes,
        "ap_site_id": site_ids_at(sites, a_site),
        "ap_within_reach": a_within,
    })
    ehcp = np.nan_to_num(areas["ehcp_16_17"].to_numpy(dtype=float))
    cohort = np.nan_to_num(areas["cohort_16_17"].to_numpy(dtype=float))
    no_specialist, no_ap = not specialist.any(), not ap.any()
    records = []
    for slug, name, mask in region_rows(areas, regions):
        weight = ehcp[mask]
        total_ehcp = float(weight.sum())
        total_cohort = float(cohort[mask].sum())
        has_minutes = ~np.isnan(s_minutes[mask])
        weighted = weight[has_minutes]
        records.append({
            "region_slug": slug, "region_name": name, "ehcp": total_ehcp, "cohort": total_cohort,
            "specialist_mean_minutes": float((s_minutes[mask][has_minutes] * weighted).sum()
                                             / weighted.sum())
            if not no_specialist and weighted.sum() > 0 else np.nan,
            "specialist_median_minutes": np.nan if no_specialist else weighted_quantile(
                s_minutes[mask], weight, 0.5),
            "specialist_within_reach_share": float((weight * s_within[mask]).sum() / total_ehcp)
            if not no_specialist and total_ehcp > 0 else np.nan,
            "ap_reach_share": float((cohort[mask] * a_within[mask]).sum() / total_cohort)
            if not no_ap and total_cohort > 0 else np.nan,
            "ap_median_minutes": np.nan if no_ap else weighted_quantile(
                a_minutes[mask], cohort[mask], 0.5),
            "no_data_specialist": no_specialist,
            "no_data_ap": no_ap,
        })
    return areas_out, pd.DataFrame.from_records(records)


def reach_for(inputs: Inputs, params: AnalysisParams, minutes: float | None = None) -> Reach:
    """Build the reach from every area to every site for the request's mode and travel time."""
    return build_reach(
        origins_of(inputs.areas), inputs.sites[["site_id", "easting", "northing"]],
        params.minutes if minutes is None else minutes, params.assumptions(),
        inputs.matrix_for(params.mode),
    )


def sites_open_in(sites: pd.DataFrame, year: str) -> pd.DataFrame:
    """The sites frame with provider_open meaning "the provider ran in `year`": within its first
    and last year (text years compare in order), or, with no last year, open today. A closed
    provider counts in the years it ran; one that opened later does not. A frame without the
    year columns is returned as it is."""
    if "provider_last_year" not in sites:
        return sites
    first = sites["provider_first_year"].fillna("").astype(str).to_numpy()
    last = sites["provider_last_year"].fillna("").astype(str).to_numpy()
    open_today = (sites["provider_status"] == "open").to_numpy()
    started = (first == "") | (first <= year)
    running = np.where(last == "", open_today, last >= year)
    return sites.assign(provider_open=started & running)


# ----------------------------------------------------------------------------------------------
# Choice by qualification type per LCPA, and narrow offers (the board's Level 3 report)


def summarise_region_types(
    areas: pd.DataFrame, regions: pd.DataFrame, area_type: pd.DataFrame, level: str,
    types: tuple[str, ...], offers: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per LCPA × qualification type at one level (and Kent × type): how far each type of offer
    is within reach, from the per-type cells of choice_by_level_and_type (no new reach work).

    area_type: area_code, level, qualification_type, providers, nearest_minutes (only the
    combinations with an offer are listed: an area without a row has none of that type within
    reach). offers/sites (optional): the counted offers with site_pos, to count the supply at
    sites in each LCPA. Columns: region_slug, region_name, level, qualification_type, cohort
    (sum of cohort_16_17, missing figures as 0), reach_cohort (cohort of areas with at least one
    provider of the type within reach), reach_share (its share of the cohort; NaN when the
    cohort is 0), mean_providers (cohort-weighted mean of providers of the type within reach),
    median_minutes (cohort-weighted median minutes to the nearest offer of the type; NaN when
    there is none anywhere), options (offers of the type at sites in the LCPA; NaN without
    offers), any_offer (the type has an offer at the level anywhere: else its figures are 0
    because nothing is recorded, not because nothing is near).
    """
    columns = ["region_slug", "region_name", "level", "qualification_type", "cohort",
               "reach_cohort", "reach_share", "mean_providers", "median_minutes", "options",
               "any_offer"]
    cohort = areas["cohort_16_17"].fillna(0).to_numpy(dtype=float)
    position = pd.Index(areas["area_code"].to_numpy())
    cells = area_type.loc[area_type["level"] == level]
    region_index = pd.Index(list(regions["region_slug"]))
    supply = None
    if offers is not None and sites is not None:
        at_level = offers.loc[offers["level"].to_numpy() == level]
        site_region = sites["region_slug"].to_numpy()[at_level["site_pos"].to_numpy(
            dtype=np.int64)]
        supply = pd.crosstab(pd.Series(site_region, dtype=object),
                             at_level["qualification_type"].to_numpy()) if len(at_level) else (
            pd.DataFrame())
    records = []
    for qualification_type in types:
        here = cells.loc[cells["qualification_type"] == qualification_type]
        where = position.get_indexer(here["area_code"].to_numpy())
        providers = np.zeros(len(areas))
        minutes = np.full(len(areas), np.nan)
        found = where >= 0
        providers[where[found]] = here["providers"].to_numpy(dtype=float, na_value=0)[found]
        minutes[where[found]] = here["nearest_minutes"].to_numpy(dtype=float)[found]
        for slug, name, mask in region_rows(areas, regions):
            weights = cohort[mask]
            total = float(weights.sum())
            reached = float(weights[providers[mask] > 0].sum())
            known = ~np.isnan(minutes[mask])
            median = (weighted_quantile(minutes[mask][known], weights[known], 0.5)
                      if known.any() and weights[known].sum() > 0 else np.nan)
            if supply is None:
                options = np.nan
            elif slug == KENT:
                options = float(sum(
                    supply.loc[s, qualification_type] for s in supply.index
                    if s in region_index and qualification_type in supply.columns))
            else:
                options = float(supply.loc[slug, qualification_type]) if (
                    slug in supply.index and qualification_type in supply.columns) else 0.0
            records.append({
                "region_slug": slug, "region_name": name, "level": level,
                "qualification_type": qualification_type, "cohort": total,
                "reach_cohort": reached,
                "reach_share": reached / total if total > 0 else np.nan,
                "mean_providers": float((providers[mask] * weights).sum() / total)
                if total > 0 else np.nan,
                "median_minutes": median, "options": options, "any_offer": len(here) > 0,
            })
    return pd.DataFrame.from_records(records, columns=columns)


def narrow_offers(
    offers: pd.DataFrame, sites: pd.DataFrame, level: str, fewer_than: int,
    kinds: tuple[str, ...] = SIXTH_FORM_KINDS, access: tuple[str, ...] = ("open",),
) -> pd.DataFrame:
    """Providers of the given kinds and access classes (default: open-access, i.e. non-selective,
    school sixth forms) with an offer in the year, and how broad their offer at `level` is.

    offers: the selected offers of the year with site_pos and access (Results.selected_offers).
    A provider's offer is narrow when it has fewer than `fewer_than` distinct qualification
    types at the level (none at all included). Columns: provider_id, provider_name,
    provider_urn, region_slug, types (distinct qualification types at the level), type_list
    (their codes, sorted, joined by ", "), subjects (distinct non-empty subjects or routes at
    the level; 0 where none is recorded), offers (offers at the level), learners (sum of known
    learners on them; NaN when none is known), narrow. Sorted by types, then name.
    """
    columns = ["provider_id", "provider_name", "provider_urn", "region_slug", "types",
               "type_list", "subjects", "offers", "learners", "narrow"]
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    kind = sites["provider_kind"].to_numpy()[site_pos] if len(offers) else np.array([])
    keep = np.isin(kind, kinds) & np.isin(offers["access"].to_numpy(), access) if len(
        offers) else np.zeros(0, dtype=bool)
    mine = offers.loc[keep]
    if mine.empty:
        return pd.DataFrame(columns=columns)
    pos = mine["site_pos"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame({
        "provider_id": mine["provider_id"].to_numpy(),
        "level": mine["level"].to_numpy(),
        "qualification_type": mine["qualification_type"].to_numpy(),
        "subject": [route or subject for route, subject in zip(
            _text(mine["tlevel_route"]), _text(mine["subject"]), strict=True)],
        "learners": mine["learners"].to_numpy(dtype=float),
    })
    first_site = pd.DataFrame({
        "provider_id": sites["provider_id"].to_numpy()[pos],
        "provider_name": sites["provider_name"].to_numpy()[pos],
        "provider_urn": sites["provider_urn"].array.take(pos),
        "region_slug": sites["region_slug"].to_numpy()[pos],
    }).drop_duplicates("provider_id")
    at_level = frame.loc[frame["level"] == level]
    grouped = at_level.groupby("provider_id")
    summary = pd.DataFrame({
        "types": grouped["qualification_type"].nunique(),
        "type_list": grouped["qualification_type"].agg(lambda s: ", ".join(sorted(set(s)))),
        "subjects": grouped["subject"].agg(lambda s: len({v for v in s if v})),
        "offers": grouped.size(),
        "learners": grouped["learners"].agg(lambda s: s.sum() if s.notna().any() else np.nan),
    })
    result = first_site.set_index("provider_id").join(summary, how="left").reset_index()
    result["types"] = result["types"].fillna(0).astype(int)
    result["type_list"] = result["type_list"].fillna("")
    result["subjects"] = result["subjects"].fillna(0).astype(int)
    result["offers"] = result["offers"].fillna(0).astype(int)
    result["narrow"] = result["types"] < fewer_than
    return result.sort_values(["types", "provider_name"], kind="stable").reset_index(
        drop=True)[columns]
