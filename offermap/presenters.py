"""What the pages show, assembled from coldspots' frames and results (pure, no ORM).

The views call these with `coldspots.results.compute(...)` output and the cached input frames;
every function takes and returns plain DataFrames or dicts, so a test can hand-build them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coldspots import analysis
from coldspots.analysis import KENT, Inputs
from coldspots.guarantee import COMPONENT_LABELS
from coldspots.params import AnalysisParams
from offermap import maps
from providers.models import Course, Level, Provider

LEVEL_LABELS = dict(Level.choices)
KIND_LABELS = dict(Provider.Kind.choices)
TYPE_LABELS = dict(Course.QualificationType.choices)
OUTSIDE_KENT = "Outside Kent"


def urn_list(urns: pd.Series) -> list[int | None]:
    """URNs as Python ints, None where a provider has none (e.g. a training provider known only
    by its UKPRN). A nullable integer column turns into floats on export, and 100.0 would make
    a broken provider link."""
    return [None if pd.isna(urn) else int(urn) for urn in urns]


def region_names(regions: pd.DataFrame) -> dict[str, str]:
    return dict(zip(regions["region_slug"], regions["region_name"], strict=True))


def offers_in_view(
    inputs: Inputs, year: str, params: AnalysisParams, lcpa: str = ""
) -> pd.DataFrame:
    """The offers the filters select in the year, as the analysis counts them, plus the LCPA
    (region_slug) of their site; only those at sites in `lcpa` when one is given."""
    sites = inputs.sites.reset_index(drop=True)
    chosen = analysis.select_offers(analysis.active_offers(inputs.offers, sites, year), params)
    site_region = sites["region_slug"].to_numpy()[chosen["site_pos"].to_numpy(dtype=np.int64)]
    chosen = chosen.assign(region_slug=site_region)
    if lcpa:
        chosen = chosen.loc[chosen["region_slug"] == lcpa]
    return chosen


def sites_without_offers(inputs: Inputs, year: str, lcpa: str = "") -> int:
    """Open sites (in the LCPA, or in Kent) with no offer of any kind recorded in the year."""
    sites = analysis.sites_open_in(inputs.sites, year)
    in_view = sites["provider_open"] & (
        sites["region_slug"] == lcpa if lcpa else sites["region_slug"].notna()
    )
    recorded = inputs.offers.loc[inputs.offers["academic_year"] == year, "site_id"]
    return int((in_view & ~sites["site_id"].isin(recorded)).sum())


@dataclass(frozen=True)
class Headline:
    total_offers: int
    by_level: list[dict]  # {label, offers (int or None = no data recorded)}
    guarantee: dict  # see guarantee_summary
    cold_areas: int
    areas: int
    cold_levels_text: str
    place: str


def headline(
    results, offers: pd.DataFrame, lcpa: str, place: str
) -> Headline:
    """Offers in view by level, guarantee coverage, and the number of small-area cold spots."""
    levels = analysis.measured_levels(results.params)
    counts = offers["level"].value_counts()
    by_level = [
        {
            "label": LEVEL_LABELS[level],
            "offers": None if level in results.no_data_levels else int(counts.get(level, 0)),
        }
        for level in levels
    ]
    area_level = results.area_level
    in_view = (area_level["region_slug"] == lcpa) if lcpa else area_level["in_kent"].astype(bool)
    per_area = area_level.loc[in_view].groupby("area_code")["cold"].any()
    return Headline(
        total_offers=len(offers),
        by_level=by_level,
        guarantee=guarantee_summary(results.guarantee_regions, lcpa or KENT),
        cold_areas=int(per_area.sum()),
        areas=len(per_area),
        cold_levels_text=_levels_text(levels),
        place=place,
    )


def guarantee_summary(guarantee_regions: pd.DataFrame, slug: str) -> dict:
    """The guarantee for an LCPA (or "kent"), led by the share meeting the WHOLE guarantee.

    covered: that share as text; parts_without_data: how many of the five parts have no data
    recorded (then the guarantee cannot be confirmed anywhere), no_data: those parts in words;
    checked: the secondary share reaching every part that has data; weakest: the part reached by
    the smallest share.
    """
    rows = guarantee_regions.loc[guarantee_regions["region_slug"] == slug]
    if rows.empty:
        return {"covered": maps.NO_DATA_LABEL, "checked": "", "parts_without_data": 0,
                "no_data": "", "weakest": "", "parts": maps.GUARANTEE_PARTS}
    row = rows.iloc[0]
    checked = row.get("covered_share_checked_parts", row["covered_share"])
    no_data = [name for name in str(row.get("no_data_components", "") or "").split(",") if name]
    missing = row.get("parts_without_data")
    return {
        "covered": _share_text(row["covered_share"]),
        "checked": _share_text(checked),
        "parts_without_data": len(no_data) if _is_missing(missing) else int(missing),
        "no_data": ", ".join(COMPONENT_LABELS.get(name, name) for name in no_data),
        "weakest": COMPONENT_LABELS.get(str(row["weakest_component"]), ""),
        "parts": maps.GUARANTEE_PARTS,
    }


def _levels_text(levels: tuple[str, ...]) -> str:
    labels = [LEVEL_LABELS[level] for level in levels]
    if len(labels) == len(LEVEL_LABELS):
        return "any level"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


PROVIDER_COLUMNS = [
    "site_id", "provider_name", "provider_urn", "site_name", "kind", "lcpa", "offers",
    "derived_offers", "levels", "learners", "latitude", "longitude", "out_of_county",
]


def provider_rows(inputs: Inputs, offers: pd.DataFrame) -> pd.DataFrame:
    """One row per site with offers in view: provider, site, kind, LCPA, offers (and how many
    of them are derived records, not published ones), levels offered, known learners (NaN when
    none is known), location."""
    if offers.empty:
        return pd.DataFrame(columns=PROVIDER_COLUMNS)
    grouped = offers.assign(derived=offers["record_label"] == "derived").groupby("site_id").agg(
        offers=("course_id", "size"),
        derived_offers=("derived", "sum"),
        learners=("learners", lambda s: s.sum(min_count=1)),
        levels=("level", lambda s: ", ".join(
            LEVEL_LABELS[level] for level in Level.values if level in set(s)
        )),
    )
    sites = inputs.sites.set_index("site_id").loc[grouped.index]
    names = region_names(inputs.regions)
    frame = pd.DataFrame(
        {
            "site_id": grouped.index.to_numpy(),
            "provider_name": sites["provider_name"].to_numpy(),
            "provider_urn": pd.Series(urn_list(sites["provider_urn"]), dtype=object),
            "site_name": sites["site_name"].to_numpy(),
            "kind": [KIND_LABELS.get(kind, kind) for kind in sites["provider_kind"]],
            "lcpa": [names.get(slug, OUTSIDE_KENT) if slug else OUTSIDE_KENT
                     for slug in sites["region_slug"]],
            "offers": grouped["offers"].to_numpy(),
            "derived_offers": grouped["derived_offers"].to_numpy(dtype=int),
            "levels": grouped["levels"].to_numpy(),
            "learners": grouped["learners"].to_numpy(dtype=float),
            "latitude": sites["latitude"].to_numpy(dtype=float),
            "longitude": sites["longitude"].to_numpy(dtype=float),
            "out_of_county": sites["out_of_county"].to_numpy(dtype=bool),
        }
    )
    return frame.sort_values(["provider_name", "site_name"], kind="stable").reset_index(drop=True)


PROVIDER_SORT_COLUMNS = {
    "provider": ["provider_name", "site_name"],
    "site": ["site_name", "provider_name"],
    "kind": ["kind", "provider_name"],
    "lcpa": ["lcpa", "provider_name"],
    "offers": ["offers", "provider_name"],
    "learners": ["learners", "provider_name"],
}


def sort_frame(frame: pd.DataFrame, sort: str, columns: dict[str, list[str]]) -> pd.DataFrame:
    """Sort by a named column ("-name" for descending); ties broken by the following columns,
    always ascending; missing values last."""
    descending = sort.startswith("-")
    keys = columns[sort.removeprefix("-")]
    ascending = [not descending] + [True] * (len(keys) - 1)
    return frame.sort_values(keys, ascending=ascending, na_position="last", kind="stable")


LCPA_SORT_COLUMNS = {
    "lcpa": ["region_name"],
    "cohort": ["cohort", "region_name"],
    "cold_share": ["cold_share", "region_name"],
    "options_per_1000": ["options_per_1000", "region_name"],
    "guarantee": ["guarantee", "region_name"],
    "change": ["change", "region_name"],
}
MEASURE_COLUMNS = ("cold_share", "options_per_1000", "guarantee", "guarantee_checked", "change")


def lcpa_rows(results, levels: tuple[str, ...]) -> pd.DataFrame:
    """One row per LCPA and one for Kent: cohort and every shading measure, as values and text.

    Columns: region_slug, region_name, cohort, and for each measure M in MEASURE_COLUMNS:
    M (float, NaN = no data), M_text, M_note.
    """
    base = results.region_level.drop_duplicates("region_slug")[
        ["region_slug", "region_name", "cohort"]
    ].reset_index(drop=True)
    frame = base
    for key in MEASURE_COLUMNS:
        values = maps.region_values(
            key, results.region_level, results.guarantee_regions, results.year_on_year, levels
        )
        measure = maps.MEASURES[key]
        values = values.rename(columns={"value": key, "note": f"{key}_note"})
        frame = frame.merge(values, on="region_slug", how="left")
        notes = frame[f"{key}_note"].astype(object)
        frame[f"{key}_note"] = notes.where(notes.notna(), "")
        frame[f"{key}_text"] = [maps.format_value(v, measure) for v in frame[key]]
    return frame


def sort_lcpa_rows(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Sort the LCPAs; the Kent row stays last."""
    lcpas = sort_frame(frame.loc[frame["region_slug"] != KENT], sort, LCPA_SORT_COLUMNS)
    return pd.concat([lcpas, frame.loc[frame["region_slug"] == KENT]], ignore_index=True)


