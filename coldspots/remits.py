"""Figures the board champions' reports need that Results does not hold as they are: pure
functions over the analysis' own frames (Results, Inputs), so a report never works out a state
or a guarantee a second time.

- `pathway_gap`: per LCPA, the cohort with none of some guarantee parts within reach (from the
  guarantee's own per-area statuses), e.g. "no Level 2 course within reach".
- `year_on_year_by_source`: the analysis' year-on-year counts split by the source of the
  records and their label (published or derived), so a fall that is a source stopping is told
  apart from provision that closed, and derived records are not taken for published ones.
- `sites_by_region`: sites and providers of a kind (a site mask) per LCPA.
- `offers_by_region`: running offers of some qualification types per LCPA (e.g. supported
  internships), with their known learners.
- `specialist_options`: per small area, the specialist providers within reach.
- `specialist_choice_by_region`: those counts per LCPA, weighted by the EHCP estimate.

Every per-LCPA frame has one row per LCPA in the regions' order and then "kent" (areas in Kent,
or sites in an LCPA, as analysis.region_rows and analysis.year_on_year define Kent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coldspots import analysis, guarantee
from coldspots.analysis import KENT, Inputs
from coldspots.params import COMPLETE_SOURCES, AnalysisParams

# How each source_key of a course record is named on a report.
OTHER_SOURCE_NAMES = {
    "": "Officers' own records",
    "ks5_2018_19_se": "DfE 2018/19 South East institutions file",
    "send_derived": "Specialist SEND programmes (derived from the school register)",
    "tlevels_2021": "ESFA T Level provider register 2021",
    "tlevels_2024": "T Level results service provider register",
    "fe_outcomes": "DfE FE outcomes",
}


def source_name(key) -> str:
    """A source key as a report names it (the complete sources' own names first)."""
    key = "" if key is None or key != key else str(key)
    for source in COMPLETE_SOURCES:
        if source.source_key == key:
            return source.name
    return OTHER_SOURCE_NAMES.get(key, key)


def pathway_gap(
    guarantee_areas: pd.DataFrame, areas: pd.DataFrame, regions: pd.DataFrame,
    components: tuple[str, ...],
) -> pd.DataFrame:
    """Per LCPA, then "kent": the cohort for whom none of `components` is within reach.

    An area has a pathway when any of the components is "met" in guarantee_areas; it has none
    when every one is "not_met" (measured and out of reach); otherwise (none met, some with no
    data) it cannot be said. The weights are the guarantee's own (its cohort column).
    Columns: region_slug, region_name, areas, cohort, pathway_cohort, no_pathway_areas,
    no_pathway_cohort, no_data_areas, no_data_cohort, and pathway_share, no_pathway_share,
    no_data_share (shares of the cohort; NaN when the cohort is 0).
    """
    status = np.stack([guarantee_areas[c].to_numpy(dtype=object) for c in components])
    met = (status == guarantee.MET).any(axis=0)
    none = (status == guarantee.NOT_MET).all(axis=0)
    unknown = ~met & ~none
    cohort = guarantee_areas["cohort"].to_numpy(dtype=float)
    records = []
    for slug, name, rows in analysis.region_rows(areas, regions):
        total = float(cohort[rows].sum())
        record = {"region_slug": slug, "region_name": name, "areas": len(rows),
                  "cohort": total}
        for label, mask in (("pathway", met), ("no_pathway", none), ("no_data", unknown)):
            weight = float(cohort[rows][mask[rows]].sum())
            if label != "pathway":
                record[f"{label}_areas"] = int(mask[rows].sum())
            record[f"{label}_cohort"] = weight
            record[f"{label}_share"] = weight / total if total > 0 else np.nan
        records.append(record)
    return pd.DataFrame.from_records(records)


def year_on_year_by_source(
    offers: pd.DataFrame, sites: pd.DataFrame, regions: pd.DataFrame, year_from: str | None,
    year_to: str, params: AnalysisParams,
) -> pd.DataFrame:
    """analysis.year_on_year run on the records of each source and record label ("published",
    "derived", ...) on their own, with source_key, record_label and source (the source's name)
    columns, sorted by key and label, for the pairs with a record in either year. The counts of
    all pairs add up to year_on_year's where a level is recorded (a pair with no record at a
    level in a year has NaN there: it recorded nothing, which is not a count)."""
    years = [y for y in (year_from, year_to) if y is not None]
    keys = offers["source_key"].fillna("").astype(str).to_numpy()
    labels = offers["record_label"].fillna("").astype(str).to_numpy()
    in_years = offers["academic_year"].isin(years).to_numpy()
    pairs = sorted(set(zip(keys[in_years], labels[in_years], strict=True)))
    frames = []
    for key, label in pairs:
        mine = offers[(keys == key) & (labels == label)]
        frame = analysis.year_on_year(mine, sites, regions, year_from, year_to, params)
        frames.append(frame.assign(source_key=key, record_label=label, source=source_name(key)))
    if not frames:
        empty = analysis.year_on_year(offers.iloc[0:0], sites, regions, year_from, year_to,
                                      params)
        return empty.assign(source_key=pd.Series(dtype=object),
                            record_label=pd.Series(dtype=object),
                            source=pd.Series(dtype=object)).iloc[0:0]
    return pd.concat(frames, ignore_index=True)


def sites_by_region(sites: pd.DataFrame, mask: np.ndarray, regions: pd.DataFrame) -> pd.DataFrame:
    """Per LCPA, then "kent" (every masked site in an LCPA): region_slug, region_name, sites,
    providers (distinct) among the masked sites."""
    chosen = sites.loc[np.asarray(mask, dtype=bool)]
    records = []
    slugs = list(regions["region_slug"])
    for slug, name in zip(regions["region_slug"], regions["region_name"], strict=True):
        here = chosen.loc[(chosen["region_slug"] == slug).to_numpy()]
        records.append({"region_slug": slug, "region_name": name, "sites": len(here),
                        "providers": int(here["provider_id"].nunique())})
    kent = chosen.loc[chosen["region_slug"].isin(slugs).to_numpy()]
    records.append({"region_slug": KENT, "region_name": "Kent", "sites": len(kent),
                    "providers": int(kent["provider_id"].nunique())})
    return pd.DataFrame.from_records(records, columns=["region_slug", "region_name", "sites",
                                                       "providers"])


def offers_by_region(
    offers: pd.DataFrame, sites: pd.DataFrame, regions: pd.DataFrame, year: str,
    types: tuple[str, ...],
) -> pd.DataFrame:
    """Running offers of `types` in `year` (analysis.active_offers) per LCPA of their site,
    then "kent": region_slug, region_name, offers, sites, learners (sum of known learners; NaN
    where there are offers and none has a known number), recorded (any record of these types
    in the year anywhere, running or not: when False every count is "no data recorded")."""
    active = analysis.active_offers(offers, sites, year)
    active = active.loc[active["qualification_type"].isin(types).to_numpy()]
    records_ = analysis.year_records(offers, sites, year)
    recorded = bool(records_["qualification_type"].isin(types).any())
    region = sites["region_slug"].to_numpy(dtype=object)[active["site_pos"].to_numpy(dtype=int)]
    slugs = list(regions["region_slug"])
    rows = []
    for slug, name in [*zip(regions["region_slug"], regions["region_name"], strict=True),
                       (KENT, "Kent")]:
        here = np.isin(region, slugs) if slug == KENT else region == slug
        chosen = active.loc[here]
        known = chosen["learners"].to_numpy(dtype=float)
        rows.append({
            "region_slug": slug, "region_name": name, "offers": len(chosen),
            "sites": int(chosen["site_id"].nunique()),
            "learners": float(np.nansum(known)) if (~np.isnan(known)).any()
            else (0.0 if len(chosen) == 0 else np.nan),
            "recorded": recorded,
        })
    return pd.DataFrame.from_records(rows)


def specialist_options(inputs: Inputs, sites: pd.DataFrame, areas: pd.DataFrame,
                       params: AnalysisParams) -> np.ndarray:
    """Per area (in `areas` order): the distinct specialist providers (analysis
    .specialist_site_mask) with a site within the request's travel time.

    sites, areas: the analysis' canonical frames (Results.sites, Results.areas), so the reach is
    the one compute built."""
    reach = analysis.reach_for(
        Inputs(areas, sites, inputs.offers, inputs.regions, inputs.matrix), params)
    positions = np.flatnonzero(analysis.specialist_site_mask(sites)).astype(np.int64)
    stats = analysis.group_reach(
        reach, positions, np.zeros(len(positions), dtype=np.int64),
        np.zeros(len(positions), dtype=np.int64), 1, analysis.provider_codes(sites),
        with_nearest=False, count_keys=False)
    return stats.providers[:, 0]


def specialist_choice_by_region(
    options: np.ndarray, areas: pd.DataFrame, regions: pd.DataFrame, any_specialist: bool,
) -> pd.DataFrame:
    """Per LCPA, then "kent": region_slug, region_name, ehcp (sum of the EHCP estimate),
    mean_options (EHCP-weighted mean of specialist providers within reach), ehcp_none,
    ehcp_one, ehcp_two_or_more (EHCP estimate in areas with 0, 1, 2+ within reach) and
    areas_none. Every measure is NaN when no specialist provision is recorded at all
    (any_specialist False) or, for the mean, when the EHCP estimate sums to 0."""
    ehcp = np.nan_to_num(areas["ehcp_16_17"].to_numpy(dtype=float))
    options = np.asarray(options, dtype=float)
    records = []
    for slug, name, rows in analysis.region_rows(areas, regions):
        weight, here = ehcp[rows], options[rows]
        total = float(weight.sum())
        record = {"region_slug": slug, "region_name": name, "ehcp": total}
        if not any_specialist:
            record.update(mean_options=np.nan, ehcp_none=np.nan, ehcp_one=np.nan,
                          ehcp_two_or_more=np.nan, areas_none=np.nan)
        else:
            record.update(
                mean_options=float((weight * here).sum() / total) if total > 0 else np.nan,
                ehcp_none=float(weight[here == 0].sum()),
                ehcp_one=float(weight[here == 1].sum()),
                ehcp_two_or_more=float(weight[here >= 2].sum()),
                areas_none=int((here == 0).sum()),
            )
        records.append(record)
    return pd.DataFrame.from_records(records)


def entry_requirements_recorded(
    offers: pd.DataFrame, sites: pd.DataFrame, year: str, levels: tuple[str, ...],
) -> tuple[int, int]:
    """(running offers at `levels` in `year`, how many of them record a minimum GCSE grade in
    English or maths). When the second is 0, a learner profile without grade 4 changes nothing
    because no requirement is recorded, not because none applies."""
    active = analysis.active_offers(offers, sites, year)
    active = active.loc[active["level"].isin(levels).to_numpy()]
    english = active["min_english_grade"].to_numpy(dtype=float)
    maths = active["min_maths_grade"].to_numpy(dtype=float)
    return len(active), int((~np.isnan(english) | ~np.isnan(maths)).sum())


def unreached_by_region(
    within: np.ndarray, areas: pd.DataFrame, regions: pd.DataFrame, weight_column: str,
) -> pd.DataFrame:
    """Per LCPA, then "kent": the small areas where `within` is False (e.g. send_areas
    .ap_within_reach) and the sum of `weight_column` (e.g. cohort_16_17, ehcp_16_17; missing
    figures count as 0) in them. Columns: region_slug, region_name, areas_without,
    weight_without."""
    within = np.asarray(within, dtype=bool)
    weight = np.nan_to_num(areas[weight_column].to_numpy(dtype=float))
    records = []
    for slug, name, rows in analysis.region_rows(areas, regions):
        out = ~within[rows]
        records.append({"region_slug": slug, "region_name": name,
                        "areas_without": int(out.sum()),
                        "weight_without": float(weight[rows][out].sum())})
    return pd.DataFrame.from_records(records)
