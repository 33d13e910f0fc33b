"""What the pages show, assembled from coldspots' frames and results (pure, no ORM).

The views call these with `coldspots.results.compute(...)` output and the cached input frames;
every function takes and returns plain DataFrames or dicts, so a test can hand-build them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coldspots import analysis, choice
from coldspots.analysis import KENT, Inputs
from coldspots.guarantee import COMPONENT_LABELS, component_sources
from coldspots.params import ACCESS_LABELS, MODE_LABELS, AnalysisParams
from offermap import maps, memo
from offermap.report_parts import SUPPRESSED, learner_count
from providers.models import Course, Level, Provider, RecordLabel

LEVEL_LABELS = dict(Level.choices)
KIND_LABELS = dict(Provider.Kind.choices)
TYPE_LABELS = dict(Course.QualificationType.choices)
OUTSIDE_KENT = "Outside Kent"
CONFIRMED = RecordLabel.CONFIRMED.value
DERIVED = RecordLabel.DERIVED.value


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


def selected_offers(results, lcpa: str = "") -> pd.DataFrame:
    """The offers the request selects in its year, as Results carries them (no re-run of the
    analysis), with the LCPA (region_slug) of their site; only those in `lcpa` when given."""
    offers = results.selected_offers
    site_region = results.sites["region_slug"].to_numpy()[
        offers["site_pos"].to_numpy(dtype=np.int64)]
    offers = offers.assign(region_slug=site_region)
    return offers.loc[offers["region_slug"] == lcpa] if lcpa else offers


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
    cold_areas: int  # small areas with no or reduced choice at a measured level in view
    areas: int
    cold_levels_text: str
    place: str
    no_choice_areas: int = 0
    measured_levels_text: str = ""  # the levels a verdict is given for, in words
    unmeasured_levels_text: str = ""  # the levels shown as partial data / no data
    rule: str = ""  # the rule with the values used
    confirmed_offers: int = 0  # of total_offers, those confirmed by their provider (offer round)


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
    here = area_level.loc[in_view]
    per_area = here.groupby("area_code")["cold"].any()
    no_choice = (here["state"] == choice.NO_CHOICE).groupby(here["area_code"]).any()
    unmeasured_here = unmeasured_levels(results)
    measured = tuple(level for level in levels if level not in unmeasured_here)
    unmeasured = tuple(level for level in levels if level not in measured)
    return Headline(
        total_offers=len(offers),
        by_level=by_level,
        guarantee=guarantee_summary(results.guarantee_regions, lcpa or KENT, results),
        cold_areas=int(per_area.sum()),
        areas=len(per_area),
        cold_levels_text=_levels_text(measured) if measured else "no measured level",
        place=place,
        no_choice_areas=int(no_choice.sum()),
        measured_levels_text=_levels_text(measured) if measured else "",
        unmeasured_levels_text=_levels_text(unmeasured) if unmeasured else "",
        rule=choice.rule_text(results.params),
        confirmed_offers=int((offers["record_label"].to_numpy(dtype=object) == CONFIRMED).sum()),
    )


def unmeasured_levels(results) -> tuple[str, ...]:
    """The levels in view that are not measured in the year (no verdict: partial data)."""
    frame = results.area_level
    if "measured" not in frame or frame.empty:
        return ()
    measured = frame.groupby("level", sort=False)["measured"].first()
    return tuple(level for level in analysis.measured_levels(results.params)
                 if level in measured.index and not measured[level])


def rule_summary(results) -> dict:
    """What every page says about the verdicts: the rule with the values used, and each level's
    coverage in words (measured by which source, or why there is no verdict)."""
    cover = results.coverage
    levels = []
    for level in analysis.measured_levels(results.params):
        state = cover.level_state(level) if cover is not None else "none"
        sources = "; ".join(cover.level_sources.get(level, ())) if cover is not None else ""
        levels.append({
            "label": LEVEL_LABELS[level], "state": state,
            "text": f"measured ({sources})" if state == "measured" else (
                "partial data: records exist but no source covers the level completely, so no "
                "area is given a verdict" + (f" (records from {sources})" if sources else "")
                if state == "partial" else
                "no data recorded: no verdict"),
        })
    params = results.params
    counted = ", ".join(ACCESS_LABELS[a] for a in choice.counted_access(params))
    return {
        "rule": choice.rule_text(params),
        "min_providers": params.min_providers,
        "max_nearest_minutes": params.max_nearest_minutes,
        "minutes": params.minutes,
        "mode": MODE_LABELS[params.mode],
        "counted": counted,
        "levels": levels,
    }


def guarantee_summary(guarantee_regions: pd.DataFrame, slug: str, results=None) -> dict:
    """The guarantee for an LCPA (or "kent"): the three shares side by side (met / not met /
    cannot be confirmed), never a lone "0%".

    met, not_met, cannot_confirm: the shares as text; covered (= met) and checked (the share
    reaching every part that can be checked, secondary); parts_without_data and no_data: the
    parts that cannot be confirmed for some of the cohort, in words; weakest: the part reached
    by the smallest share; sources: each part's vintage (label, source) when results are given.
    """
    rows = guarantee_regions.loc[guarantee_regions["region_slug"] == slug]
    if rows.empty:
        return {"covered": maps.NO_DATA_LABEL, "checked": "", "parts_without_data": 0,
                "no_data": "", "weakest": "", "parts": maps.GUARANTEE_PARTS,
                "met": maps.NO_DATA_LABEL, "not_met": maps.NO_DATA_LABEL,
                "cannot_confirm": maps.NO_DATA_LABEL, "sources": []}
    row = rows.iloc[0]
    checked = row.get("covered_share_checked_parts", row["covered_share"])
    no_data = [name for name in str(row.get("no_data_components", "") or "").split(",") if name]
    missing = row.get("parts_without_data")
    sources = []
    if results is not None and results.coverage is not None:
        vintages = component_sources(
            results.coverage, getattr(results, "apprenticeships_by_district", False))
        sources = [{"label": COMPONENT_LABELS[name],
                    "source": vintages[name] or f"no complete source for {results.year}"}
                   for name in COMPONENT_LABELS]
    return {
        "covered": _share_text(row["covered_share"]),
        "met": _share_text(row.get("met_share", row["covered_share"])),
        "not_met": _share_text(row.get("not_met_share")),
        "cannot_confirm": _share_text(row.get("cannot_confirm_share")),
        "checked": _share_text(checked),
        "parts_without_data": len(no_data) if _is_missing(missing) else int(missing),
        "no_data": ", ".join(COMPONENT_LABELS.get(name, name) for name in no_data),
        "weakest": COMPONENT_LABELS.get(str(row["weakest_component"]), ""),
        "parts": maps.GUARANTEE_PARTS,
        "sources": sources,
    }


def _levels_text(levels: tuple[str, ...]) -> str:
    labels = [LEVEL_LABELS[level] for level in levels]
    if len(labels) == len(LEVEL_LABELS):
        return "any level"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


# The map's "Provider sites" download has these columns (provider_rows says what each holds).
PROVIDER_COLUMNS = [
    "site_id", "provider_name", "provider_urn", "site_name", "kind", "lcpa", "offers",
    "derived_offers", "confirmed_offers", "confirmed_first", "confirmed_last", "levels",
    "learners", "latitude", "longitude", "out_of_county",
]


def confirmed_days(offers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(which offers are confirmed by their provider, the day each was confirmed as a day
    number, -1 when not recorded). The day is the record's last_confirmed (set when an officer
    accepts the provider's offer round), not parsed from its source text; a frame cached before
    that column existed dates nothing."""
    confirmed = offers["record_label"].to_numpy(dtype=object) == CONFIRMED
    days = np.full(len(offers), -1, dtype=np.int64)
    if "last_confirmed" in offers and confirmed.any():
        column = offers["last_confirmed"]
        if not pd.api.types.is_datetime64_any_dtype(column):
            column = pd.to_datetime(column)
        dates = column.to_numpy()[confirmed].astype("datetime64[D]")  # only the confirmed
        known = ~np.isnat(dates)
        days[np.flatnonzero(confirmed)[known]] = dates[known].astype(np.int64)
    return confirmed, days