def shaded_regions(
    regions: pd.DataFrame, rows: pd.DataFrame, measure_key: str
) -> tuple[pd.DataFrame, list[maps.Band]]:
    """The LCPAs with simplified boundaries and the chosen measure's band, colour and text."""
    measure = maps.MEASURES[measure_key]
    merged = regions[["region_slug", "region_name", "boundary"]].merge(
        rows[["region_slug", measure_key, f"{measure_key}_note"]], on="region_slug", how="left"
    )
    shading, bands = maps.shade(merged[measure_key].astype(float), measure)
    merged = pd.concat([merged, shading], axis=1)
    notes = merged[f"{measure_key}_note"].astype(object)
    merged["note"] = notes.where(notes.notna(), "")
    merged["boundary"] = [maps.simplify_geometry(b) for b in merged["boundary"]]
    return merged, bands


def cold_area_rows(results, areas: pd.DataFrame, lcpa: str = "") -> pd.DataFrame:
    """Small areas that are a cold spot at one or more measured levels (in Kent, or the LCPA):
    area_code, area_name, description (the levels, in words, and why)."""
    cold = results.area_level.loc[results.area_level["cold"].astype(bool)]
    cold = cold.loc[cold["region_slug"] == lcpa] if lcpa else cold.loc[cold["in_kent"]]
    if cold.empty:
        return pd.DataFrame(columns=["area_code", "area_name", "description"])
    reasons = {
        analysis.COLD_NONE: "nothing within reach",
        analysis.COLD_BELOW: "well below the Kent median",
    }
    described = cold.assign(
        text=[f"{LEVEL_LABELS[level]} ({reasons.get(rule, 'cold spot')})"
              for level, rule in zip(cold["level"], cold["cold_rule"], strict=True)]
    )
    per_area = described.groupby("area_code", sort=True)["text"].agg("; ".join)
    names = areas.set_index("area_code")["area_name"]
    return pd.DataFrame(
        {
            "area_code": per_area.index.to_numpy(),
            "area_name": names.reindex(per_area.index).fillna("").to_numpy(),
            "description": per_area.to_numpy(),
        }
    )


