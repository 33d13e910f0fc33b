"""Travel time from origins (small-area centroids or a postcode) to sites, by mode.

The minutes for an (origin, site) pair are the imported journey time when the travel-time matrix
covers that pair for the mode, and otherwise the distance estimate documented in
`coldspots.params` (straight-line metres on the British National Grid × detour factor ÷ speed,
plus fixed minutes; public transport falls back to walking when that is quicker).

Cost grows with the pairs within reach, not with all pairs: sites and origins go into k-d trees
(scipy's cKDTree) and only pairs within the straight-line radius that the estimate can cover in
the time limit are generated. The matrix can lengthen or shorten a pair: an estimated pair that
the matrix says takes too long is dropped, and a matrix pair within the limit is added even when
it lies beyond the estimated radius (e.g. a fast train line). The nearest site beyond reach is
found with k-nearest queries on the same trees, again honouring the matrix.

All functions are pure: they take DataFrames / arrays and return new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from coldspots.params import WALK, ModeAssumptions

METHOD_ESTIMATE = "estimate"
METHOD_MATRIX = "matrix"
METHOD_MIXED = "mixed"
METHOD_LABELS = {
    METHOD_ESTIMATE: "estimated from straight-line distance (no imported journey times)",
    METHOD_MATRIX: "imported journey times for every pair",
    METHOD_MIXED: "imported journey times where available, estimated from distance elsewhere",
}


def straight_line_m(ax, ay, bx, by) -> np.ndarray:
    """Straight-line distance in metres between British National Grid points (arrays broadcast)."""
    dx = np.asarray(bx, dtype=float) - np.asarray(ax, dtype=float)
    dy = np.asarray(by, dtype=float) - np.asarray(ay, dtype=float)
    return np.sqrt(dx * dx + dy * dy)


def _mode_minutes(distance_m: np.ndarray, mode: ModeAssumptions) -> np.ndarray:
    metres_per_minute = mode.speed_kmh * 1000.0 / 60.0
    return mode.fixed_minutes + distance_m * mode.detour_factor / metres_per_minute


def estimate_minutes(distance_m, assumptions: ModeAssumptions) -> np.ndarray:
    """Estimated minutes for straight-line distances (metres) under a mode's assumptions.

    Contract: minutes = fixed + distance × detour ÷ (speed km/h × 1000 / 60); when the mode has
    `walk_alternative` (public transport) the result is the smaller of that and the walking
    estimate. Non-decreasing in distance, so the nearest site by distance is the nearest by time.
    """
    distance = np.asarray(distance_m, dtype=float)
    minutes = _mode_minutes(distance, assumptions)
    if assumptions.walk_alternative:
        minutes = np.minimum(minutes, _mode_minutes(distance, WALK))
    return minutes


def reach_radius_m(minutes: float, assumptions: ModeAssumptions) -> float:
    """The largest straight-line distance (metres) the estimate covers within `minutes`.

    Returns -1.0 when not even a zero-length trip fits (the limit is below the fixed minutes and
    there is no walking alternative).
    """
    def radius(mode: ModeAssumptions) -> float:
        spare = minutes - mode.fixed_minutes
        if spare < 0:
            return -1.0
        return spare * (mode.speed_kmh * 1000.0 / 60.0) / mode.detour_factor

    best = radius(assumptions)
    if assumptions.walk_alternative:
        best = max(best, radius(WALK))
    return best


@dataclass(frozen=True)
class Reach:
    """Everything reachable from a set of origins within a time limit, as sparse pairs.

    origin_codes / origin_xy: the origins (positions 0..n-1).
    site_ids / site_xy: the sites (positions 0..m-1).
    origin, site, minutes, from_matrix: one entry per pair within the limit (minutes ≤ limit),
        grouped by origin (origin non-decreasing; the order of sites within an origin is not
        specified). from_matrix says the minutes are an imported journey time rather than the
        estimate.
    matrix_keys / matrix_minutes: every imported pair for this mode (origin × m + site, sorted),
        within reach or not, so that nearest-site queries beyond reach honour the matrix.
    method: "estimate" | "matrix" | "mixed" — how the pairs' minutes were obtained.
    """

    origin_codes: np.ndarray
    origin_xy: np.ndarray
    site_ids: np.ndarray
    site_xy: np.ndarray
    assumptions: ModeAssumptions
    limit: float
    origin: np.ndarray
    site: np.ndarray
    minutes: np.ndarray
    from_matrix: np.ndarray
    matrix_keys: np.ndarray
    matrix_minutes: np.ndarray
    method: str
    matrix_pairs_unmatched: int = 0
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_origins(self) -> int:
        return len(self.origin_codes)

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)

    def within(self, minutes: float) -> Reach:
        """The same reach restricted to a shorter limit (pairs with minutes ≤ `minutes`)."""
        if minutes > self.limit:
            raise ValueError("within() can only narrow a reach; build a new one to widen it.")
        keep = self.minutes <= minutes
        return Reach(
            self.origin_codes, self.origin_xy, self.site_ids, self.site_xy, self.assumptions,
            float(minutes), self.origin[keep], self.site[keep], self.minutes[keep],
            self.from_matrix[keep], self.matrix_keys, self.matrix_minutes, self.method,
            self.matrix_pairs_unmatched, self._cache,
        )

    def pairs_frame(self) -> pd.DataFrame:
        """The pairs with codes: origin_code, site_id, minutes, method ("estimate" | "matrix")."""
        return pd.DataFrame({
            "origin_code": self.origin_codes[self.origin],
            "site_id": self.site_ids[self.site],
            "minutes": self.minutes,
            "method": np.where(self.from_matrix, METHOD_MATRIX, METHOD_ESTIMATE),
        })


def _xy(frame: pd.DataFrame) -> np.ndarray:
    return np.column_stack([
        frame["easting"].to_numpy(dtype=float), frame["northing"].to_numpy(dtype=float)
    ]) if len(frame) else np.empty((0, 2))


def _matrix_positions(
    matrix: pd.DataFrame | None, origin_codes: np.ndarray, site_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Imported pairs as sorted keys (origin × m + site) with minutes; count of unmatched rows."""
    if matrix is None or matrix.empty:
        return np.empty(0, dtype=np.int64), np.empty(0), 0
    origin_pos = pd.Index(origin_codes).get_indexer(matrix["area_code"].to_numpy())
    site_pos = pd.Index(site_ids).get_indexer(matrix["site_id"].to_numpy())
    ok = (origin_pos >= 0) & (site_pos >= 0)
    keys = origin_pos[ok].astype(np.int64) * len(site_ids) + site_pos[ok]
    minutes = matrix["minutes"].to_numpy(dtype=float)[ok]
    # The last row wins when a pair repeats, as an import that updates a pair would.
    order = np.argsort(keys, kind="stable")
    keys, minutes = keys[order], minutes[order]
    last = np.ones(len(keys), dtype=bool)
    if len(keys):
        last[:-1] = keys[1:] != keys[:-1]
    return keys[last], minutes[last], int((~ok).sum())


