"""Speed and memory of the cold-spot engine: every measure and the guarantee, recomputed in full.

Run against a database holding the Kent fixture (`python manage.py load_kent`):

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/coldspots.py [--repeats 20]

It prints, in one run:
1. Kent real data: the median of `--repeats` full recomputes (coldspots.results.
   compute_from_inputs: choice by level and by type, cold spots, LCPA summaries, the guarantee by
   area and LCPA, duplication, small sixth forms, year-on-year, SEND/AP reach) on frames already
   read from the database, beside a straightforward geopandas implementation of the same
   measures (pairwise GeoSeries.distance for every area, filter, merge, group) whose output is
   checked equal to ours before any time is reported. Targets: ≤ 100 ms, ≥ 20× faster.
2. A synthetic England-sized case (33,000 areas, 6,000 sites, 60,000 offers, clustered around
   300 towns): median of `--england-repeats` full recomputes and the peak memory of one
   (tracemalloc, which sees numpy's buffers), beside the time numpy takes merely to compute the
   dense 33,000 × 6,000 distance matrix (the floor for any all-pairs method). Targets: ≤ 5 s,
   ≤ 2 GB.
Nothing here is a test: figures depend on the machine. benchmarks/README.md records a run.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kent_offer.settings")

import django  # noqa: E402

django.setup()

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from coldspots import frames  # noqa: E402
from coldspots.analysis import Inputs, active_offers, default_year, offer_keys  # noqa: E402
from coldspots.guarantee import COMPONENTS  # noqa: E402
from coldspots.params import AnalysisParams  # noqa: E402
from coldspots.results import compute_from_inputs  # noqa: E402
from coldspots.travel import estimate_minutes  # noqa: E402


def median_seconds(function, repeats: int) -> float:
    function()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------------------------------------
# The straightforward geopandas implementation (what a user would write).


def _weighted_quantile(values: pd.Series, weights: pd.Series, q: float) -> float:
    frame = pd.DataFrame({"v": values, "w": weights}).dropna()
    frame = frame[frame["w"] > 0].sort_values("v", kind="stable")
    if frame.empty:
        return np.nan
    cumulative = frame["w"].cumsum()
    return float(frame["v"].iloc[min(int((cumulative < q * cumulative.iloc[-1]).sum()),
                                     len(frame) - 1)])


def geopandas_measures(inputs: Inputs, params: AnalysisParams) -> dict[str, pd.DataFrame]:
    """The same measures, the plain way: all pairwise distances with GeoSeries.distance."""
    areas = inputs.areas.sort_values("area_code").reset_index(drop=True)
    sites = inputs.sites.sort_values("site_id").reset_index(drop=True)
    assumptions = params.assumptions()
    area_points = gpd.GeoSeries(gpd.points_from_xy(areas["easting"], areas["northing"]),
                                crs=27700)
    site_points = gpd.GeoSeries(gpd.points_from_xy(sites["easting"], sites["northing"]),
                                crs=27700)
    pieces = []
    area_codes = areas["area_code"].to_numpy()
    for i, point in enumerate(area_points):
        distance = site_points.distance(point)
        pieces.append(pd.DataFrame({"area_code": area_codes[i],
                                    "site_id": sites["site_id"].to_numpy(),
                                    "minutes": estimate_minutes(distance.to_numpy(),
                                                                assumptions)}))
    pairs = pd.concat(pieces, ignore_index=True)

    year = params.year or default_year(inputs.offers)
    offers = inputs.offers[(inputs.offers["academic_year"] == year) & ~inputs.offers["withdrawn"]
                           & inputs.offers["provider_open"]]
    offers = offers[offers["site_id"].isin(sites["site_id"])].copy()
    offers["offer_key"] = offer_keys(offers)
    offers = offers.merge(sites[["site_id", "provider_id", "region_slug"]].rename(
        columns={"provider_id": "site_provider"}), on="site_id")
    joined = pairs.merge(offers, on="site_id")
    within = joined[joined["minutes"] <= params.minutes]

    levels = ("E", "1", "2", "3")
    grid = pd.MultiIndex.from_product([areas["area_code"], levels], names=["area_code", "level"])
    counts = within.groupby(["area_code", "level"]).agg(
        offers=("offer_key", "nunique"), providers=("site_provider", "nunique"))
    nearest = joined.groupby(["area_code", "level"])["minutes"].min().rename("nearest_minutes")
    area_level = pd.DataFrame(index=grid).join(counts).join(nearest).reset_index()
    # "No data" is judged on every record of the year (withdrawn or closed included).
    records = inputs.offers[(inputs.offers["academic_year"] == year)
                            & inputs.offers["site_id"].isin(sites["site_id"])]
    recorded = set(records["level"])
    area_level["no_data"] = ~area_level["level"].isin(recorded)
    area_level[["offers", "providers"]] = area_level[["offers", "providers"]].fillna(0)
    area_level = area_level.merge(areas[["area_code", "in_kent", "region_slug", "cohort_16_17"]],
                                  on="area_code")
    # The choice rule (params, "The choice rule"); the plain way counts every provider, as a
    # timing comparison, without the open-access and coverage refinements.
    none = area_level["providers"] == 0
    reduced = ~none & ((area_level["providers"] < params.min_providers)
                       | (area_level["nearest_minutes"] > params.max_nearest_minutes))
    area_level["cold"] = (none | reduced) & ~area_level["no_data"]
    area_level["state"] = np.select([area_level["no_data"], none, reduced],
                                    ["partial_data", "no_choice", "reduced_choice"], "choice")

    kent_areas = area_level[area_level["in_kent"]]
    region_rows = []
    for (slug, level), group in pd.concat([
        kent_areas, kent_areas.assign(region_slug="kent")
    ]).groupby(["region_slug", "level"]):
        cohort = group["cohort_16_17"].fillna(0)
        total = cohort.sum()
        no_data = level not in recorded
        options = offers[(offers["level"] == level) & (
            offers["region_slug"].notna() if slug == "kent" else offers["region_slug"] == slug)]
        region_rows.append({
            "region_slug": slug, "level": level,
            "cold_share": np.nan if no_data or total <= 0 else cohort[group["cold"]].sum() / total,
            "options_per_1000": np.nan if no_data or total <= 0 else len(options) * 1000 / total,
            "median_minutes": _weighted_quantile(group["nearest_minutes"], cohort, 0.5),
            "p90_minutes": _weighted_quantile(group["nearest_minutes"], cohort, 0.9),
        })
    region_level = pd.DataFrame(region_rows)

    # The guarantee: nearest eligible offer of each kind; met when within the travel time.
    apprenticeship = joined["qualification_type"].str.startswith("apprenticeship_")
    kinds = {
        "a_level": joined["qualification_type"] == "a_level",
        "t_level": joined["qualification_type"] == "t_level",
        "apprenticeship": apprenticeship,
        "level_2": (joined["level"] == "2") & ~apprenticeship,
        "pathway_l1_entry": joined["level"].isin(["1", "E"]),
    }
    usable = ~joined["ehcp_required"] if not params.has_ehcp else pd.Series(True, joined.index)
    record_apprenticeship = records["qualification_type"].str.startswith("apprenticeship_")
    record_kinds = {
        "a_level": records["qualification_type"] == "a_level",
        "t_level": records["qualification_type"] == "t_level",
        "apprenticeship": record_apprenticeship,
        "level_2": (records["level"] == "2") & ~record_apprenticeship,
        "pathway_l1_entry": records["level"].isin(["1", "E"]),
    }
    record_usable = ~records["ehcp_required"] if not params.has_ehcp else True
    guarantee = areas[["area_code"]].copy()
    for name, is_kind in kinds.items():
        best = joined[is_kind & usable].groupby("area_code")["minutes"].min()
        minutes = guarantee["area_code"].map(best)
        if not (record_kinds[name] & record_usable).any():
            guarantee[name] = "no_data"
        else:
            guarantee[name] = np.where(minutes <= params.minutes, "met", "not_met")
        guarantee[f"{name}_minutes"] = minutes.where(guarantee[name] != "no_data")

    # SEND: minutes to the nearest specialist site, weighted by EHCP per LCPA.
    specialist = sites[sites["provider_open"] & (sites["specialist_send"] | sites[
        "provider_kind"].isin(["special_school", "specialist_post16"]))]["site_id"]
    send = pairs[pairs["site_id"].isin(specialist)].groupby("area_code")["minutes"].min()
    # Duplication: small offers, same option, different providers, same LCPA or close.
    small = offers[offers["learners"] < params.small_learners]
    site_xy = sites.set_index("site_id")[["easting", "northing"]]
    both = small.merge(small, on=["level", "offer_key"], suffixes=("_a", "_b"))
    both = both[(both["course_id_a"] < both["course_id_b"])
                & (both["provider_id_a"] != both["provider_id_b"])]
    a_points = gpd.GeoSeries(gpd.points_from_xy(site_xy.loc[both["site_id_a"], "easting"],
                                                site_xy.loc[both["site_id_a"], "northing"]))
    b_points = gpd.GeoSeries(gpd.points_from_xy(site_xy.loc[both["site_id_b"], "easting"],
                                                site_xy.loc[both["site_id_b"], "northing"]))
    apart = estimate_minutes(a_points.distance(b_points).to_numpy(), assumptions)
    same = both["region_slug_a"].notna().to_numpy() & (
        both["region_slug_a"].to_numpy() == both["region_slug_b"].to_numpy())
    close = apart <= params.duplication_minutes
    duplication = both[same | close][["course_id_a", "course_id_b"]]

    # Choice by qualification type.
    area_type = within.groupby(["area_code", "level", "qualification_type"]).agg(
        offers=("offer_key", "nunique"), providers=("site_provider", "nunique"))
    type_nearest = joined.groupby(["area_code", "level", "qualification_type"])["minutes"].min()
    area_type = type_nearest.rename("nearest_minutes").to_frame().join(area_type).fillna(
        {"offers": 0, "providers": 0}).reset_index()

    # Guarantee coverage per LCPA and Kent (components with data must all be met).
    with_data = [name for name in kinds if (guarantee[name] != "no_data").any()]
    guarantee["meets_checked_parts"] = (guarantee[with_data] == "met").all(axis=1)
    guarantee["meets"] = (guarantee[list(kinds)] == "met").all(axis=1)
    guarantee = guarantee.merge(areas[["area_code", "region_slug", "in_kent", "cohort_16_17"]],
                                on="area_code")
    covered = {}
    for slug, group in pd.concat([guarantee[guarantee["in_kent"]],
                                  guarantee[guarantee["in_kent"]].assign(region_slug="kent")]
                                 ).groupby("region_slug"):
        weight = group["cohort_16_17"].fillna(0)
        covered[slug] = (weight[group["meets"]].sum() / weight.sum(),
                         weight[group["meets_checked_parts"]].sum() / weight.sum())

    # Alternative provision within reach.
    ap_sites = sites[sites["provider_open"] & (sites["provider_kind"] == "alternative_provision")]
    ap = pairs[pairs["site_id"].isin(ap_sites["site_id"])].groupby("area_code")["minutes"].min()

    # Small sixth forms: the 16–18 headcount where recorded, else known learners summed.
    schools = sites[(sites["provider_kind"] == "school_sixth_form") & sites["provider_open"]]
    sixth = offers[offers["provider_id"].isin(schools["provider_id"])].groupby("provider_id")[
        "learners"].sum(min_count=1)
    if inputs.enrolments is not None and len(inputs.enrolments):
        headcount = inputs.enrolments[inputs.enrolments["academic_year"] == year].set_index(
            "provider_id")["students_16_18"]
        headcount = headcount[headcount.index.isin(schools["provider_id"])]
        sixth = headcount.combine_first(sixth)
    small_sixth = sorted(sixth[sixth < params.small_sixth_form].index)

    # Year-on-year offers and learners per LCPA and level.
    years = sorted(y for y in inputs.offers["academic_year"].unique() if y < year)
    yoy = {}
    for label, each in (("from", years[-1] if years else None), ("to", year)):
        rows = inputs.offers[(inputs.offers["academic_year"] == each)
                             & ~inputs.offers["withdrawn"] & inputs.offers["provider_open"]]
        rows = rows.merge(sites[["site_id", "region_slug"]], on="site_id")
        rows = rows[rows["region_slug"].notna()]
        both = pd.concat([rows, rows.assign(region_slug="kent")])
        yoy[label] = both.groupby(["region_slug", "level"]).agg(
            offers=("course_id", "count"),
            learners=("learners", lambda v: v.sum(min_count=1)))  # unknown is not zero
    return {"area_level": area_level, "region_level": region_level, "guarantee": guarantee,
            "send": send, "duplication": duplication, "area_type": area_type,
            "covered": covered, "ap": ap, "small_sixth": small_sixth, "yoy": yoy}


def check_equal(ours, theirs) -> None:
    """Stop the benchmark unless the geopandas outputs equal ours."""
    left = ours.area_level.set_index(["area_code", "level"]).sort_index()
    right = theirs["area_level"].set_index(["area_code", "level"]).sort_index()
    assert (left["offers"].fillna(0).to_numpy(float) == right["offers"].to_numpy(float)).all()
    assert (left["providers"].fillna(0).to_numpy(float)
            == right["providers"].to_numpy(float)).all()
    np.testing.assert_array_equal(left["nearest_minutes"].to_numpy(float),
                                  right["nearest_minutes"].to_numpy(float))
    assert (left["cold"].to_numpy() == right["cold"].to_numpy()).all()
    assert (left["cold_rule"].to_numpy() == right["cold_rule"].to_numpy()).all()
    ours_regions = ours.region_level.set_index(["region_slug", "level"])
    for row in theirs["region_level"].itertuples():
        mine = ours_regions.loc[(row.region_slug, row.level)]
        for column in ("cold_share", "options_per_1000", "median_minutes", "p90_minutes"):
            np.testing.assert_allclose(mine[column], getattr(row, column), rtol=1e-12)
    g = ours.guarantee_areas.set_index("area_code").sort_index()
    t = theirs["guarantee"].set_index("area_code").sort_index()
    for name in COMPONENTS:
        assert (g[name] == t[name]).all(), name
        np.testing.assert_array_equal(g[f"{name}_minutes"].to_numpy(float),
                                      t[f"{name}_minutes"].to_numpy(float))
    send = ours.send_areas.set_index("area_code")["specialist_minutes"]
    np.testing.assert_array_equal(send.sort_index().to_numpy(),
                                  theirs["send"].reindex(send.index).sort_index().to_numpy())
    pairs_ours = set(zip(ours.duplication["course_id_a"], ours.duplication["course_id_b"],
                         strict=True))
    pairs_theirs = set(zip(theirs["duplication"]["course_id_a"],
                           theirs["duplication"]["course_id_b"], strict=True))
    assert pairs_ours == pairs_theirs
    mine = ours.area_type.set_index(["area_code", "level", "qualification_type"]).sort_index()
    other = theirs["area_type"].set_index(["area_code", "level", "qualification_type"])
    other = other.sort_index()
    assert mine.index.equals(other.index)
    assert (mine["offers"].to_numpy(float) == other["offers"].to_numpy(float)).all()
    assert (mine["providers"].to_numpy(float) == other["providers"].to_numpy(float)).all()
    np.testing.assert_array_equal(mine["nearest_minutes"].to_numpy(float),
                                  other["nearest_minutes"].to_numpy(float))
    regions = ours.guarantee_regions.set_index("region_slug")
    for slug, (whole, checked) in theirs["covered"].items():
        np.testing.assert_allclose(regions.loc[slug, "covered_share"], whole, rtol=1e-12)
        np.testing.assert_allclose(regions.loc[slug, "covered_share_checked_parts"], checked,
                                   rtol=1e-12)
    ap = ours.send_areas.set_index("area_code")["ap_minutes"]
    np.testing.assert_array_equal(ap.sort_index().to_numpy(),
                                  theirs["ap"].reindex(ap.index).sort_index().to_numpy())
    assert sorted(ours.small_sixth_forms["provider_id"]) == theirs["small_sixth"]
    yoy = ours.year_on_year.set_index(["region_slug", "level"])
    for label in ("from", "to"):
        for (slug, level), row in theirs["yoy"][label].iterrows():
            assert yoy.loc[(slug, level), f"offers_{label}"] == row["offers"]
            np.testing.assert_allclose(yoy.loc[(slug, level), f"learners_{label}"],
                                       row["learners"], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# A synthetic England.


def synthetic_england(seed: int = 2016, n_areas: int = 33_000, n_sites: int = 6_000,
                      n_offers: int = 60_000, n_towns: int = 300) -> Inputs:
    rng = np.random.default_rng(seed)
    # England is about 130,000 km²: a 360 km square, people and schools clustered in towns.
    towns = rng.uniform(0, 360_000, size=(n_towns, 2)) + np.array([150_000, 100_000])
    town_size = rng.pareto(1.5, n_towns) + 1

    def around_towns(count: int, spread: float) -> tuple[np.ndarray, np.ndarray]:
        town = rng.choice(n_towns, size=count, p=town_size / town_size.sum())
        xy = towns[town] + rng.normal(0, spread, size=(count, 2))
        return xy, town

    area_xy, area_town = around_towns(n_areas, 6_000)
    site_xy, _ = around_towns(n_sites, 7_000)
    region_of_town = (np.arange(n_towns) // 2).astype(str)
    areas = pd.DataFrame({
        "area_code": [f"E0{i:07d}" for i in range(n_areas)],
        "easting": area_xy[:, 0], "northing": area_xy[:, 1],
        "in_kent": True, "region_slug": np.char.add("region-", region_of_town[area_town]),
        "cohort_16_17": rng.uniform(10, 80, n_areas).round(1),
        "cohort_16": np.nan, "ehcp_16_17": rng.uniform(0, 5, n_areas).round(2),
        "cohort_year": "2022/23", "ehcp_year": "2024/25", "cohort_is_estimate": True,
    })
    kinds = rng.choice(["school_sixth_form", "fe_college", "special_school",
                        "alternative_provision", "itp"], n_sites, p=[0.6, 0.1, 0.12, 0.08, 0.1])
    site_region = np.char.add("region-", region_of_town[
        np.argmin(((site_xy[:, None, :] - towns[None, :, :]) ** 2).sum(axis=2), axis=1)])
    sites = pd.DataFrame({
        "site_id": np.arange(1, n_sites + 1), "site_name": "Site",
        "provider_id": np.arange(1, n_sites + 1) // 2 + 1, "provider_name": "Provider",
        "provider_urn": pd.array(np.arange(1, n_sites + 1) // 2 + 100_000, dtype="Int64"),
        "provider_kind": kinds, "specialist_send": kinds == "special_school",
        "provider_open": True, "is_main": True,
        "easting": site_xy[:, 0], "northing": site_xy[:, 1], "region_slug": site_region,
    })
    types = [("3", "a_level"), ("3", "applied_general"), ("3", "tech_level"), ("3", "t_level"),
             ("3", "apprenticeship_advanced"), ("2", "l2_vocational"),
             ("2", "technical_certificate"), ("2", "apprenticeship_intermediate"),
             ("2", "gcse_resit"), ("1", "study_programme_l1_entry"),
             ("E", "study_programme_l1_entry"), ("E", "send_post16")]
    kind = rng.integers(0, len(types), n_offers)
    subjects = np.array([f"Subject {i}" for i in range(40)])
    offers = pd.DataFrame({
        "course_id": np.arange(1, n_offers + 1),
        "site_id": rng.integers(1, n_sites + 1, n_offers),
        "academic_year": rng.choice(["2015/16", "2016/17"], n_offers, p=[0.45, 0.55]),
        "level": [types[k][0] for k in kind],
        "qualification_type": [types[k][1] for k in kind],
        "subject": subjects[rng.integers(0, 40, n_offers)], "tlevel_route": "",
        "title": "Course",
        "learners": np.where(rng.random(n_offers) < 0.2, np.nan,
                             rng.integers(1, 120, n_offers)).astype(float),
        "places": np.nan, "min_english_grade": np.nan,
        "min_maths_grade": np.where(rng.random(n_offers) < 0.3, 4.0, np.nan),
        "ehcp_required": [types[k][1] == "send_post16" for k in kind],
        "record_label": "illustrative", "withdrawn": False, "provider_open": True,
    })
    offers["provider_id"] = sites.set_index("site_id").loc[offers["site_id"],
                                                           "provider_id"].to_numpy()
    offers["provider_kind"] = sites.set_index("site_id").loc[offers["site_id"],
                                                             "provider_kind"].to_numpy()
    regions = pd.DataFrame({"region_slug": sorted(set(areas["region_slug"])),
                            "region_name": sorted(set(areas["region_slug"]))})
    matrix = pd.DataFrame({"area_code": [], "site_id": [], "mode": [], "minutes": []})
    return Inputs(areas, sites, offers, regions, matrix)


def pairs_within(inputs: Inputs, params: AnalysisParams) -> int:
    """How many (area, site) pairs the engine generates: those within the travel time."""
    from coldspots.analysis import reach_for

    return len(reach_for(inputs, params).origin)


def spot_check(inputs: Inputs, params: AnalysisParams, results, sample: int = 60) -> None:
    """Stop unless options, providers and nearest minutes of a random sample of areas equal a
    plain all-sites computation (the England case is too big for the geopandas baseline)."""
    rng = np.random.default_rng(7)
    sites = inputs.sites.set_index("site_id")
    year = default_year(inputs.offers)
    offers = active_offers(inputs.offers, inputs.sites, year)
    levels = results.area_level.set_index(["area_code", "level"])
    for row in inputs.areas.iloc[rng.choice(len(inputs.areas), sample, replace=False)].itertuples():
        distance = np.sqrt((sites["easting"] - row.easting) ** 2
                           + (sites["northing"] - row.northing) ** 2)
        minutes = pd.Series(estimate_minutes(distance.to_numpy(), params.assumptions()),
                            index=sites.index)
        at = offers.assign(minutes=minutes.reindex(offers["site_id"]).to_numpy())
        for level, group in at.groupby("level"):
            near = group[group["minutes"] <= params.minutes]
            mine = levels.loc[(row.area_code, level)]
            assert mine["offers"] == near["offer_key"].nunique()
            assert mine["providers"] == near["provider_id"].nunique()
            assert mine["nearest_minutes"] == group["minutes"].min()


def dense_distance_seconds(inputs: Inputs, repeats: int) -> float:
    ax = inputs.areas["easting"].to_numpy()[:, None]
    ay = inputs.areas["northing"].to_numpy()[:, None]
    bx = inputs.sites["easting"].to_numpy()[None, :]
    by = inputs.sites["northing"].to_numpy()[None, :]

    def dense():
        return np.sqrt((ax - bx) ** 2 + (ay - by) ** 2)

    return median_seconds(dense, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--baseline-repeats", type=int, default=3)
    parser.add_argument("--england-repeats", type=int, default=3)
    parser.add_argument("--skip-england", action="store_true")
    args = parser.parse_args()
    params = AnalysisParams()

    load_s = median_seconds(frames.load_inputs, 5)
    inputs = frames.load_inputs()
    if inputs.offers.empty:
        sys.exit("No course data in the database: run `python manage.py load_kent` first.")
    if len(inputs.matrix):
        print("note: imported journey times are ignored by the geopandas baseline; "
              "comparing on the estimate only")
        inputs = Inputs(inputs.areas, inputs.sites, inputs.offers, inputs.regions,
                        inputs.matrix.iloc[0:0], inputs.enrolments)
    year = default_year(inputs.offers)
    running = active_offers(inputs.offers, inputs.sites, year)
    print(f"Kent real data: {len(inputs.areas):,} areas, {len(inputs.sites):,} sites, "
          f"{len(running):,} running offers in {year} ({len(inputs.offers):,} in all years); "
          f"{params.minutes} min by {params.mode}")
    print(f"  pairs within reach: {pairs_within(inputs, params):,} of "
          f"{len(inputs.areas) * len(inputs.sites):,} area × site pairs")
    ours = compute_from_inputs(inputs, params)
    theirs = geopandas_measures(inputs, params)
    check_equal(ours, theirs)
    print("  geopandas output equals ours: choice by level and by type, cold spots, LCPA "
          "summaries, guarantee by area and LCPA, SEND and AP minutes, duplication pairs, small "
          "sixth forms, year-on-year")
    ours_s = median_seconds(lambda: compute_from_inputs(inputs, params), args.repeats)
    base_s = median_seconds(lambda: geopandas_measures(inputs, params), args.baseline_repeats)
    print(f"  {'engine (full recompute, median of ' + str(args.repeats) + ')':<52}"
          f"{ours_s * 1000:9.1f} ms   target ≤ 100 ms")
    print(f"  {'geopandas baseline (median of ' + str(args.baseline_repeats) + ')':<52}"
          f"{base_s * 1000:9.1f} ms")
    print(f"  {'speed-up':<52}{base_s / ours_s:9.1f} ×    target ≥ 20 ×")
    print(f"  {'(reading the frames from the database, median of 5)':<52}{load_s * 1000:9.1f} ms"
          "   once per data version; cached")

    if args.skip_england:
        return
    england = synthetic_england()
    print(f"Synthetic England: {len(england.areas):,} areas, {len(england.sites):,} sites, "
          f"{len(england.offers):,} offers (two years); {params.minutes} min by {params.mode}")
    print(f"  pairs within reach: {pairs_within(england, params):,} of "
          f"{len(england.areas) * len(england.sites):,} area × site pairs")
    tracemalloc.start()
    england_results = compute_from_inputs(england, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    spot_check(england, params, england_results)
    print("  60 random areas checked against a plain all-sites computation: equal")
    del england_results
    england_s = median_seconds(lambda: compute_from_inputs(england, params),
                               args.england_repeats)
    # The process's high-water mark so far (everything above, before the dense matrix below).
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    dense_s = dense_distance_seconds(england, args.england_repeats)
    print(f"  {'engine (full recompute, median of ' + str(args.england_repeats) + ')':<52}"
          f"{england_s:9.2f} s    target ≤ 5 s")
    print(f"  {'engine peak memory (tracemalloc)':<52}{peak / 2**30:9.2f} GB   target ≤ 2 GB")
    print(f"  {'whole process peak RSS (Django, Kent, baseline too)':<52}{rss / 2**30:9.2f} GB")
    print(f"  {'numpy dense 33,000 × 6,000 distance matrix only':<52}{dense_s:9.2f} s")
    print(f"  {'engine time ÷ dense-matrix time':<52}{england_s / dense_s:9.2f} ×")


if __name__ == "__main__":
    main()