def subject_choices(inputs: Inputs, year: str) -> list[str]:
    """Subjects and T Level routes recorded in the year, for the filter's list."""
    offers = inputs.offers.loc[inputs.offers["academic_year"] == year]
    values = pd.concat([offers["subject"], offers["tlevel_route"]]).fillna("").astype(str)
    return sorted({v.strip() for v in values if v.strip()}, key=str.casefold)


def marker_rows(rows: pd.DataFrame, provider_url) -> pd.DataFrame:
    """Provider markers for the map: one per site in view, with a link and a description."""
    if rows.empty:
        return pd.DataFrame(columns=["latitude", "longitude", "name", "url", "description"])
    names = [
        provider if site == provider else f"{provider}: {site}"
        for provider, site in zip(rows["provider_name"], rows["site_name"], strict=True)
    ]
    urls = [provider_url(urn) if urn is not None else "" for urn in urn_list(rows["provider_urn"])]
    descriptions = [
        f"{kind}. {offers} offer{'s' if offers != 1 else ''} in view ({levels})"
        + (f", {derived} derived." if derived else ".")
        for kind, offers, derived, levels in zip(
            rows["kind"], rows["offers"], rows["derived_offers"], rows["levels"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "latitude": rows["latitude"].to_numpy(),
            "longitude": rows["longitude"].to_numpy(),
            "name": names,
            "url": urls,
            "description": descriptions,
        }
    )


def _plain(value):
    """A JSON-safe scalar (NaN and NA become None; numpy numbers become Python numbers)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def view_geojson(
    regions: pd.DataFrame, table: pd.DataFrame, providers: pd.DataFrame, results,
    params: AnalysisParams,
) -> dict:
    """A FeatureCollection of the view: LCPA polygons with every measure, then provider sites.

    Each feature has a "feature_type" property ("lcpa" or "site"); measures are numbers (shares
    from 0 to 1), null when there is no data.
    """
    measures = table.set_index("region_slug")
    features = []
    for row in regions.itertuples(index=False):
        if not row.boundary:
            continue
        values = measures.loc[row.region_slug] if row.region_slug in measures.index else None
        properties = {"feature_type": "lcpa", "region_slug": row.region_slug,
                      "name": row.region_name}
        for key in ("cohort", *MEASURE_COLUMNS):
            properties[key] = None if values is None else _plain(values[key])
        properties["cohort_is_estimate"] = bool(results.cohort_is_estimate)
        features.append({"type": "Feature", "geometry": row.boundary, "properties": properties})
    for row in providers.itertuples(index=False):
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(row.longitude), 6),
                                                          round(float(row.latitude), 6)]},
            "properties": {
                "feature_type": "site", "provider": row.provider_name,
                "provider_urn": _plain(row.provider_urn), "site": row.site_name,
                "kind": row.kind, "lcpa": row.lcpa, "offers": _plain(row.offers),
                "derived_offers": _plain(row.derived_offers),
                "levels": row.levels, "learners": _plain(row.learners),
            },
        })
    return {
        "type": "FeatureCollection",
        "properties": {
            "academic_year": results.year,
            "minutes": params.minutes,
            "mode": params.mode,
            "travel_method": results.travel_method_label,
        },
        "features": features,
    }


# ---------------------------------------------------------------------------------------------
# The LCPA profile


def level_comparison(results, slug: str) -> list[dict]:
    """Per measured level: the LCPA's cold spots, choice and journey times beside Kent's, and
    its rank among the LCPAs by cold-spot share (1 = smallest share)."""
    frame = results.region_level
    lcpas = frame.loc[frame["region_slug"] != KENT]
    rows = []
    for level in analysis.measured_levels(results.params):
        at_level = lcpas.loc[lcpas["level"] == level]
        here = at_level.loc[at_level["region_slug"] == slug]
        kent = frame.loc[(frame["region_slug"] == KENT) & (frame["level"] == level)]
        if here.empty:
            continue
        here, kent = here.iloc[0], (kent.iloc[0] if len(kent) else None)
        ranked = at_level.dropna(subset=["cold_share"])
        rank = None
        if not math.isnan(here["cold_share"]):
            rank = int((ranked["cold_share"] < here["cold_share"]).sum()) + 1
        rows.append({
            "level": LEVEL_LABELS[level],
            "no_data": bool(here["no_data"]),
            "cold_areas": int(here["cold_areas"]),
            "areas": int(here["areas"]),
            "cold_share": _share_text(here["cold_share"]),
            "kent_cold_share": _share_text(kent["cold_share"]) if kent is not None else "",
            "rank": rank,
            "ranked": len(ranked),
            "options": _number_text(here["options"]),
            "options_per_1000": _rate_text(here["options_per_1000"]),
            "kent_options_per_1000": _rate_text(kent["options_per_1000"])
            if kent is not None else "",
            "median_minutes": _minutes_text(here["median_minutes"]),
            "p90_minutes": _minutes_text(here["p90_minutes"]),
            "kent_median_minutes": _minutes_text(kent["median_minutes"])
            if kent is not None else "",
        })
    return rows


def _is_missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _share_text(value) -> str:
    return maps.NO_DATA_LABEL if _is_missing(value) else maps.format_share(float(value))


def _rate_text(value) -> str:
    return maps.NO_DATA_LABEL if _is_missing(value) else f"{float(value):,.1f}"


def _number_text(value) -> str:
    return maps.NO_DATA_LABEL if _is_missing(value) else f"{int(value):,}"


def learners_text(value) -> str:
    """'1 learner', '12 learners', or that the number is not recorded (never a plain 0)."""
    if _is_missing(value):
        return "learners not recorded"
    count = int(value)
    return f"{count:,} learner{'' if count == 1 else 's'}"


def _minutes_text(value) -> str:
    return "No offer anywhere" if _is_missing(value) else f"{float(value):.0f} min"


def offers_by_level_and_type(
    inputs: Inputs, params: AnalysisParams, year: str, compare_year: str | None, slug: str
) -> list[dict]:
    """Offers at the LCPA's sites by level and qualification type, this year (with how many of
    them are derived records) and the year it is compared with, and the change (None when the
    earlier year has no record of that type anywhere)."""
    def counts(in_year: str | None) -> pd.Series:
        if in_year is None:
            return pd.Series(dtype=int)
        offers = offers_in_view(inputs, in_year, params, slug)
        return offers.groupby(["level", "qualification_type"]).size()

    now, before = counts(year), counts(compare_year)
    this_years_offers = offers_in_view(inputs, year, params, slug)
    derived = this_years_offers.loc[this_years_offers["record_label"] == "derived"].groupby(
        ["level", "qualification_type"]
    ).size()
    # A type with no record anywhere in Kent in the earlier year was not collected then: its
    # count is "no data recorded", not 0, or every newly collected type would look like growth.
    offers = inputs.offers
    types_recorded_before = set(
        offers.loc[offers["academic_year"] == compare_year, "qualification_type"]
    )
    keys = sorted(set(now.index) | set(before.index),
                  key=lambda k: (Level.values.index(k[0]), TYPE_LABELS.get(k[1], k[1])))
    rows = []
    for level, qualification_type in keys:
        this_year = int(now.get((level, qualification_type), 0))
        last_year = (
            int(before.get((level, qualification_type), 0))
            if qualification_type in types_recorded_before else None
        )
        rows.append({
            "level": LEVEL_LABELS[level],
            "type": TYPE_LABELS.get(qualification_type, qualification_type),
            "offers": this_year,
            "derived": int(derived.get((level, qualification_type), 0)),
            "previous": last_year,
            "change": None if last_year is None else this_year - last_year,
        })
    return rows


def sites_in_region(
    inputs: Inputs, offers: pd.DataFrame, slug: str, year: str | None = None
) -> pd.DataFrame:
    """Every site in the LCPA open in the year (today, when no year is given), with its offers
    in the year (0 when none is recorded) and how many of them are derived records."""
    sites = analysis.sites_open_in(inputs.sites, year) if year else inputs.sites
    sites = sites.loc[(sites["region_slug"] == slug) & sites["provider_open"]]
    per_site = offers.groupby("site_id").size()
    derived_per_site = offers.loc[offers["record_label"] == "derived"].groupby("site_id").size()
    return pd.DataFrame({
        "provider_name": sites["provider_name"].to_numpy(),
        "provider_urn": pd.Series(urn_list(sites["provider_urn"]), dtype=object),
        "site_name": sites["site_name"].to_numpy(),
        "kind": [KIND_LABELS.get(kind, kind) for kind in sites["provider_kind"]],
        "offers": per_site.reindex(sites["site_id"]).fillna(0).astype(int).to_numpy(),
        "derived_offers": derived_per_site.reindex(sites["site_id"]).fillna(0).astype(int)
        .to_numpy(),
    }).sort_values(["provider_name", "site_name"]).reset_index(drop=True)


def guarantee_components(results, slug: str) -> dict:
    """The LCPA's guarantee (see guarantee_summary) beside Kent's, and each part's share."""
    frame = results.guarantee_regions.set_index("region_slug")
    summary = guarantee_summary(results.guarantee_regions, slug)
    kent = guarantee_summary(results.guarantee_regions, KENT)
    here = frame.loc[slug] if slug in frame.index else None
    kent_row = frame.loc[KENT] if KENT in frame.index else None
    components = [
        {
            "label": label,
            "share": _share_text(here.get(f"{name}_share")) if here is not None else "",
            "kent_share": _share_text(kent_row.get(f"{name}_share"))
            if kent_row is not None else "",
        }
        for name, label in COMPONENT_LABELS.items()
    ]
    return {**summary, "kent": kent, "components": components}