def build_reach(
    origins: pd.DataFrame,
    sites: pd.DataFrame,
    minutes: float,
    assumptions: ModeAssumptions,
    matrix: pd.DataFrame | None = None,
) -> Reach:
    """All (origin, site) pairs whose travel time is at most `minutes`.

    origins: columns code, easting, northing (one row per origin, codes unique).
    sites: columns site_id, easting, northing (one row per site).
    matrix: imported journey times for this mode only: columns area_code, site_id, minutes
        (None or empty = estimate everything). Rows naming unknown areas/sites are ignored and
        counted in `matrix_pairs_unmatched`.
    Returns a `Reach` (see its docstring). Exactly the pairs a brute-force loop over all pairs
    would keep with minutes(o, s) = matrix[o, s] if imported else estimate(distance(o, s)).
    """
    origin_codes = origins["code"].to_numpy()
    site_ids = sites["site_id"].to_numpy()
    origin_xy, site_xy = _xy(origins), _xy(sites)
    n, m = len(origin_codes), len(site_ids)
    matrix_keys, matrix_minutes, unmatched = _matrix_positions(matrix, origin_codes, site_ids)

    radius = reach_radius_m(minutes, assumptions)
    if n and m and radius >= 0:
        # A little slack on the radius: the exact test is our own minutes ≤ limit below.
        found = cKDTree(origin_xy).sparse_distance_matrix(
            cKDTree(site_xy), radius * (1 + 1e-9) + 1e-3, output_type="ndarray"
        )
        origin = found["i"].astype(np.int64)
        site = found["j"].astype(np.int64)
    else:
        origin = site = np.empty(0, dtype=np.int64)
    distance = straight_line_m(
        origin_xy[origin, 0], origin_xy[origin, 1], site_xy[site, 0], site_xy[site, 1]
    ) if len(origin) else np.empty(0)
    estimated = estimate_minutes(distance, assumptions)
    keep = estimated <= minutes
    origin, site, estimated = origin[keep], site[keep], estimated[keep]

    if len(matrix_keys):
        keys = origin * m + site
        not_imported = ~np.isin(keys, matrix_keys, assume_unique=False)
        origin, site, estimated = origin[not_imported], site[not_imported], estimated[not_imported]
        close = matrix_minutes <= minutes
        origin = np.concatenate([origin, matrix_keys[close] // m])
        site = np.concatenate([site, matrix_keys[close] % m])
        pair_minutes = np.concatenate([estimated, matrix_minutes[close]])
        from_matrix = np.concatenate(
            [np.zeros(not_imported.sum(), bool), np.ones(close.sum(), bool)]
        )
    else:
        pair_minutes = estimated
        from_matrix = np.zeros(len(origin), dtype=bool)

    order = _order_by_origin(origin, n)
    return Reach(
        origin_codes=origin_codes,
        origin_xy=origin_xy,
        site_ids=site_ids,
        site_xy=site_xy,
        assumptions=assumptions,
        limit=float(minutes),
        origin=origin[order],
        site=site[order],
        minutes=pair_minutes[order],
        from_matrix=from_matrix[order],
        matrix_keys=matrix_keys,
        matrix_minutes=matrix_minutes,
        method=travel_method(len(matrix_keys), n * m),
        matrix_pairs_unmatched=unmatched,
    )


def _order_by_origin(origin: np.ndarray, n_origins: int) -> np.ndarray:
    """A stable ordering of pairs by origin. Origin numbers that fit in 16 bits take numpy's
    radix sort, several times faster than a comparison sort of the pairs."""
    if n_origins < 2**16:
        return np.argsort(origin.astype(np.uint16), kind="stable")
    return np.argsort(origin, kind="stable")


def travel_method(imported_pairs: int, all_pairs: int) -> str:
    """"estimate" with no imported pairs, "matrix" when they cover every pair, else "mixed"."""
    if imported_pairs == 0:
        return METHOD_ESTIMATE
    if imported_pairs >= all_pairs:
        return METHOD_MATRIX
    return METHOD_MIXED


def nearest(
    reach: Reach,
    site_mask: np.ndarray,
    origins: np.ndarray | None = None,
    k: int = 1,
) -> pd.DataFrame:
    """The k nearest sites (by minutes, any distance) among those in `site_mask`, per origin.

    site_mask: boolean array over the reach's sites (the candidates, e.g. sites offering A Levels).
    origins: origin positions to answer for (default all).
    Returns columns origin (position), site (position), minutes, rank (0 = nearest), at most k
    rows per origin, nearest first. Honours imported journey times: an imported pair replaces
    the estimate, so a site the matrix brings closer is found, and one it pushes away is not
    chosen on its estimate. Between sites at exactly the same distance the k-d tree chooses
    (deterministically for a given site order); the minutes are the same either way.
    """
    origin, site, minutes, rank = nearest_arrays(reach, site_mask, origins, k)
    return pd.DataFrame({"origin": origin, "site": site, "minutes": minutes, "rank": rank})


def nearest_arrays(
    reach: Reach, site_mask: np.ndarray, origins: np.ndarray | None = None, k: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`nearest` as plain arrays (origin, site, minutes, rank), for the analysis's inner loops."""
    if origins is None:
        origins = np.arange(reach.n_origins)
    origins = np.asarray(origins, dtype=np.int64)
    candidates = np.flatnonzero(site_mask)
    if len(candidates) == 0 or len(origins) == 0:
        return (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0),
                np.empty(0, np.int64))
    m = reach.n_sites

    key = ("tree", candidates.tobytes())
    tree = reach._cache.get(key)
    if tree is None:
        tree = cKDTree(reach.site_xy[candidates])
        reach._cache[key] = tree

    if len(reach.matrix_keys) == 0 and k == 1:
        # No imported times: the nearest by distance is the nearest by time.
        _, idx = tree.query(reach.origin_xy[origins], k=1)
        site = candidates[np.asarray(idx, dtype=np.int64)]
        distance = straight_line_m(
            reach.origin_xy[origins, 0], reach.origin_xy[origins, 1],
            reach.site_xy[site, 0], reach.site_xy[site, 1],
        )
        return (origins, site, estimate_minutes(distance, reach.assumptions),
                np.zeros(len(origins), dtype=np.int64))

    # Imported pairs for these origins and candidate sites.
    matrix_origin = reach.matrix_keys // m if len(reach.matrix_keys) else np.empty(0, np.int64)
    matrix_site = reach.matrix_keys % m if len(reach.matrix_keys) else np.empty(0, np.int64)
    wanted = np.zeros(reach.n_origins, dtype=bool)
    wanted[origins] = True
    relevant = wanted[matrix_origin] & site_mask[matrix_site] if len(matrix_origin) else (
        np.empty(0, bool)
    )
    covered_per_origin = np.bincount(matrix_origin[relevant], minlength=reach.n_origins)

    parts_origin, parts_site, parts_minutes = [], [], []
    # Origins with c imported candidates need k + c estimated neighbours to be sure of k
    # estimated ones that the matrix does not replace.
    # One query for the origins with no imported candidates and one, as deep as the deepest
    # need, for the rest (fewer, larger queries beat many small ones).
    covered = covered_per_origin[origins]
    needed = np.where(covered == 0, min(len(candidates), k),
                      min(len(candidates), k + int(covered.max())))
    # An origin whose every candidate is imported needs no estimate at all.
    needed = np.where(covered >= len(candidates), 0, needed)
    for count in np.unique(needed):
        if count == 0:
            continue
        group = origins[needed == count]
        _, idx = tree.query(reach.origin_xy[group], k=int(count))
        idx = np.asarray(idx).reshape(len(group), int(count))
        site = candidates[idx.ravel()]
        origin = np.repeat(group, int(count))
        distance = straight_line_m(
            reach.origin_xy[origin, 0], reach.origin_xy[origin, 1],
            reach.site_xy[site, 0], reach.site_xy[site, 1],
        )
        minutes = estimate_minutes(distance, reach.assumptions)
        if len(reach.matrix_keys):
            keep = ~np.isin(origin * m + site, reach.matrix_keys)
            origin, site, minutes = origin[keep], site[keep], minutes[keep]
        parts_origin.append(origin)
        parts_site.append(site)
        parts_minutes.append(minutes)
    if relevant.any():
        parts_origin.append(matrix_origin[relevant])
        parts_site.append(matrix_site[relevant])
        parts_minutes.append(reach.matrix_minutes[relevant])

    origin = np.concatenate(parts_origin)
    site = np.concatenate(parts_site)
    minutes = np.concatenate(parts_minutes)
    if k == 1:
        # The least minutes per origin (lowest site position on a tie) without a full sort.
        best = np.full(reach.n_origins, np.inf)
        np.minimum.at(best, origin, minutes)
        at_best = minutes == best[origin]
        best_site = np.full(reach.n_origins, np.iinfo(np.int64).max)
        np.minimum.at(best_site, origin[at_best], site[at_best])
        found = np.flatnonzero(np.isfinite(best))
        found = found[np.isin(found, origins)]
        return (found, best_site[found], best[found], np.zeros(len(found), dtype=np.int64))
    order = np.lexsort((site, minutes, origin))
    origin, site, minutes = origin[order], site[order], minutes[order]
    starts = np.r_[0, np.flatnonzero(origin[1:] != origin[:-1]) + 1] if len(origin) else (
        np.empty(0, np.int64)
    )
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(origin)]))
    rank = np.arange(len(origin)) - group_start
    keep = rank < k
    return origin[keep], site[keep], minutes[keep], rank[keep]


def minutes_from_point(
    easting: float, northing: float, sites: pd.DataFrame, assumptions: ModeAssumptions
) -> np.ndarray:
    """Estimated minutes from one point (e.g. a postcode) to every site, in the sites' order.

    Imported journey times are keyed by small area, so a single point always uses the estimate.
    """
    distance = straight_line_m(
        easting, northing, sites["easting"].to_numpy(float), sites["northing"].to_numpy(float)
    )
    return estimate_minutes(distance, assumptions)
