"""The Level 3 champion's report (offermap.reports builder interface).

Every figure comes from Results: choice states and journey times from region_level and
area_level, choice by type from Results.region_types (the per-type cells of the same reach
work), small sixth forms and duplicated small offers from the analysis' own frames, narrow
offers from Results.narrow_offers. Nothing is calculated a second time here; this module picks
rows, names them and rounds them once, so the page, the print pack and the CSV show the same
figures.
"""

from __future__ import annotations

import math

from coldspots import choice
from coldspots.analysis import KENT
from offermap import charts, presenters
from offermap.report_parts import NO_DATA, ReportSection, ReportTable

LEVEL = "3"
# The kinds of Level 3 offer the strategy names, in the order the report lists them.
LEVEL3_TYPES = ("a_level", "t_level", "applied_general", "tech_level",
                "apprenticeship_advanced")
# A non-selective school's Level 3 offer is "narrow" when it has fewer than this many distinct
# kinds of Level 3 qualification (2: A Levels only, or one other kind only). Kinds, not
# subjects: the public data records no subject-level A Level offer.
NARROW_FEWER_THAN = 2


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pct(value, digits: int = 1):
    """A share (0–1) as a percentage rounded once, or None when unknown."""
    return None if _missing(value) else round(float(value) * 100, digits)


def _round(value, digits: int = 1):
    return None if _missing(value) else round(float(value), digits)


def _whole(value):
    return None if _missing(value) else round(float(value))


def _yes(value) -> str:
    return "Yes" if bool(value) else "No"


def _cohort_heading(results) -> str:
    """The cohort column's heading, saying so when the figures are estimates."""
    return "16–17 year olds (estimate)" if results.cohort_is_estimate else "16–17 year olds"


def _names(results) -> dict[str, str]:
    return {**presenters.region_names(results.regions), KENT: "Kent"}


def _region_order(results, slug: str | None) -> list[str]:
    """The LCPAs a table lists: every LCPA then Kent, or the one LCPA then Kent."""
    slugs = list(results.regions["region_slug"]) if slug is None else [slug]
    return [*slugs, KENT]


def _in_view(region_slugs, results, slug: str | None):
    """Rows about the report's place: the LCPA, or for Kent any LCPA (providers over the border
    count in reach, but are not Kent's to list)."""
    wanted = [slug] if slug is not None else list(results.regions["region_slug"])
    return region_slugs.isin(wanted).to_numpy()


def _measured(results) -> bool:
    frame = results.region_level
    rows = frame.loc[frame["level"] == LEVEL, "measured"]
    return bool(rows.any())


def _choice_section(results, slug) -> ReportSection:
    names = _names(results)
    frame = results.region_level
    frame = frame.loc[frame["level"] == LEVEL].set_index("region_slug")
    measured = _measured(results)
    rows = []
    for region in _region_order(results, slug):
        if region not in frame.index:
            continue
        row = frame.loc[region]
        rows.append({
            "lcpa": names.get(region, region),
            "cohort": _whole(row["cohort"]),
            "no_choice_pct": _pct(row["no_choice_share"]) if measured else None,
            "reduced_choice_pct": _pct(row["reduced_choice_share"]) if measured else None,
            "cold_areas": int(row["cold_areas"]) if measured else None,
            "areas": int(row["areas"]),
            "mean_providers": _round(row["mean_providers"]),
            "median_minutes": _round(row["median_minutes"]),
            "p90_minutes": _round(row["p90_minutes"]),
        })
    params = results.params
    notes = [choice.rule_text(params),
             "16–17 year olds: the cohort figure for " + (results.cohort_year or "the latest year")
             + (" (an estimate: the county figure shared out by the Census 2021 age bands)."
                if results.cohort_is_estimate else ".")]
    if not measured:
        notes.append(f"Partial data: Level 3 is not fully recorded for {results.year}, so no "
                     f"area is given a verdict; shares are “{NO_DATA}”, which is not the same "
                     "as no provision.")
    table = ReportTable(
        key="choice-by-lcpa",
        caption=f"Young people with no or reduced choice at Level 3, {results.year}, within "
                f"{params.minutes} minutes",
        columns=[("lcpa", "LCPA"), ("cohort", _cohort_heading(results)),
                 ("no_choice_pct", "No choice (%)"), ("reduced_choice_pct", "Reduced choice (%)"),
                 ("cold_areas", "Small areas with no or reduced choice"),
                 ("areas", "Small areas"),
                 ("mean_providers", "Open-access providers within reach (average)"),
                 ("median_minutes", "Minutes to the nearest (median)"),
                 ("p90_minutes", "Minutes to the nearest (9 in 10 within)")],
        rows=rows, learner_columns=frozenset({"cohort"}),
        numeric_columns=frozenset({"cohort", "no_choice_pct", "reduced_choice_pct",
                                   "cold_areas", "areas", "mean_providers", "median_minutes",
                                   "p90_minutes"}),
        notes=notes,
    )
    here = frame.loc[slug] if slug is not None and slug in frame.index else (
        frame.loc[KENT] if KENT in frame.index else None)
    summary = []
    if here is not None and measured:
        where = names.get(slug, "Kent") if slug else "Kent"
        summary.append(
            f"In {where}, {_pct(here['cold_share'])}% of 16–17 year olds have no or reduced "
            f"choice at Level 3 within {params.minutes} minutes "
            f"({int(here['cold_areas'])} of {int(here['areas'])} small areas).")
    elif not measured:
        summary.append(f"Level 3 is not fully recorded for {results.year}: no verdict is "
                       "given (partial data).")
    return ReportSection(
        heading="Choice at Level 3", key="choice", summary=summary, tables=[table],
        charts=[charts.minutes_chart(results, slug, levels=(LEVEL,), key="minutes-level-3")],
    )