def confirmed_range(codes: np.ndarray, count: int, confirmed: np.ndarray,
                    days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group code (0..count-1): confirmed offers, and the first and last day they were
    confirmed (datetime.date, None when none is dated). numpy only: runs on every cache miss."""
    offers = np.bincount(codes[confirmed], minlength=count)
    dated = confirmed & (days >= 0)
    never = np.iinfo(np.int64).max
    first = np.full(count, never, dtype=np.int64)
    last = np.full(count, -1, dtype=np.int64)
    np.minimum.at(first, codes[dated], days[dated])
    np.maximum.at(last, codes[dated], days[dated])
    dated_groups = np.flatnonzero(last >= 0)
    first_dates = np.full(count, None, dtype=object)
    last_dates = np.full(count, None, dtype=object)
    first_dates[dated_groups] = first[dated_groups].astype("datetime64[D]").astype(object)
    last_dates[dated_groups] = last[dated_groups].astype("datetime64[D]").astype(object)
    return offers, first_dates, last_dates


def _day_text(day) -> str:
    return f"{day.day} {day:%b %Y}"


def confirmed_text(confirmed: int, offers: int, first=None, last=None) -> str:
    """How many of `offers` their provider confirmed in the offer round, with the day(s):
    "2 confirmed by provider (2 Dec 2026)", "all confirmed by provider (20 Nov 2026 to
    2 Dec 2026)"; empty when none is confirmed."""
    if not confirmed:
        return ""
    how_many = "all" if offers and confirmed == offers else f"{confirmed:,}"
    if first is None:
        when = "date not recorded"
    elif last is None or last == first:
        when = _day_text(first)
    else:
        when = f"{_day_text(first)} to {_day_text(last)}"
    return f"{how_many} confirmed by provider ({when})"


