"""The skills offer: provision by sector subject area and T Level route per LCPA, and how much of
the cohort can reach each priority sector (the Local Skills Improvement Plan's, kept by officers).

Pure functions over frames (no ORM). Two kinds of provision, on different geographies, kept
apart so that pages can say which is which:
- courses at sites (T Levels, other courses, FE provision): their sector comes from the subject
  or T Level route recorded (providers.sectors.course_sector); "within reach" is the travel-time
  reach of coldspots.travel, as everywhere else. Most published course records carry no subject
  or route (the performance tables count qualification families; the T Level register after
  2021 names no route), so a year whose records hold no sector at all is "no data recorded"
  for this part, never "none".
- apprenticeship standards: the published data says which standards a provider started
  apprentices on in England (national) and in which districts it started apprentices (all
  standards together). A district's standards are therefore derived: those of the providers
  that started apprentices in the district that year. "Within reach" for them is the young
  person's own district (as the guarantee reads apprenticeships), not a travel time.

An area reaches a priority sector when a counted course in one of the sector's areas or routes
is within the travel time, or (derived, district-level) a provider starting apprentices in the
area's district delivers a standard in one of its areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coldspots.analysis import KENT, group_reach, provider_codes, region_rows
from coldspots.travel import Reach
from providers.sectors import SSA_TIER1, canonical_route, canonical_tier1, canonical_tier2
from providers.sectors import course_sector as _course_sector

NOT_RECORDED = ""  # the sector of an offer whose records name none
FE_TYPE = "fe_education_training"
T_LEVEL_TYPE = "t_level"

SSA_COLUMNS = [
    "region_slug", "region_name", "ssa_tier1", "courses", "course_providers", "t_levels",
    "fe_offers", "standards", "standard_providers", "standard_starts", "no_data_courses",
    "no_data_standards",
]
ROUTE_COLUMNS = ["region_slug", "region_name", "tlevel_route", "t_levels", "providers"]
REACH_COLUMNS = [
    "region_slug", "region_name", "sector", "order", "cohort", "course_share",
    "apprenticeship_share", "any_share", "none_share", "cohort_without", "areas",
    "areas_without", "no_provision", "derived_starts", "derived_starts_per_1000",
    "no_data_courses", "no_data_standards",
    "lower_bound",
]


@dataclass
class Skills:
    """The skills measures of one request (frames documented on the functions that make them).

    offer_by_ssa (offer_by_sector), offer_by_route (offer_by_route), area_reach and
    region_reach (priority_reach), district_standards (district_standards: the derived
    district-level standards of the year). no_data_courses: no course record of the year names
    a sector; no_data_standards: the year has no standards or no district starts recorded;
    sectors: the priority sectors used (name, order, areas, routes).
    """

    year: str
    offer_by_ssa: pd.DataFrame
    offer_by_route: pd.DataFrame
    area_reach: pd.DataFrame
    region_reach: pd.DataFrame
    district_standards: pd.DataFrame
    sectors: pd.DataFrame
    no_data_courses: bool
    no_data_standards: bool


def offer_sectors(offers: pd.DataFrame) -> pd.DataFrame:
    """The offers with ssa_tier1, ssa_tier2 and tlevel_route in published spelling ("" when the
    record names none)."""
    subjects = offers["subject"].fillna("").astype(str).to_numpy(dtype=object)
    routes = offers["tlevel_route"].fillna("").astype(str).to_numpy(dtype=object)
    found = [_course_sector(s, r) for s, r in zip(subjects, routes, strict=True)]
    return offers.assign(
        ssa_tier1=[tier1 for tier1, _ in found],
        ssa_tier2=[tier2 for _, tier2 in found],
        tlevel_route=[canonical_route(r) for r in routes],
    )


def sectors_frame(records) -> pd.DataFrame:
    """Priority sectors as the analysis reads them, from (name, order, areas, routes) records or
    a frame with those columns; names are put in published spelling and unknown ones dropped
    (the admin refuses them, so only a hand-built frame has any)."""
    frame = pd.DataFrame(records, columns=["name", "order", "areas", "routes"])
    frame["areas"] = [tuple(x for x in (canonical_tier1(a) or canonical_tier2(a)
                                        for a in areas) if x) for areas in frame["areas"]]
    frame["routes"] = [tuple(x for x in map(canonical_route, routes) if x)
                       for routes in frame["routes"]]
    return frame.sort_values(["order", "name"], kind="stable").reset_index(drop=True)


def district_standards(provider_standards: pd.DataFrame | None, delivery: pd.DataFrame | None,
                       year: str) -> pd.DataFrame:
    """The derived district-level standards of `year`: for each district and each provider that
    started apprentices there (delivery: provider_ukprn, academic_year, district_code, starts,
    and optionally under_19: only those providers count), every standard the provider started
    apprentices on in England that year (provider_standards: provider_ukprn, academic_year,
    standard_key, name, level, ssa_tier1, ssa_tier2, starts).
    Columns: district_code, provider_ukprn, standard_key, name, level, ssa_tier1, ssa_tier2,
    national_starts, district_starts (the provider's starts in the district, all standards),
    derived_starts (district_starts × the standard's share of the provider's national starts:
    an estimate)."""
    columns = ["district_code", "provider_ukprn", "standard_key", "name", "level", "ssa_tier1",
               "ssa_tier2", "national_starts", "district_starts", "derived_starts"]
    if provider_standards is None or delivery is None:
        return pd.DataFrame(columns=columns)
    # UKPRNs as text on both sides (an empty frame from the database has no dtype to go by).
    links = provider_standards[(provider_standards["academic_year"] == year)
                               & (provider_standards["starts"] > 0)].astype(
        {"provider_ukprn": str})
    places = delivery[(delivery["academic_year"] == year) & (delivery["starts"] > 0)].astype(
        {"provider_ukprn": str})
    places = places[places["provider_ukprn"] != ""]
    if "under_19" in places:
        # Only providers that take young people: their South East starts that year include
        # under-19s (the published age split has no finer geography).
        places = places[places["under_19"].to_numpy(dtype=bool)]
    places = places.groupby(["district_code", "provider_ukprn"], as_index=False)["starts"].sum()
    joined = places.merge(links, on="provider_ukprn", how="inner", suffixes=("_district", ""))
    joined = joined.rename(columns={"starts": "national_starts",
                                    "starts_district": "district_starts"})
    # The provider's district starts shared out by its national mix of standards: an estimate
    # of its starts on each standard in the district (the data has no standard by district).
    national_total = joined.groupby(["district_code", "provider_ukprn"])[
        "national_starts"].transform("sum")
    joined["derived_starts"] = (joined["district_starts"] * joined["national_starts"]
                                / national_total) if len(joined) else 0.0
    return joined[columns].sort_values(["district_code", "provider_ukprn", "standard_key"],
                                       kind="stable").reset_index(drop=True)


def _district_codes(areas: pd.DataFrame) -> np.ndarray:
    """Each area's district code. The column is optional in Inputs.areas (as for the
    guarantee's apprenticeship part): without it no area matches a district's standards."""
    if "district_code" not in areas:
        return np.full(len(areas), None, dtype=object)
    return areas["district_code"].to_numpy(dtype=object)


def _region_districts(areas: pd.DataFrame, regions: pd.DataFrame) -> list[tuple[str, str, set]]:
    """(slug, name, district codes of its areas) per LCPA, then Kent."""
    codes = _district_codes(areas)
    return [(slug, name, set(codes[mask])) for slug, name, mask in region_rows(areas, regions)]


def offer_by_sector(areas: pd.DataFrame, regions: pd.DataFrame, sites: pd.DataFrame,
                    offers: pd.DataFrame, standards: pd.DataFrame, no_data_courses: bool,
                    no_data_standards: bool) -> pd.DataFrame:
    """Per LCPA (then "kent") × tier-1 sector subject area: the offer in the LCPA.

    offers: the year's running offers with site_pos and their sectors (offer_sectors); they
    count in the LCPA of their site. standards: district_standards; they count in an LCPA when
    their district has an area in it (a split district counts in each of its LCPAs), derived.
    Columns: region_slug, region_name, ssa_tier1 ("" = courses whose records name no sector),
    courses (offers), course_providers, t_levels, fe_offers (FE provision), standards (distinct
    standards), standard_providers, standard_starts (estimated starts on those standards in the
    LCPA's districts: district_standards' derived_starts summed), no_data_courses,
    no_data_standards.
    An area with no offer of a kind has 0, or NaN when the kind has no data recorded in the year.
    """
    site_region = sites["region_slug"].to_numpy(dtype=object)
    offer_region = site_region[offers["site_pos"].to_numpy(dtype=np.int64)]
    tier1 = offers["ssa_tier1"].to_numpy(dtype=object)
    kinds = offers["qualification_type"].to_numpy(dtype=object)
    provider = offers["provider_id"].to_numpy()
    records = []
    known = set(SSA_TIER1) | set(tier1[tier1 != NOT_RECORDED]) | set(standards["ssa_tier1"])
    sector_names = [*sorted(known), NOT_RECORDED]
    for slug, name, districts in _region_districts(areas, regions):
        in_region = (offer_region == slug) if slug != KENT else np.isin(
            offer_region, list(regions["region_slug"]))
        here = standards[standards["district_code"].isin(districts)]
        for sector in sector_names:
            rows = in_region & (tier1 == sector)
            std = here[here["ssa_tier1"] == sector]
            course_n = int(rows.sum())
            record = {
                "region_slug": slug, "region_name": name, "ssa_tier1": sector,
                "courses": course_n,
                "course_providers": len(set(provider[rows])),
                "t_levels": int((rows & (kinds == T_LEVEL_TYPE)).sum()),
                "fe_offers": int((rows & (kinds == FE_TYPE)).sum()),
                "standards": std["standard_key"].nunique(),
                "standard_providers": std["provider_ukprn"].nunique(),
                "standard_starts": float(std["derived_starts"].sum()),
                "no_data_courses": no_data_courses and sector != NOT_RECORDED,
                "no_data_standards": no_data_standards or sector == NOT_RECORDED,
            }
            if record["no_data_courses"]:
                for column in ("courses", "course_providers", "t_levels", "fe_offers"):
                    record[column] = np.nan
            if record["no_data_standards"]:
                for column in ("standards", "standard_providers", "standard_starts"):
                    record[column] = np.nan
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=SSA_COLUMNS)
    # Sectors with nothing anywhere are left out, except the "not recorded" row.
    kent = frame[frame["region_slug"] == KENT].set_index("ssa_tier1")
    keep = {s for s in kent.index if s == NOT_RECORDED
            or (kent.loc[s, ["courses", "standards"]].fillna(0) > 0).any()}
    return frame[frame["ssa_tier1"].isin(keep)].reset_index(drop=True)


def offer_by_route(regions: pd.DataFrame, sites: pd.DataFrame, offers: pd.DataFrame,
                   areas: pd.DataFrame) -> pd.DataFrame:
    """Per LCPA (then "kent") × T Level route: T Level offers at sites in the LCPA and their
    providers; route "" = T Levels whose records name no route (every T Level after 2021)."""
    t_levels = offers[offers["qualification_type"] == T_LEVEL_TYPE]
    site_region = sites["region_slug"].to_numpy(dtype=object)
    region = site_region[t_levels["site_pos"].to_numpy(dtype=np.int64)]
    route = t_levels["tlevel_route"].to_numpy(dtype=object)
    provider = t_levels["provider_id"].to_numpy()
    names = sorted(set(route) - {NOT_RECORDED}) + ([NOT_RECORDED] if (
        route == NOT_RECORDED).any() else [])
    records = []
    for slug, name, _ in region_rows(areas, regions):
        in_region = (region == slug) if slug != KENT else np.isin(
            region, list(regions["region_slug"]))
        for each in names:
            rows = in_region & (route == each)
            records.append({"region_slug": slug, "region_name": name, "tlevel_route": each,
                            "t_levels": int(rows.sum()), "providers": len(set(provider[rows]))})
    return pd.DataFrame.from_records(records, columns=ROUTE_COLUMNS)


def priority_reach(areas: pd.DataFrame, regions: pd.DataFrame, sites: pd.DataFrame,
                   offers: pd.DataFrame, reach: Reach, standards: pd.DataFrame,
                   sectors: pd.DataFrame, no_data_courses: bool, no_data_standards: bool,
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per area × priority sector and per LCPA (then "kent") × priority sector: can a young
    person reach an offer in the sector?

    offers: the counted offers (open access, as the choice rule counts) of the year with
    site_pos and sectors (offer_sectors); reach: the request's reach from `areas` (row order) to
    `sites`. standards: district_standards.
    area_reach columns: area_code, region_slug, sector, course_within (a course in the sector
    within the travel time), apprenticeship_in_district (derived), any_within.
    region_reach columns: region_slug, region_name, sector, order, cohort (16–17, estimate),
    course_share, apprenticeship_share, any_share (cohort-weighted shares), none_share,
    cohort_without, areas, areas_without (areas with neither), no_provision (no area of the
    LCPA reaches the sector), derived_starts (estimated apprenticeship starts on the sector's
    standards in the LCPA's districts, see district_standards; a split district counts whole),
    derived_starts_per_1000 (those per 1,000 of the LCPA's cohort),
    no_data_courses, no_data_standards, lower_bound (a part has no
    data, so any_share counts the other part only). A part with no data has NaN shares; if both
    have none, every share is NaN.
    """
    n, n_sectors = len(areas), len(sectors)
    tier1 = offers["ssa_tier1"].to_numpy(dtype=object)
    tier2 = offers["ssa_tier2"].to_numpy(dtype=object)
    route = offers["tlevel_route"].to_numpy(dtype=object)
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    row_site, row_group = [], []
    district_has = np.zeros((n, n_sectors), dtype=bool)
    area_district = _district_codes(areas)
    for number, sector in enumerate(sectors.itertuples()):
        hit = np.flatnonzero(_in_sector(sector, tier1, tier2, route))
        row_site.append(site_pos[hit])
        row_group.append(np.full(len(hit), number, dtype=np.int64))
        std = standards[_in_sector(sector, standards["ssa_tier1"].to_numpy(dtype=object),
                                   standards["ssa_tier2"].to_numpy(dtype=object), None)]
        district_has[:, number] = np.isin(area_district, list(set(std["district_code"])))
    row_site = np.concatenate(row_site) if row_site else np.zeros(0, dtype=np.int64)
    row_group = np.concatenate(row_group) if row_group else np.zeros(0, dtype=np.int64)
    stats = group_reach(reach, row_site, row_group, np.zeros(len(row_site), dtype=np.int64),
                        max(n_sectors, 1), provider_codes(sites), with_nearest=False,
                        count_keys=False)
    course_within = stats.providers[:, :n_sectors] > 0
    if no_data_courses:
        course_within[:] = False
    if no_data_standards:
        district_has[:] = False
    any_within = course_within | district_has
    names = sectors["name"].to_numpy(dtype=object)
    area_reach = pd.DataFrame({
        "area_code": np.repeat(areas["area_code"].to_numpy(dtype=object), n_sectors),
        "region_slug": np.repeat(areas["region_slug"].to_numpy(dtype=object), n_sectors),
        "sector": np.tile(names, n),
        "course_within": course_within.ravel(),
        "apprenticeship_in_district": district_has.ravel(),
        "any_within": any_within.ravel(),
    })
    cohort = np.nan_to_num(areas["cohort_16_17"].to_numpy(dtype=float))
    both_missing = no_data_courses and no_data_standards
    in_sector = [standards[_in_sector(sector, standards["ssa_tier1"].to_numpy(dtype=object),
                                      standards["ssa_tier2"].to_numpy(dtype=object), None)]
                 for sector in sectors.itertuples()]
    records = []
    for slug, region_name, mask in region_rows(areas, regions):
        districts = set(area_district[mask])
        weights = cohort[mask]
        total = float(weights.sum())
        for number, sector in enumerate(sectors.itertuples()):
            def share(values, missing, number=number, mask=mask, weights=weights, total=total):
                if missing or total <= 0:
                    return np.nan
                return float((weights * values[mask, number]).sum() / total)

            reached = any_within[mask, number]
            any_share = share(any_within, both_missing)
            chosen = in_sector[number]
            starts = np.nan if no_data_standards else float(
                chosen.loc[chosen["district_code"].isin(districts), "derived_starts"].sum())
            records.append({
                "region_slug": slug, "region_name": region_name, "sector": sector.name,
                "order": sector.order, "cohort": total,
                "course_share": share(course_within, no_data_courses),
                "apprenticeship_share": share(district_has, no_data_standards),
                "any_share": any_share,
                "none_share": np.nan if np.isnan(any_share) else 1.0 - any_share,
                "cohort_without": np.nan if both_missing else float(weights[~reached].sum()),
                "areas": len(mask),
                "areas_without": np.nan if both_missing else int((~reached).sum()),
                "no_provision": bool(not both_missing and len(mask) and not reached.any()),
                "derived_starts": starts,
                "derived_starts_per_1000": starts * 1000 / total if total > 0 else np.nan,
                "no_data_courses": no_data_courses,
                "no_data_standards": no_data_standards,
                "lower_bound": (no_data_courses or no_data_standards) and not both_missing,
            })
    return area_reach, pd.DataFrame.from_records(records, columns=REACH_COLUMNS)


def _in_sector(sector, tier1: np.ndarray, tier2: np.ndarray, route: np.ndarray | None):
    """Rows in the sector: their tier-1 or tier-2 area is one of its areas, or (courses) their
    T Level route is one of its routes."""
    areas = list(sector.areas)
    hit = (np.isin(tier1, areas) | np.isin(tier2, areas)) if areas else np.zeros(
        len(tier1), dtype=bool)
    if route is not None and sector.routes:
        hit = hit | np.isin(route, list(sector.routes))
    return hit


def skills_measures(areas: pd.DataFrame, regions: pd.DataFrame, sites: pd.DataFrame,
                    active: pd.DataFrame, counted: pd.DataFrame, records: pd.DataFrame,
                    reach: Reach, year: str, provider_standards: pd.DataFrame | None,
                    delivery: pd.DataFrame | None, sectors: pd.DataFrame | None) -> Skills:
    """Every skills measure for one year (what compute_from_inputs stores in Results.skills).

    active: the year's running offers (site_pos); counted: those the choice rule counts (for
    reach); records: every record of the year, running or not (judges "no data recorded").
    """
    sectors = sectors if sectors is not None else sectors_frame([])
    # Frames built by hand (tests, benchmarks) may lack the columns this part reads: no
    # district means no apprenticeship part, no subject or route means no sector recorded.
    if "district_code" not in areas:
        areas = areas.assign(district_code="")
    active, counted, records = (
        frame.assign(**{c: "" for c in ("subject", "tlevel_route") if c not in frame})
        for frame in (active, counted, records))
    with_sector = offer_sectors(records)
    no_data_courses = not ((with_sector["ssa_tier1"] != NOT_RECORDED).any()
                           or (with_sector["tlevel_route"] != NOT_RECORDED).any())
    standards = district_standards(provider_standards, delivery, year)
    no_data_standards = standards.empty
    active_s = offer_sectors(active)
    counted_s = offer_sectors(counted)
    area_reach, region_reach = priority_reach(
        areas, regions, sites, counted_s, reach, standards, sectors, no_data_courses,
        no_data_standards)
    return Skills(
        year=year,
        offer_by_ssa=offer_by_sector(areas, regions, sites, active_s, standards,
                                     no_data_courses, no_data_standards),
        offer_by_route=offer_by_route(regions, sites, active_s, areas),
        area_reach=area_reach,
        region_reach=region_reach,
        district_standards=standards,
        sectors=sectors,
        no_data_courses=no_data_courses,
        no_data_standards=no_data_standards,
    )