def duplication_in_region(results, slug: str) -> list[dict]:
    """Collaboration candidates with at least one of the pair in the LCPA."""
    pairs = results.duplication
    if pairs.empty:
        return []
    mine = pairs.loc[(pairs["region_slug_a"] == slug) | (pairs["region_slug_b"] == slug)]
    return [
        {
            "level": LEVEL_LABELS.get(row.level, row.level),
            "option": TYPE_LABELS.get(row.qualification_type, row.qualification_type)
            + (f": {row.subject}" if row.subject else ""),
            "a": f"{row.provider_name_a} ({learners_text(row.learners_a)})",
            "b": f"{row.provider_name_b} ({learners_text(row.learners_b)})",
            "why": "same LCPA" if row.same_lcpa else f"{row.minutes_apart:.0f} minutes apart",
        }
        for row in mine.itertuples(index=False)
    ]


def lcpa_summary_row(table: pd.DataFrame, slug: str) -> dict:
    rows = table.loc[table["region_slug"] == slug]
    return rows.iloc[0].to_dict() if len(rows) else {}


def send_summary(results, slug: str) -> dict:
    frame = results.send_reach.set_index("region_slug") if len(results.send_reach) else None
    if frame is None or slug not in frame.index:
        return {}
    here = frame.loc[slug]
    return {
        "specialist_median": _minutes_text(here.get("specialist_median_minutes")),
        "specialist_within": _share_text(here.get("specialist_within_reach_share")),
        "ap_reach": _share_text(here.get("ap_reach_share")),
        "no_data_specialist": bool(here.get("no_data_specialist", False)),
        "no_data_ap": bool(here.get("no_data_ap", False)),
    }