def provider_rows(inputs: Inputs, offers: pd.DataFrame) -> pd.DataFrame:
    """One row per site with offers in view: provider, site, kind, LCPA, offers (and how many
    of them are derived records, not published ones: derived_offers; how many their provider
    confirmed in the offer round: confirmed_offers, with the first and last day confirmed,
    confirmed_first and confirmed_last, dates or None), levels offered, known learners (NaN
    when none is known), location."""
    if offers.empty:
        return pd.DataFrame(columns=PROVIDER_COLUMNS)
    grouped = _per_site(offers)
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
            "confirmed_offers": grouped["confirmed_offers"].to_numpy(dtype=int),
            "confirmed_first": grouped["confirmed_first"].to_numpy(dtype=object),
            "confirmed_last": grouped["confirmed_last"].to_numpy(dtype=object),
            "levels": grouped["levels"].to_numpy(),
            "learners": grouped["learners"].to_numpy(dtype=float),
            "latitude": sites["latitude"].to_numpy(dtype=float),
            "longitude": sites["longitude"].to_numpy(dtype=float),
            "out_of_county": sites["out_of_county"].to_numpy(dtype=bool),
        }
    )
    return frame.sort_values(["provider_name", "site_name"], kind="stable").reset_index(drop=True)


def _per_site(offers: pd.DataFrame) -> pd.DataFrame:
    """Per site (sorted by site_id, as groupby would): offers, derived_offers,
    confirmed_offers with confirmed_first and confirmed_last (see confirmed_range), learners
    (NaN when no offer has a known number) and levels in words. Counted with numpy over integer
    site codes, not a groupby with Python functions: this runs on every cache miss of the map
    and LCPA pages (issue 14)."""
    site_ids, codes = np.unique(offers["site_id"].to_numpy(), return_inverse=True)
    count = len(site_ids)
    derived = offers["record_label"].to_numpy(dtype=object) == DERIVED
    confirmed, first, last = confirmed_range(codes, count, *confirmed_days(offers))
    learners = offers["learners"].to_numpy(dtype=float)
    known = ~np.isnan(learners)
    learner_sums = np.bincount(codes[known], weights=learners[known], minlength=count)
    has_learners = np.bincount(codes[known], minlength=count) > 0
    # Each site's levels as bits (in Level order), then each combination's words, made once.
    level_of = offers["level"].to_numpy(dtype=object)
    bits = np.zeros(count, dtype=np.int64)
    for bit, level in enumerate(Level.values):
        present = np.bincount(codes[level_of == level], minlength=count) > 0
        bits |= present.astype(np.int64) << bit
    words = {
        combination: ", ".join(LEVEL_LABELS[level] for bit, level in enumerate(Level.values)
                               if combination >> bit & 1)
        for combination in set(bits.tolist())
    }
    return pd.DataFrame({
        "offers": np.bincount(codes, minlength=count),
        "derived_offers": np.bincount(codes[derived], minlength=count),
        "confirmed_offers": confirmed,
        "confirmed_first": first,
        "confirmed_last": last,
        "learners": np.where(has_learners, learner_sums, np.nan),
        "levels": [words[combination] for combination in bits.tolist()],
    }, index=pd.Index(site_ids, name="site_id"))


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
    M (float, NaN = no data), M_text, M_note. The notes carry the reason: the cold-spot share
    names its level and splits no from reduced choice; the change names its level(s), its two
    years, and gives offers and students both.
    """
    base = results.region_level.drop_duplicates("region_slug")
    slugs = base["region_slug"].tolist()
    # Columns gathered in a dict and the frame made once: a merge per measure cost more than
    # the measures themselves on a cache miss.
    columns = {"region_slug": base["region_slug"].to_numpy(),
               "region_name": base["region_name"].to_numpy(),
               "cohort": base["cohort"].to_numpy()}
    for key in MEASURE_COLUMNS:
        values = maps.region_values(
            key, results.region_level, results.guarantee_regions, results.year_on_year, levels
        )
        measure = maps.MEASURES[key]
        value_of = dict(zip(values["region_slug"], values["value"], strict=True))
        note_of = dict(zip(values["region_slug"], values["note"], strict=True))
        shown = np.array([_float_or_nan(value_of.get(slug)) for slug in slugs], dtype=float)
        columns[key] = shown
        columns[f"{key}_note"] = np.array(
            ["" if _is_missing(note_of.get(slug)) else note_of[slug] for slug in slugs],
            dtype=object)
        columns[f"{key}_text"] = [maps.format_value(v, measure) for v in shown]
    frame = pd.DataFrame(columns)
    choice_rows = _rows_by_slug(results.region_level, levels, CHOICE_NOTE_COLUMNS)
    change_rows = _rows_by_slug(results.year_on_year.dropna(subset=["offers_from", "offers_to"]),
                                levels, CHANGE_NOTE_COLUMNS)
    frame["cold_share_note"] = [
        _choice_note(choice_rows.get(slug, []), results.params) for slug in frame["region_slug"]]
    frame["options_per_1000_note"] = "offers at sites in the LCPA, not a within-reach count"
    frame["change_note"] = [_change_note(change_rows.get(slug, []), results)
                            for slug in frame["region_slug"]]
    return frame


CHOICE_NOTE_COLUMNS = ("region_slug", "level", "measured", "cold_share", "no_choice_share",
                       "reduced_choice_share", "mean_providers", "median_minutes")
CHANGE_NOTE_COLUMNS = ("region_slug", "level", "offers_from", "offers_to", "learners_from",
                       "learners_to")


def _float_or_nan(value) -> float:
    return math.nan if _is_missing(value) else float(value)


def _rows_by_slug(frame: pd.DataFrame, levels: tuple[str, ...],
                  columns: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """The frame's rows at the levels, as plain dicts per region_slug, in the frame's order.
    The notes are read from a few dozen rows per LCPA: plain Python over them is much faster
    than a filtered DataFrame per LCPA, on every cache miss."""
    by_slug: dict[str, list[dict]] = {}
    if columns:
        frame = frame[list(columns)]
    for row in frame.loc[frame["level"].isin(levels)].to_dict("records"):
        by_slug.setdefault(row["region_slug"], []).append(row)
    return by_slug


def choice_note(results, slug: str, levels: tuple[str, ...]) -> str:
    """'Level 3: 0.8% no choice, 12% reduced choice' for the level the share is taken at (the
    highest among those in view), or why there is no verdict."""
    return _choice_note(_rows_by_slug(results.region_level, levels).get(slug, []),
                        results.params)


def _choice_note(rows: list[dict], params) -> str:
    measured = [row for row in rows
                if bool(row["measured"]) and not _is_missing(row["cold_share"])]
    if not measured:
        return "partial data: no level in view is fully recorded, so no verdict"
    # The highest share; at a tie, the lowest level (first of equals, as a stable sort).
    worst = min(measured, key=_worst_first)
    return (f"{LEVEL_LABELS[worst['level']]}: {_share_text(worst['no_choice_share'])} no "
            f"choice, {_share_text(worst['reduced_choice_share'])} reduced choice; on average "
            f"{_rate_text(worst['mean_providers'])} open-access providers within "
            f"{params.minutes} minutes, typical nearest {_minutes_text(worst['median_minutes'])}"
            f" (rule: fewer than {params.min_providers} or nearest over "
            f"{params.max_nearest_minutes} minutes is reduced choice)")


def _worst_first(row: dict) -> tuple:
    return (-float(row["cold_share"]), row["level"])


def change_note(results, slug: str, levels: tuple[str, ...]) -> str:
    """The change's level(s), years, and both measures: offers and students (learners)."""
    yoy = results.year_on_year.dropna(subset=["offers_from", "offers_to"])
    return _change_note(_rows_by_slug(yoy, levels).get(slug, []), results)


