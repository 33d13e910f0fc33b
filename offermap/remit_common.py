"""Small pieces the Level 2, SEMH and SEND report builders share: the LCPAs a report covers,
figures as plain table values, and the words for shares, minutes and counts of people.

Counts of people in sentences go through `people_text`, which suppresses 1 to 5 as the tables
do (`report_parts.learner_count`); a missing figure is "no data recorded", never 0.
"""

from __future__ import annotations

import math

import pandas as pd

from coldspots.analysis import KENT
from coldspots.params import MODE_LABELS
from offermap import charts
from offermap.maps import format_share
from offermap.report_parts import NO_DATA, SUPPRESSED, ReportTable, learner_count

LEVEL_NAMES = {"E": "Entry level", "1": "Level 1", "2": "Level 2", "3": "Level 3"}


def missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def percent(value):
    """A share as a percentage for a table cell (one decimal), None when unknown."""
    return None if missing(value) else round(float(value) * 100, 1)


def minutes(value):
    """Minutes for a table cell (whole minutes), None when unknown."""
    return None if missing(value) else round(float(value))


def number(value, digits: int = 1):
    return None if missing(value) else round(float(value), digits)


def whole(value):
    return None if missing(value) else round(float(value))


def share_text(value) -> str:
    return NO_DATA if missing(value) else format_share(float(value))


def minutes_text(value) -> str:
    return NO_DATA if missing(value) else f"{float(value):.0f} minutes"


def people_text(value, noun: str = "young people") -> str:
    """'1,234 young people', 'c young people' for 1 to 5, or 'no data recorded'."""
    shown = learner_count(value)
    if shown is None:
        return NO_DATA
    if shown == SUPPRESSED:
        return f"{SUPPRESSED} {noun}"
    return f"{shown:,} {noun}"


def reach_text(results) -> str:
    """'within 60 minutes by public transport'."""
    return f"within {results.params.minutes} minutes by {MODE_LABELS[results.params.mode]}"


def region_names(results) -> dict[str, str]:
    """slug -> name of each LCPA, in the analysis' order."""
    regions = results.regions
    if regions is None:
        frame = results.region_level.drop_duplicates("region_slug")
        return {s: str(n) for s, n in zip(frame["region_slug"], frame["region_name"],
                                          strict=True) if s != KENT}
    return {str(s): str(n) for s, n in zip(regions["region_slug"], regions["region_name"],
                                           strict=True)}


def report_slugs(results, slug: str | None) -> list[str]:
    """The rows of a per-LCPA table: every LCPA then Kent (Kent-wide), or the LCPA then Kent
    for comparison (one LCPA's report)."""
    if slug is None:
        return [*region_names(results), KENT]
    return [slug, KENT]


def place_name(results, slug: str | None) -> str:
    if slug is None or slug == KENT:
        return "Kent"
    return region_names(results).get(slug, slug)


def check_slug(results, slug: str | None) -> None:
    """A report for an LCPA the analysis does not know is a caller's error (the page 404s)."""
    if slug is not None and slug not in region_names(results):
        raise KeyError(f"Unknown LCPA: {slug}")


def rows_by_slug(frame: pd.DataFrame, key: str = "region_slug") -> dict:
    return {row[key]: row for row in frame.to_dict("records")}


def estimate_note(results) -> str:
    if results.cohort_is_estimate:
        return (f"Young people per small area are estimates ({results.cohort_year or 'latest'} "
                "figures shared out from the county totals by the Census 2021 age bands), not "
                "counts.")
    return f"Young people per small area: recorded figures for {results.cohort_year}."