def _types_section(results, slug) -> ReportSection:
    names = _names(results)
    frame = results.region_types(LEVEL, LEVEL3_TYPES)
    unrecorded = set(results.unrecorded_types)
    index = {(row.region_slug, row.qualification_type): row
             for row in frame.itertuples(index=False)}
    rows = []
    for region in _region_order(results, slug):
        for kind in LEVEL3_TYPES:
            row = index.get((region, kind))
            if row is None:
                continue
            known = kind not in unrecorded
            rows.append({
                "lcpa": names.get(region, region),
                "type": presenters.TYPE_LABELS.get(kind, kind),
                "options": _whole(row.options) if known else None,
                "reach_pct": _pct(row.reach_share) if known else None,
                "mean_providers": _round(row.mean_providers) if known else None,
                "median_minutes": _round(row.median_minutes) if known else None,
            })
    notes = [
        "Counted: open-access provision (not selective, fee-paying or specialist), as for the "
        "choice states. Offers: the options at sites in the LCPA (Kent: in every LCPA).",
        f"“{NO_DATA}”: no offer of that kind is recorded anywhere in {results.year}, so its "
        "reach is unknown (not the same as none). A blank minutes figure means no open-access "
        "offer of that kind is recorded anywhere.",
    ]
    if "apprenticeship_advanced" in unrecorded:
        notes.append("Advanced apprenticeships are published as district-level starts, not as "
                     "offers at a site, so they have no reach figure here; the Young Person’s "
                     "Guarantee reads them per district.")
    table = ReportTable(
        key="choice-by-type",
        caption=f"Level 3 by type of qualification, {results.year}: how many young people have "
                f"one within {results.params.minutes} minutes",
        columns=[("lcpa", "LCPA"), ("type", "Type"), ("options", "Offers in the LCPA"),
                 ("reach_pct", "16–17 year olds with one within reach (%)"),
                 ("mean_providers", "Providers within reach (average)"),
                 ("median_minutes", "Minutes to the nearest (median)")],
        rows=rows,
        numeric_columns=frozenset({"options", "reach_pct", "mean_providers",
                                   "median_minutes"}),
        notes=notes,
    )
    # The same shares at a glance: one row per LCPA, a column per type.
    labels = {kind: presenters.TYPE_LABELS.get(kind, kind) for kind in LEVEL3_TYPES}
    wide = {}
    for row in rows:
        wide.setdefault(row["lcpa"], {"lcpa": row["lcpa"]})[row["type"]] = row["reach_pct"]
    glance = ReportTable(
        key="reach-by-type",
        caption=f"Share of 16–17 year olds (%) with each type of Level 3 within "
                f"{results.params.minutes} minutes, {results.year}",
        columns=[("lcpa", "LCPA"), *((labels[kind], labels[kind]) for kind in LEVEL3_TYPES)],
        rows=list(wide.values()),
        numeric_columns=frozenset(labels.values()),
        notes=[f"“{NO_DATA}”: no offer of that type is recorded in {results.year}. The next "
               "table gives each type's offers, providers and journey times."],
    )
    thin = [row for row in rows if row["reach_pct"] is not None and row["reach_pct"] < 50
            and row["lcpa"] != "Kent"]
    summary = [("Types of Level 3 within reach of fewer than half the young people of an "
                "LCPA: " + "; ".join(f"{row['type']} in {row['lcpa']} ({row['reach_pct']}%)"
                                     for row in thin) + ".") if thin else
               "Every recorded type of Level 3 is within reach of at least half the young "
               "people of each LCPA listed."]
    return ReportSection(heading="Choice by type of Level 3 qualification", key="types",
                         summary=summary, tables=[glance, table])