def _sum_known(values) -> float:
    """The sum of the known values; NaN when none is known (pandas' sum(min_count=1))."""
    known = [float(value) for value in values if not _is_missing(value)]
    return sum(known) if known else math.nan


def _change_note(rows: list[dict], results) -> str:
    if not rows or results.compare_year is None:
        return "no earlier year with data at these levels"
    present = {row["level"] for row in rows}
    named = _levels_text(tuple(level for level in LEVEL_LABELS if level in present))
    offers_from = int(sum(float(row["offers_from"]) for row in rows))
    offers_to = int(sum(float(row["offers_to"]) for row in rows))
    learners_from = _sum_known(row["learners_from"] for row in rows)
    learners_to = _sum_known(row["learners_to"] for row in rows)
    students = "students not recorded" if _is_missing(learners_from) or _is_missing(
        learners_to) else (f"students {int(learners_from):,} → {int(learners_to):,}"
                           f" ({_percent_change(learners_from, learners_to)})")
    return (f"{named} offers, {results.compare_year} → {results.year}: {offers_from:,} → "
            f"{offers_to:,} ({_percent_change(offers_from, offers_to)}); {students}")


def _percent_change(before, after) -> str:
    if not before:
        return "new" if after else "no change"
    return maps.format_change((float(after) - float(before)) / float(before))