def reach_chart(results, slug: str | None, column: str, what: str, key: str):
    """Minutes to the nearest `what` (e.g. AP) by LCPA and Kent, from Results.send_reach
    `column` (typical journey, a median), drawn as bars with its data table."""
    frame = rows_by_slug(results.send_reach)
    places = [*region_names(results).items(), (KENT, "Kent")]

    def label(place, name):
        return f"{name} (this LCPA)" if place == slug else name

    values = [None if place not in frame or missing(frame[place][column])
              else float(frame[place][column]) for place, _ in places]
    categories = [label(place, name) for place, name in places]
    table = ReportTable(
        key=key,
        caption=f"Minutes to the nearest {what} by LCPA, {results.year} (typical journey)",
        columns=[("lcpa", "LCPA"), ("minutes", "Minutes (typical journey)")],
        rows=[{"lcpa": c, "minutes": minutes(v)} for c, v in zip(categories, values,
                                                                 strict=True)],
        numeric_columns=frozenset({"minutes"}),
        notes=[f"Journey times: {results.travel_method_label}."],
    )
    chart = charts.Chart(
        key=key, title=f"Minutes to the nearest {what}, {results.year}, by LCPA",
        description="", kind="bars", categories=categories,
        series=[charts.Series("minutes", "Typical journey (minutes)", values, short="")],
        unit="minutes", table=table, highlight=label(slug, place_name(results, slug))
        if slug else None,
        empty_text=f"No {what} is recorded, so no journey time is shown.",
    )
    known = [(v, c) for v, c in zip(values, categories, strict=True) if v is not None]
    if known:
        low, high = min(known), max(known)
        chart.description = (
            f"Horizontal bars: the typical journey in minutes to the nearest {what} for the "
            f"young people of each LCPA and of Kent. Shortest: {low[1]}, {low[0]:.0f} minutes. "
            f"Longest: {high[1]}, {high[0]:.0f} minutes. Every figure is in the table that "
            "follows.")
    else:
        chart.description = chart.empty_text
    return chart


# The SEMH and SEND reports share one skeleton: a mask of the remit's sites, then sections
# built from it; per-LCPA tables (report_slugs order); lists of the remit's sites; small areas
# with their nearest site's provider. A builder gives only its own figures and words.

OUTSIDE = "Outside Kent's LCPAs"


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 site', '2 sites', '1,234 sites'."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def site_sections(results, inputs, slug: str | None, site_mask, builders) -> list:
    """A site-based remit's report: after check_slug, each builder(results, inputs, slug, mask)
    in order, where mask = site_mask(results.sites) marks the remit's sites."""
    check_slug(results, slug)
    mask = site_mask(results.sites)
    return [build(results, inputs, slug, mask) for build in builders]


def lcpa_rows(results, slug: str | None, cells, present: dict | None = None) -> list[dict]:
    """The rows of a per-LCPA table in report_slugs order: {"lcpa": the place's name,
    **cells(place)}. With `present` (figures by slug), a place it lacks has no row."""
    names = region_names(results)
    return [{"lcpa": "Kent" if place == KENT else names.get(place, place), **cells(place)}
            for place in report_slugs(results, slug) if present is None or place in present]


def site_rows(results, slug: str | None, mask, cells) -> list[dict]:
    """The remit's sites a report lists, by provider then site: one LCPA's, or Kent-wide all
    of them (sites beyond Kent's LCPAs too, as OUTSIDE). Each row has provider, site, lcpa
    and urn, then **cells(site record)."""
    sites = results.sites.loc[mask]
    if slug is not None:
        sites = sites.loc[(sites["region_slug"] == slug).to_numpy()]
    names = region_names(results)
    return [{
        "provider": r["provider_name"], "site": r["site_name"],
        "lcpa": names.get(r["region_slug"], OUTSIDE) if r["region_slug"] else OUTSIDE,
        "urn": whole(r["provider_urn"]), **cells(r),
    } for r in sites.sort_values(["provider_name", "site_name"], kind="stable")
        .to_dict("records")]


def site_provider(results):
    """A function: site id (None or NaN: no site) -> its provider's name, for the "nearest
    provider" cell of a small area."""
    providers = dict(zip(results.sites["site_id"], results.sites["provider_name"], strict=True))

    def name(site):
        return None if site is None or site != site else providers.get(int(site))
    return name


def in_place_words(results, slug: str | None, kent: str = "") -> str:
    """' in East Kent' for one LCPA's report; `kent` for the Kent-wide one (e.g. ' in Kent')."""
    return f" in {place_name(results, slug)}" if slug else kent