def cold_area_table(results, areas: pd.DataFrame, lcpa: str = "") -> pd.DataFrame:
    """One row per small area and level that is a cold spot (in Kent, or in the LCPA): area,
    LCPA, level, the rule that made it cold, the choice within reach, the nearest minutes and
    the cohort estimate."""
    cold = results.area_level.loc[results.area_level["cold"].astype(bool)]
    cold = cold.loc[cold["region_slug"] == lcpa] if lcpa else cold.loc[cold["in_kent"]]
    names = areas.set_index("area_code")[["area_name", "region_name"]]
    rules = {analysis.COLD_NONE: "nothing within reach",
             analysis.COLD_BELOW: "below the share of the Kent median"}
    table = pd.DataFrame({
        "area_code": cold["area_code"].to_numpy(),
        "area_name": names["area_name"].reindex(cold["area_code"]).to_numpy(),
        "lcpa": names["region_name"].reindex(cold["area_code"]).to_numpy(),
        "level": [LEVEL_LABELS[level] for level in cold["level"]],
        "why": [rules.get(rule, rule) for rule in cold["cold_rule"]],
        "offers_within_reach": cold["offers"].to_numpy(),
        "providers_within_reach": cold["providers"].to_numpy(),
        "nearest_minutes": cold["nearest_minutes"].astype(float).round(1).to_numpy(),
        "cohort_16_17_estimate": cold["cohort"].astype(float).round(1).to_numpy(),
    })
    return table.sort_values(["lcpa", "area_name", "level"], kind="stable").reset_index(drop=True)


def recorded_types_text(results) -> dict[str, str]:
    """Which kinds of offer have records in the year used, and which have none, in words."""
    recorded = getattr(results, "recorded_types", ())
    unrecorded = getattr(results, "unrecorded_types", ())
    return {
        "recorded": ", ".join(TYPE_LABELS.get(t, t) for t in recorded),
        "unrecorded": ", ".join(TYPE_LABELS.get(t, t) for t in unrecorded),
    }