def provider_names_by_site(results) -> dict[int, str]:
    """Provider name of each site (from the sites Results carries)."""
    sites = results.sites
    return dict(zip(sites["site_id"], sites["provider_name"], strict=True))


def area_reasons(results, lcpa: str = "") -> pd.DataFrame:
    """Per small area (in Kent, or the LCPA) and level in view: area_code, area_name, level,
    state, state_label and reason ("Reduced choice: 2 open-access providers within 60 minutes;
    nearest: NAME, 34 minutes (plus 1 selective within reach)."), the words of every tooltip
    and table that gives a verdict."""
    frame = results.area_level
    frame = frame.loc[frame["region_slug"] == lcpa] if lcpa else frame.loc[frame["in_kent"]]
    names = provider_names_by_site(results)
    area_names = dict(zip(results.areas["area_code"], results.areas["area_name"], strict=True))
    others = [a for a in ACCESS_LABELS if f"{a}_within" in frame]
    reasons = []
    for row in frame.to_dict("records"):
        nearest = row["nearest_site_id"]
        name = "" if _is_missing(nearest) else names.get(int(nearest), "")
        extra = {ACCESS_LABELS[a]: int(row[f"{a}_within"]) for a in others}
        reasons.append(choice.reason_text(row["state"], row["providers"], results.params.minutes,
                                          name, row["nearest_minutes"], extra,
                                          params=results.params))
    return pd.DataFrame({
        "area_code": frame["area_code"].to_numpy(),
        "area_name": [area_names.get(code, "") for code in frame["area_code"]],
        "level": frame["level"].to_numpy(),
        "state": frame["state"].to_numpy(),
        "state_label": [choice.STATE_LABELS[state] for state in frame["state"]],
        "reason": reasons,
    })