def _cold_areas_section(results, inputs, slug) -> ReportSection:
    frame = presenters.cold_area_table(results, results.areas, slug or "")
    frame = frame.loc[frame["level"] == presenters.LEVEL_LABELS[LEVEL]]
    rows = [{
        "area_name": row["area_name"], "area_code": row["area_code"], "lcpa": row["lcpa"],
        "state": row["state"], "why": row["why"],
        "providers": _whole(row["open_access_providers_within_reach"]),
        "nearest_provider": row["nearest_provider"] or None,
        "nearest_minutes": _round(row["nearest_minutes"]),
        "cohort": _whole(row["cohort_16_17_estimate"]),
    } for row in frame.to_dict("records")]
    measured = _measured(results)
    table = ReportTable(
        key="cold-areas",
        caption=f"Small areas with no or reduced choice at Level 3, {results.year}",
        columns=[("area_name", "Small area"), ("area_code", "Code"), ("lcpa", "LCPA"),
                 ("state", "State"), ("why", "Why"),
                 ("providers", "Open-access providers within reach"),
                 ("nearest_provider", "Nearest"), ("nearest_minutes", "Minutes to the nearest"),
                 ("cohort", _cohort_heading(results))],
        rows=rows, learner_columns=frozenset({"cohort"}),
        numeric_columns=frozenset({"providers", "nearest_minutes", "cohort"}),
        empty_text=("No small area has no or reduced choice at Level 3." if measured else
                    f"Partial data: Level 3 is not fully recorded for {results.year}, so no "
                    "area is given a verdict."),
        notes=["16–17 year olds per small area are estimates." if results.cohort_is_estimate
               else "16–17 year olds per small area, as recorded."],
    )
    no_choice = sum(1 for row in rows if row["state"] == choice.STATE_LABELS[choice.NO_CHOICE])
    summary = [f"{len(rows)} small areas have no or reduced choice at Level 3 "
               f"({no_choice} with no choice)."] if measured else []
    return ReportSection(heading="Areas with no or reduced choice at Level 3", key="cold-areas",
                         summary=summary, tables=[table])


def _collaboration_section(results, slug) -> ReportSection:
    names = _names(results)
    params = results.params
    small = results.small_sixth_forms
    if len(small):
        small = small.loc[_in_view(small["region_slug"], results, slug)]
    small_rows = [{
        "provider": row["provider_name"],
        "urn": None if _missing(row["provider_urn"]) or row["provider_urn"] is None
        else int(row["provider_urn"]),
        "lcpa": names.get(row["region_slug"], presenters.OUTSIDE_KENT),
        "learners": _whole(row["learners"]),
        "size_from": ("16–18 headcount" if row["size_source"] == "headcount"
                      else "learners on its courses (a rough guide)")
        + (f", {row['size_year']}" if row["size_year"] else ""),
        "offers": int(row["offers"]),
    } for row in small.to_dict("records")]
    small_table = ReportTable(
        key="small-sixth-forms",
        caption=f"School sixth forms with fewer than {params.small_sixth_form} students",
        columns=[("provider", "School"), ("urn", "URN"), ("lcpa", "LCPA"),
                 ("learners", "Students"), ("size_from", "Size from"),
                 ("offers", "Offers in the year")],
        rows=small_rows, learner_columns=frozenset({"learners"}),
        numeric_columns=frozenset({"learners", "offers"}),
        empty_text="No school sixth form is below the size limit.",
        notes=["A sixth form with no size recorded is not listed (unknown is not small). "
               "c: 1 to 5 students, not shown to protect individuals."],
    )
    pairs = results.duplication
    if len(pairs):
        pairs = pairs.loc[(pairs["level"] == LEVEL).to_numpy()
                          & (_in_view(pairs["region_slug_a"], results, slug)
                             | _in_view(pairs["region_slug_b"], results, slug))]
    pair_rows = [{
        "type": presenters.TYPE_LABELS.get(row["qualification_type"], row["qualification_type"]),
        "subject": row["subject"] or None,
        "provider_a": row["provider_name_a"], "site_a": row["site_name_a"],
        "learners_a": _whole(row["learners_a"]),
        "provider_b": row["provider_name_b"], "site_b": row["site_name_b"],
        "learners_b": _whole(row["learners_b"]),
        "same_lcpa": _yes(row["same_lcpa"]),
        "minutes_apart": _round(row["minutes_apart"]),
    } for row in pairs.to_dict("records")]
    pair_table = ReportTable(
        key="duplicated-small-offers",
        caption=f"Small Level 3 offers (fewer than {params.small_learners} learners) duplicated "
                f"by two providers in one LCPA or within {params.duplication_minutes} minutes",
        columns=[("type", "Type"), ("subject", "Subject or route"), ("provider_a", "Provider"),
                 ("site_a", "Site"), ("learners_a", "Learners"), ("provider_b", "Provider"),
                 ("site_b", "Site"), ("learners_b", "Learners"), ("same_lcpa", "Same LCPA"),
                 ("minutes_apart", "Minutes apart")],
        rows=pair_rows, learner_columns=frozenset({"learners_a", "learners_b"}),
        numeric_columns=frozenset({"learners_a", "learners_b", "minutes_apart"}),
        empty_text="No small Level 3 offer is duplicated nearby.",
        notes=["Offers with no learners recorded are never called small. Minutes apart: the "
               "estimate between the two sites. c: 1 to 5 learners."],
    )
    summary = [f"{len(small_rows)} small school sixth forms and {len(pair_rows)} pairs of "
               "duplicated small Level 3 offers: candidates for collaboration."]
    return ReportSection(heading="Small sixth forms and duplicated small offers",
                         key="collaboration", summary=summary,
                         tables=[small_table, pair_table])


def _narrow_section(results, slug) -> ReportSection:
    names = _names(results)
    frame = results.narrow_offers(LEVEL, NARROW_FEWER_THAN)
    if len(frame):
        frame = frame.loc[_in_view(frame["region_slug"], results, slug)]
    total = len(frame)
    narrow = frame.loc[frame["narrow"]] if len(frame) else frame
    rows = [{
        "provider": row["provider_name"],
        "urn": None if _missing(row["provider_urn"]) or row["provider_urn"] is None
        else int(row["provider_urn"]),
        "lcpa": names.get(row["region_slug"], presenters.OUTSIDE_KENT),
        "types": int(row["types"]),
        "type_list": ", ".join(presenters.TYPE_LABELS.get(t, t)
                               for t in row["type_list"].split(", ") if t) or "None",
        "subjects": int(row["subjects"]) or None,
        "offers": int(row["offers"]),
        "learners": _whole(row["learners"]),
    } for row in narrow.to_dict("records")]
    table = ReportTable(
        key="narrow-offers",
        caption=f"Non-selective school sixth forms with fewer than {NARROW_FEWER_THAN} kinds of "
                f"Level 3 qualification, {results.year}",
        columns=[("provider", "School"), ("urn", "URN"), ("lcpa", "LCPA"),
                 ("types", "Kinds of Level 3"), ("type_list", "Which"),
                 ("subjects", "Subjects recorded"), ("offers", "Level 3 offers"),
                 ("learners", "Level 3 learners")],
        rows=rows, learner_columns=frozenset({"learners"}),
        numeric_columns=frozenset({"types", "subjects", "offers", "learners"}),
        empty_text="No non-selective school sixth form has a narrow Level 3 offer.",
        notes=[f"Narrow: fewer than {NARROW_FEWER_THAN} distinct kinds of Level 3 "
               "qualification (A Level, T Level, applied general, tech level, …) recorded in "
               "the year. Kinds, not subjects: the public data records no subject-level A Level "
               f"offer, so “subjects recorded” is often “{NO_DATA}”.",
               "Non-selective: school sixth forms that are open access (not selective, not "
               "fee-paying). c: 1 to 5 learners."],
    )
    summary = [f"{len(rows)} of {total} non-selective school sixth forms have a narrow Level 3 "
               f"offer (fewer than {NARROW_FEWER_THAN} kinds of qualification): the strategy's "
               "opportunities for non-selective schools to increase their offer."]
    return ReportSection(heading="Non-selective schools with a narrow Level 3 offer",
                         key="narrow", summary=summary, tables=[table])


def _change_section(results, slug) -> ReportSection:
    chart = charts.change_chart(results, slug, levels=(LEVEL,), key="change-level-3")
    summary = [f"Change in Level 3 offers from {results.compare_year} to {results.year}."
               if results.compare_year else
               f"No earlier year than {results.year} has offers recorded, so no change is shown."]
    return ReportSection(heading="Change since the previous year", key="change",
                         summary=summary, charts=[chart])


def sections(results, inputs, slug: str | None) -> list[ReportSection]:
    """The Level 3 report for Kent (slug None) or one LCPA."""
    return [
        _choice_section(results, slug),
        _types_section(results, slug),
        _cold_areas_section(results, inputs, slug),
        _collaboration_section(results, slug),
        _narrow_section(results, slug),
        _change_section(results, slug),
    ]