def sort_lcpa_rows(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
    """Sort the LCPAs; the Kent row stays last."""
    lcpas = sort_frame(frame.loc[frame["region_slug"] != KENT], sort, LCPA_SORT_COLUMNS)
    return pd.concat([lcpas, frame.loc[frame["region_slug"] == KENT]], ignore_index=True)


def shaded_regions(
    regions: pd.DataFrame, rows: pd.DataFrame, measure_key: str, data_version: str = ""
) -> tuple[pd.DataFrame, list[maps.Band]]:
    """The LCPAs with simplified boundaries and the chosen measure's band, colour and text.
    The boundaries are simplified once per `data_version` (offermap.memo), not per call."""
    measure = maps.MEASURES[measure_key]
    merged = regions[["region_slug", "region_name", "boundary"]].merge(
        rows[["region_slug", measure_key, f"{measure_key}_note"]], on="region_slug", how="left"
    )
    shading, bands = maps.shade(merged[measure_key].astype(float), measure)
    merged = pd.concat([merged, shading], axis=1)
    notes = merged[f"{measure_key}_note"].astype(object)
    merged["note"] = notes.where(notes.notna(), "")
    simplified = simplified_boundaries(regions, data_version)
    merged["boundary"] = [simplified.get(slug) for slug in merged["region_slug"]]
    return merged, bands


def simplified_boundaries(regions: pd.DataFrame, data_version: str = "") -> dict[str, dict]:
    """Each LCPA's boundary simplified for the web (maps.simplify_geometry), by slug; worked
    out once per data version."""
    return memo.per_version(data_version, "lcpa-boundaries", lambda: {
        slug: maps.simplify_geometry(boundary)
        for slug, boundary in zip(regions["region_slug"], regions["boundary"], strict=True)
    })


def cold_area_rows(results, areas: pd.DataFrame, lcpa: str = "") -> pd.DataFrame:
    """Small areas with no or reduced choice at one or more measured levels (in Kent, or the
    LCPA): area_code, area_name, description (each level's verdict and its reason)."""
    reasons = area_reasons(results, lcpa)
    cold = reasons.loc[reasons["state"].isin((choice.NO_CHOICE, choice.REDUCED_CHOICE))]
    if cold.empty:
        return pd.DataFrame(columns=["area_code", "area_name", "description"])
    described = cold.assign(text=[f"{LEVEL_LABELS[level]}: {reason}" for level, reason in zip(
        cold["level"], cold["reason"], strict=True)])
    per_area = described.groupby("area_code", sort=True)["text"].agg(" ".join)
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
        + "".join(f", {part}" for part in (
            f"{derived} derived" if derived else "",
            confirmed_text(confirmed, offers, first, last)) if part) + "."
        for kind, offers, derived, confirmed, first, last, levels in zip(
            rows["kind"], rows["offers"], rows["derived_offers"], rows["confirmed_offers"],
            rows["confirmed_first"], rows["confirmed_last"], rows["levels"], strict=True
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


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


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
                "confirmed_offers": _plain(row.confirmed_offers),
                "confirmed_first": _iso(row.confirmed_first),
                "confirmed_last": _iso(row.confirmed_last),
                "levels": row.levels, "learners": learner_count(row.learners),
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
        cover = results.coverage
        rows.append({
            "level": LEVEL_LABELS[level],
            "measured": bool(here.get("measured", True)),
            "coverage": "; ".join(cover.level_sources.get(level, ())) if cover is not None
            else "",
            "no_choice_share": _share_text(here.get("no_choice_share")),
            "reduced_choice_share": _share_text(here.get("reduced_choice_share")),
            "kent_no_choice_share": _share_text(kent.get("no_choice_share"))
            if kent is not None else "",
            "kent_reduced_choice_share": _share_text(kent.get("reduced_choice_share"))
            if kent is not None else "",
            "mean_providers": _rate_text(here.get("mean_providers")),
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
    """'12 learners', 'c learners' for 1 to 5 (the DfE's mark: never a '1 learner' line), or
    that the number is not recorded (never a plain 0)."""
    shown = learner_count(value)
    if shown is None:
        return "learners not recorded"
    if shown == SUPPRESSED:
        return f"{SUPPRESSED} learners"
    return f"{shown:,} learner{'' if shown == 1 else 's'}"


def _minutes_text(value) -> str:
    return "No offer anywhere" if _is_missing(value) else f"{float(value):.0f} min"


def offers_by_level_and_type(
    inputs: Inputs, params: AnalysisParams, year: str, compare_year: str | None, slug: str
) -> list[dict]:
    """Offers at the LCPA's sites by level and qualification type, this year (with how many of
    them are derived records, and how many their provider confirmed: confirmed_offers,
    confirmed_first, confirmed_last) and the year it is compared with (previous, and the same
    record labels of that year in previous_record), and the change (None when the earlier year
    has no record of that type anywhere)."""
    keys_of = ["level", "qualification_type"]

    def year_counts(in_year: str | None) -> tuple[pd.Series, pd.Series, dict]:
        """(offers, derived offers, confirmed offers) per level and type in `in_year`."""
        if in_year is None:
            return pd.Series(dtype=int), pd.Series(dtype=int), {}
        offers = offers_in_view(inputs, in_year, params, slug)
        derived = offers.loc[offers["record_label"] == DERIVED].groupby(keys_of).size()
        return offers.groupby(keys_of).size(), derived, _confirmed_by(offers, keys_of)

    now, derived, confirmed = year_counts(year)
    before, derived_before, confirmed_before = year_counts(compare_year)
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
        key = (level, qualification_type)
        previous_record = None if last_year is None else {
            "offers": last_year, "derived": int(derived_before.get(key, 0)),
            **confirmed_before.get(key, NONE_CONFIRMED)}
        rows.append({
            "level": LEVEL_LABELS[level],
            "type": TYPE_LABELS.get(qualification_type, qualification_type),
            "offers": this_year,
            "derived": int(derived.get(key, 0)),
            **confirmed.get(key, NONE_CONFIRMED),
            "previous": last_year,
            "previous_record": previous_record,
            "change": None if last_year is None else this_year - last_year,
        })
    return rows


NONE_CONFIRMED = {"confirmed_offers": 0, "confirmed_first": None, "confirmed_last": None}


def _confirmed_by(offers: pd.DataFrame, keys: list[str]) -> dict[tuple, dict]:
    """Per combination of `keys` with a confirmed offer: confirmed_offers, confirmed_first,
    confirmed_last (as confirmed_range)."""
    confirmed, days = confirmed_days(offers)
    if not confirmed.any():
        return {}
    # Only the confirmed offers are grouped (one code per combination of the keys' codes).
    chosen = offers.loc[confirmed, keys]
    codes, values = zip(*(pd.factorize(chosen[key]) for key in keys), strict=True)
    sizes = [len(value) for value in values]
    groups = np.ravel_multi_index(codes, sizes)
    found, groups = np.unique(groups, return_inverse=True)
    totals, first, last = confirmed_range(groups, len(found), np.ones(len(chosen), dtype=bool),
                                          days[confirmed])
    labels = zip(*(value[index] for value, index in zip(
        values, np.unravel_index(found, sizes), strict=True)), strict=True)
    return {key: {"confirmed_offers": int(totals[code]), "confirmed_first": first[code],
                  "confirmed_last": last[code]}
            for code, key in enumerate(labels)}


def sites_in_region(
    inputs: Inputs, offers: pd.DataFrame, slug: str, year: str | None = None
) -> pd.DataFrame:
    """Every site in the LCPA open in the year (today, when no year is given), with its offers
    in the year (0 when none is recorded), how many of them are derived records
    (derived_offers) and how many their provider confirmed (confirmed_offers, with
    confirmed_first and confirmed_last: see confirmed_range)."""
    sites = analysis.sites_open_in(inputs.sites, year) if year else inputs.sites
    sites = sites.loc[(sites["region_slug"] == slug) & sites["provider_open"]]
    per_site = _per_site(offers).reindex(sites["site_id"]) if len(offers) else pd.DataFrame(
        index=sites["site_id"], columns=["offers", "derived_offers", "confirmed_offers",
                                         "confirmed_first", "confirmed_last"])

    def count(column: str) -> np.ndarray:
        return per_site[column].fillna(0).astype(int).to_numpy()

    def day(column: str) -> np.ndarray:
        return np.array([None if _is_missing(value) else value for value in per_site[column]],
                        dtype=object)

    return pd.DataFrame({
        "provider_name": sites["provider_name"].to_numpy(),
        "provider_urn": pd.Series(urn_list(sites["provider_urn"]), dtype=object),
        "site_name": sites["site_name"].to_numpy(),
        "kind": [KIND_LABELS.get(kind, kind) for kind in sites["provider_kind"]],
        "offers": count("offers"),
        "derived_offers": count("derived_offers"),
        "confirmed_offers": count("confirmed_offers"),
        "confirmed_first": day("confirmed_first"),
        "confirmed_last": day("confirmed_last"),
    }).sort_values(["provider_name", "site_name"]).reset_index(drop=True)


def guarantee_components(results, slug: str) -> dict:
    """The LCPA's guarantee (see guarantee_summary) beside Kent's, and each part's share."""
    frame = results.guarantee_regions.set_index("region_slug")
    summary = guarantee_summary(results.guarantee_regions, slug, results)
    kent = guarantee_summary(results.guarantee_regions, KENT)
    here = frame.loc[slug] if slug in frame.index else None
    kent_row = frame.loc[KENT] if KENT in frame.index else None
    sources = {item["label"]: item["source"] for item in summary.get("sources", [])}
    components = [
        {
            "label": label,
            "share": _share_text(here.get(f"{name}_share")) if here is not None else "",
            "kent_share": _share_text(kent_row.get(f"{name}_share"))
            if kent_row is not None else "",
            "source": sources.get(label, ""),
        }
        for name, label in COMPONENT_LABELS.items()
    ]
    return {**summary, "kent": kent, "components": components}


def duplication_in_region(results, slug: str, limit: int | None = None) -> list[dict]:
    """Collaboration candidates with at least one of the pair in the LCPA (the first `limit`
    of them, in the analysis' order: by level and option, when a limit is given)."""
    pairs = results.duplication
    if pairs.empty:
        return []
    mine = pairs.loc[(pairs["region_slug_a"] == slug) | (pairs["region_slug_b"] == slug)]
    if limit is not None:
        mine = mine.iloc[:limit]
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


def duplication_count(results, slug: str) -> int:
    """How many collaboration candidates have at least one of the pair in the LCPA."""
    pairs = results.duplication
    if pairs.empty:
        return 0
    return int(((pairs["region_slug_a"] == slug) | (pairs["region_slug_b"] == slug)).sum())


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
    """One row per small area and level with no or reduced choice (in Kent, or in the LCPA):
    area, LCPA, level, state, the reason in words, counted providers within reach, the other
    provision within reach, the nearest provider and minutes, the cohort estimate, and the
    thresholds used."""
    frame = results.area_level
    frame = frame.loc[frame["region_slug"] == lcpa] if lcpa else frame.loc[frame["in_kent"]]
    reasons = area_reasons(results, lcpa)
    keep = frame["state"].isin((choice.NO_CHOICE, choice.REDUCED_CHOICE)).to_numpy()
    cold, reasons = frame.loc[keep], reasons.loc[keep]
    names = areas.set_index("area_code")[["area_name", "region_name"]]
    providers = provider_names_by_site(results)
    table = pd.DataFrame({
        "area_code": cold["area_code"].to_numpy(),
        "area_name": names["area_name"].reindex(cold["area_code"]).to_numpy(),
        "lcpa": names["region_name"].reindex(cold["area_code"]).to_numpy(),
        "level": [LEVEL_LABELS[level] for level in cold["level"]],
        "state": [choice.STATE_LABELS[state] for state in cold["state"]],
        "why": reasons["reason"].to_numpy(),
        "open_access_providers_within_reach": cold["providers"].to_numpy(),
        **{f"{name}_providers_within_reach": cold[f"{name}_within"].to_numpy()
           for name in ACCESS_LABELS if f"{name}_within" in cold},
        "nearest_provider": ["" if _is_missing(site) else providers.get(int(site), "")
                             for site in cold["nearest_site_id"]],
        "nearest_minutes": cold["nearest_minutes"].astype(float).round(1).to_numpy(),
        "cohort_16_17_estimate": cold["cohort"].astype(float).round(1).to_numpy(),
        "min_providers": results.params.min_providers,
        "max_nearest_minutes": results.params.max_nearest_minutes,
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



def nearest_options_payload(place, outcome: dict) -> dict:
    """What a small map of the nearest options needs (plain JSON, drawn by a static script):
    the place checked, and each level's nearest counted providers with minutes and verdict."""
    options = []
    for level in outcome["levels"]:
        for option in level["options"]:
            options.append({
                "level": LEVEL_LABELS[level["level"]], "name": option["provider_name"],
                "urn": option.get("provider_urn"),
                "site": option["site_name"], "minutes": round(option["minutes"]),
                "within_reach": option["within_reach"],
                "latitude": round(option["latitude"], 6),
                "longitude": round(option["longitude"], 6),
            })
    return {
        "origin": {"label": place.label, "latitude": round(place.latitude, 6),
                   "longitude": round(place.longitude, 6)},
        "minutes": outcome["minutes"],
        "options": options,
    }


def map_labels(regions: pd.DataFrame, areas: pd.DataFrame, data_version: str = "") -> list[dict]:
    """Place names for the map, so nobody has to hover to know the place: each LCPA's name at
    a point inside its boundary, and each district's name at the middle of its small areas
    (districts stand in for towns: sites record no town). Worked out once per data version."""
    return memo.per_version(data_version, "map-labels", lambda: _map_labels(regions, areas))


def _map_labels(regions: pd.DataFrame, areas: pd.DataFrame) -> list[dict]:
    import shapely
    from shapely.geometry import shape

    labels = []
    for row in regions.itertuples(index=False):
        if not row.boundary:
            continue
        point = shapely.point_on_surface(shape(row.boundary))
        labels.append({"lat": round(point.y, 5), "lon": round(point.x, 5),
                       "text": str(row.region_name), "kind": "lcpa"})
    known = areas.dropna(subset=["latitude", "longitude", "district_name"])
    for name, group in known.groupby("district_name", sort=True):
        labels.append({"lat": round(float(group["latitude"].median()), 5),
                       "lon": round(float(group["longitude"].median()), 5),
                       "text": str(name), "kind": "district"})
    return labels


def nearest_options_map(place, outcome: dict, provider_url, tiles_url: str = "",
                        tiles_attribution: str = "") -> dict:
    """A small map (offermap.maps.map_document) of the nearest counted options at each level:
    one marker per provider site, its levels and minutes in the popup, and the place checked
    drawn as a label."""
    payload = nearest_options_payload(place, outcome)
    by_site: dict[tuple, dict] = {}
    for option in payload["options"]:
        key = (option["latitude"], option["longitude"], option["name"])
        entry = by_site.setdefault(key, {"lines": [], "urn": option.get("urn")})
        reach = "within reach" if option["within_reach"] else "beyond the travel time"
        entry["lines"].append(f"{option['level']}: {option['minutes']} minutes ({reach})")
    sites = pd.DataFrame([
        {"latitude": lat, "longitude": lon, "name": name,
         "url": provider_url(entry["urn"]) if entry["urn"] else "",
         "description": "; ".join(entry["lines"])}
        for (lat, lon, name), entry in by_site.items()
    ], columns=["latitude", "longitude", "name", "url", "description"])
    origin = payload["origin"]
    document = maps.map_document(
        [], sites, measure_label="", tiles_url=tiles_url, tiles_attribution=tiles_attribution,
        labels=[{"lat": origin["latitude"], "lon": origin["longitude"],
                 "text": f"◆ {origin['label']}", "kind": "lcpa"}],
    )
    points = [[origin["latitude"], origin["longitude"]]] + [
        [lat, lon] for lat, lon, _ in by_site]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    document["view"]["bounds"] = [[min(lats), min(lons)], [max(lats), max(lons)]]
    return document
