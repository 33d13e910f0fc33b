"""The Level 2 champion's report: the gap analysis at Level 2 and below, the change since the
previous year, and the young people with no Level 2 pathway within reach.

`sections(results, inputs, slug)` builds it from the analysis' own figures: cold-spot states and
their LCPA summary (Results.region_level, area_level), year-on-year (Results.year_on_year, split
by source with coldspots.remits), and the Young Person's Guarantee (Results.guarantee_areas):
nothing here decides a state or a guarantee part again.

"Without grade 4 in English and maths": the guarantee applies entry requirements only for a
learner profile (AnalysisParams.english_grade / maths_grade; see coldspots.guarantee.eligible),
so the report runs the same analysis a second time with grades 3 and 3 (`profile_results`) and
reads that run's guarantee. It is the same compute, cached on its own parameters.
"""

from __future__ import annotations

import dataclasses

from coldspots import remits
from coldspots import results as coldspots_results
from coldspots.analysis import KENT
from offermap import charts, presenters
from offermap.remit_common import (
    LEVEL_NAMES,
    check_slug,
    estimate_note,
    minutes,
    minutes_text,
    missing,
    number,
    people_text,
    percent,
    place_name,
    reach_text,
    region_names,
    report_slugs,
    rows_by_slug,
    share_text,
    whole,
)
from offermap.report_parts import NO_DATA, ReportSection, ReportTable

RECORD_LABELS = {"published": "Published", "derived": "Derived", "illustrative": "Illustrative"}
LEVELS = ("2", "1", "E")  # Level 2 and below (coldspots.params.LEVELS)
PARTIAL = "partial data"
ALL_BELOW = "Level 2 and below"
# The learner without grade 4 in English and maths.
WITHOUT_GRADE_4 = {"english_grade": 3, "maths_grade": 3}


def profile_results(results, inputs, **profile):
    """The analysis for the same request with a learner profile (e.g. grades 3 in English and
    maths). On the live data (results carry a data version) this is coldspots.results.compute,
    cached like every request; on hand-built inputs it is compute_from_inputs on them."""
    params = dataclasses.replace(results.params, **profile)
    if params == results.params:
        return results
    if results.data_version:
        return coldspots_results.compute(params, version=results.data_version)
    return coldspots_results.compute_from_inputs(inputs, params)


def _levels(results) -> tuple[str, ...]:
    present = set(results.region_level["level"])
    return tuple(level for level in LEVELS if level in present)


def sections(results, inputs, slug: str | None) -> list[ReportSection]:
    """The Level 2 report: Kent-wide (slug None: every LCPA and Kent) or one LCPA's."""
    check_slug(results, slug)
    levels = _levels(results)
    return [
        _choice_section(results, slug, levels),
        _change_section(results, inputs, slug, levels),
        _pathway_section(results, inputs, slug),
    ]


# ----------------------------------------------------------------------------------------------
# Choice at Level 2 and below


def _data_label(row) -> str:
    if row["no_data"]:
        return NO_DATA
    return "measured" if row["measured"] else PARTIAL


def _choice_section(results, slug, levels) -> ReportSection:
    params = results.params
    frame = results.region_level
    names = region_names(results)
    index = {(r["region_slug"], r["level"]): r for r in frame.to_dict("records")}
    rows = []
    for place in report_slugs(results, slug):
        for level in levels:
            r = index.get((place, level))
            if r is None:
                continue
            measured = bool(r["measured"]) and not r["no_data"]
            rows.append({
                "lcpa": "Kent" if place == KENT else names.get(place, place),
                "level": LEVEL_NAMES[level],
                "data": _data_label(r),
                "cohort": whole(r["cohort"]),
                "no_choice_share": percent(r["no_choice_share"]) if measured else None,
                "reduced_choice_share": percent(r["reduced_choice_share"]) if measured
                else None,
                # A partial-data level has no cold areas: its count is unknown, not 0.
                "cold_areas": int(r["cold_areas"]) if measured else None,
                "cold_cohort": whole(r["cold_cohort"]) if measured else None,
                "mean_providers": number(r["mean_providers"]),
                "median_minutes": minutes(r["median_minutes"]),
                "options": whole(r["options"]),
            })
    table = ReportTable(
        key="level2-choice",
        caption=f"Choice at Level 2 and below {reach_text(results)}, {results.year}",
        columns=[
            ("lcpa", "LCPA"), ("level", "Level"), ("data", "Data"),
            ("cohort", "Young people aged 16–17"),
            ("no_choice_share", "No choice (% of young people)"),
            ("reduced_choice_share", "Reduced choice (% of young people)"),
            ("cold_areas", "Small areas with no or reduced choice"),
            ("cold_cohort", "Young people in them"),
            ("mean_providers", "Providers within reach (average)"),
            ("median_minutes", "Minutes to the nearest (typical)"),
            ("options", "Open-access offers at sites in the LCPA"),
        ],
        rows=rows,
        learner_columns=frozenset({"cohort", "cold_cohort"}),
        numeric_columns=frozenset({"cohort", "no_choice_share", "reduced_choice_share",
                                   "cold_areas", "cold_cohort", "mean_providers",
                                   "median_minutes", "options"}),
        notes=[
            f"No choice: no open-access provider of the level {reach_text(results)}. Reduced "
            f"choice: fewer than {params.min_providers} providers within reach, or the nearest "
            f"more than {params.max_nearest_minutes} minutes away.",
            f"Partial data: the level is not fully recorded in {results.year}, so no small "
            "area is called a cold spot at it; its offers and journeys are shown as recorded.",
            "“No data recorded”: no offer at the level is recorded in the year at all.",
            estimate_note(results),
            "Minutes to the nearest: the median over the young people of the LCPA (the chart "
            "gives the time within which 9 in 10 reach one).",
            f"Journey times: {results.travel_method_label}.",
        ],
        empty_text="No level at Level 2 or below is in this request.",
    )
    tables = [table]
    if slug is not None:
        tables.append(_cold_areas_table(results, slug, levels))
    place = slug or KENT
    summary = [_level_sentence(results, index.get((place, level)), place_name(results, slug),
                               level) for level in levels if (place, level) in index]
    if slug is None:
        summary.append("Each LCPA's report lists its small areas with no or reduced choice.")
    section_charts = [charts.minutes_chart(results, highlight=slug, levels=levels,
                                           key="level2-minutes-chart")] if levels else []
    return ReportSection(heading="Choice at Level 2 and below", key="choice",
                         summary=summary, tables=tables, charts=section_charts)


def _level_sentence(results, row, place: str, level: str) -> str:
    name, year = LEVEL_NAMES[level], results.year
    if row["no_data"]:
        return (f"{name}: {NO_DATA} in {year}. No offer at this level is recorded, so the "
                "report gives no verdict on choice.")
    if not row["measured"]:
        journey = ("no open-access offer at this level is recorded anywhere"
                   if missing(row["median_minutes"]) else
                   f"the typical journey to the nearest is {minutes_text(row['median_minutes'])}")
        return (f"{name}: partial data in {year}. The records do not cover every provider at "
                f"this level, so no small area is called a cold spot; "
                f"{_count(whole(row['options']), 'open-access offer')} "
                f"{'is' if whole(row['options']) == 1 else 'are'} recorded at sites in "
                f"{place}, and {journey}.")
    if missing(row["no_choice_share"]):
        return f"{name}: no young people are recorded in {place}, so there is no share to give."
    return (f"{name}, {year}: {share_text(row['no_choice_share'])} of the young people aged "
            f"16–17 in {place} live in small areas with no open-access provider "
            f"{reach_text(results)}, and {share_text(row['reduced_choice_share'])} in areas "
            f"with reduced choice ({people_text(row['cold_cohort'])} in "
            f"{int(row['cold_areas'])} small areas in all). On average "
            f"{float(row['mean_providers']):.1f} providers are within reach; the typical "
            f"journey to the nearest is {minutes_text(row['median_minutes'])}.")


def _cold_areas_table(results, slug, levels) -> ReportTable:
    """The LCPA's small areas with no or reduced choice at Level 2 and below (the map's own
    reasons, presenters.cold_area_table)."""
    frame = presenters.cold_area_table(results, results.areas, slug)
    wanted = [presenters.LEVEL_LABELS[level] for level in levels]
    frame = frame.loc[frame["level"].isin(wanted)]
    rows = [{
        "area_code": r["area_code"], "area_name": r["area_name"], "level": r["level"],
        "state": r["state"], "why": r["why"],
        "providers": whole(r["open_access_providers_within_reach"]),
        "nearest_provider": r["nearest_provider"] or None,
        "nearest_minutes": minutes(r["nearest_minutes"]),
        "cohort": number(r["cohort_16_17_estimate"]),
    } for r in frame.to_dict("records")]
    return ReportTable(
        key="level2-cold-areas",
        caption=f"Small areas in {place_name(results, slug)} with no or reduced choice at "
                f"Level 2 and below, {results.year}",
        columns=[("area_code", "Small area code"), ("area_name", "Small area"),
                 ("level", "Level"), ("state", "Choice"), ("why", "Why"),
                 ("providers", "Open-access providers within reach"),
                 ("nearest_provider", "Nearest provider"),
                 ("nearest_minutes", "Minutes to the nearest"),
                 ("cohort", "Young people aged 16–17")],
        rows=rows, learner_columns=frozenset({"cohort"}),
        numeric_columns=frozenset({"providers", "nearest_minutes", "cohort"}),
        notes=[estimate_note(results)],
        empty_text="No small area here has no or reduced choice at a fully recorded level "
                   "(levels with partial data are never called cold).",
    )


# ----------------------------------------------------------------------------------------------
# Change since the previous year


def _total(rows: list[dict], column: str):
    """Level 2 and below together: the sum over the levels with a record (None when none)."""
    known = [r[column] for r in rows if r is not None and not missing(r[column])]
    return float(sum(known)) if known else None


def _change_section(results, inputs, slug, levels) -> ReportSection:
    before, now = results.compare_year, results.year
    earlier = before or "the previous year"
    names = region_names(results)
    yoy = results.year_on_year
    index = {(r["region_slug"], r["level"]): r for r in yoy.to_dict("records")}
    rows = []
    for place in report_slugs(results, slug):
        lcpa = "Kent" if place == KENT else names.get(place, place)
        mine = [index.get((place, level)) for level in levels]
        for level, r in zip(levels, mine, strict=True):
            if r is None:
                continue
            rows.append({
                "lcpa": lcpa, "level": LEVEL_NAMES[level],
                "offers_from": whole(r["offers_from"]), "offers_to": whole(r["offers_to"]),
                "offers_change": whole(r["offers_change"]),
                "learners_from": whole(r["learners_from"]),
                "learners_to": whole(r["learners_to"]),
            })
        if len(levels) > 1:
            offers_from, offers_to = _total(mine, "offers_from"), _total(mine, "offers_to")
            rows.append({
                "lcpa": lcpa, "level": ALL_BELOW, "offers_from": whole(offers_from),
                "offers_to": whole(offers_to),
                "offers_change": None if offers_from is None or offers_to is None
                else whole(offers_to - offers_from),
                "learners_from": whole(_total(mine, "learners_from")),
                "learners_to": whole(_total(mine, "learners_to")),
            })
    # No column of the change in learners: with a count shown as c, the change would give it
    # away.
    change = ReportTable(
        key="level2-change",
        caption=f"Offers and learners at Level 2 and below, {earlier} and {now}",
        columns=[("lcpa", "LCPA"), ("level", "Level"), ("offers_from", f"Offers {earlier}"),
                 ("offers_to", f"Offers {now}"), ("offers_change", "Change in offers"),
                 ("learners_from", f"Learners {earlier}"), ("learners_to", f"Learners {now}")],
        rows=rows if before is not None else [],
        learner_columns=frozenset({"learners_from", "learners_to"}),
        numeric_columns=frozenset({"offers_from", "offers_to", "offers_change",
                                   "learners_from", "learners_to"}),
        notes=[
            "An offer is one provider's qualification family or programme at a site (e.g. "
            "Level 2 vocational qualifications at one school), as the sources record it: not a "
            "count of separate courses.",
            "Offers are counted at sites in each LCPA; Kent is every site in an LCPA. Learners "
            "are those recorded on the offers (students completing 16–18 study in the "
            "performance tables); c: 1 to 5, not shown to protect individuals.",
            f"An empty cell: {NO_DATA} (no offer at that level is recorded in that year "
            "anywhere), or no learner numbers recorded on the offers.",
            f"{ALL_BELOW}: the sum of the levels with records.",
            "Learners are summed over the offers that record a number: a year in which fewer "
            "offers record one (e.g. derived records, which carry none) shows fewer learners "
            "without fewer young people learning.",
        ],
        empty_text=f"No earlier year than {now} has offers recorded, so there is no change "
                   "to show.",
    )
    by_source = remits.year_on_year_by_source(inputs.offers, results.sites, results.regions,
                                              before, now, results.params)
    sources = _sources_table(results, by_source, slug, levels, earlier)
    summary = _change_summary(results, index, by_source, slug, levels)
    section_charts = [charts.change_chart(results, highlight=slug, levels=levels,
                                          key="level2-change-chart")] if levels else []
    return ReportSection(heading=f"Change since {earlier}", key="change", summary=summary,
                         tables=[change, sources], charts=section_charts)


def _source_rows(by_source, place, levels):
    here = by_source.loc[(by_source["region_slug"] == place)
                         & by_source["level"].isin(levels)]
    return here


def _sources_table(results, by_source, slug, levels, earlier) -> ReportTable:
    place = slug or KENT
    here = _source_rows(by_source, place, levels)
    rows = []
    for r in here.to_dict("records"):
        # A source with records elsewhere has 0 here rather than NaN: nothing to show.
        if all(missing(r[c]) or r[c] == 0 for c in ("offers_from", "offers_to")):
            continue
        rows.append({
            "source": r["source"], "record_label": RECORD_LABELS.get(r["record_label"],
                                                                     r["record_label"]),
            "level": LEVEL_NAMES[r["level"]],
            "offers_from": whole(r["offers_from"]), "offers_to": whole(r["offers_to"]),
        })
    return ReportTable(
        key="level2-change-sources",
        caption=f"Offers at Level 2 and below in {place_name(results, slug)} by source, "
                f"{earlier} and {results.year}",
        columns=[("source", "Source"), ("record_label", "Record"), ("level", "Level"),
                 ("offers_from", f"Offers {earlier}"), ("offers_to", f"Offers {results.year}")],
        rows=rows if results.compare_year is not None else [],
        numeric_columns=frozenset({"offers_from", "offers_to"}),
        notes=["An empty cell: the source has no record at that level in that year. A source "
               "that stops (or starts) between the two years changes the count without any "
               "provision closing (or opening).",
               "Derived: made by the project from another published fact, e.g. a college's "
               "provider-wide offer shown at each of its campuses (one record per campus) or "
               "an offer carried forward from an earlier year; not a published fact about "
               "that site."],
        empty_text="No offer at Level 2 or below is recorded in either year.",
    )


def _change_summary(results, index, by_source, slug, levels) -> list[str]:
    before, now = results.compare_year, results.year
    place = slug or KENT
    where = "at sites in Kent's LCPAs" if slug is None else \
        f"at sites in {place_name(results, slug)}"
    summary = ["Kent's education strategy records a fall in the number of courses at Level 2 "
               "and below from 2022/23 to 2023/24. What this app's records say for the years "
               f"of this report ({before or 'no earlier year'} and {now}) follows."]
    if before is None:
        summary.append(f"No year before {now} has offers recorded, so there is no change to "
                       "show.")
        return summary
    mine = [index.get((place, level)) for level in levels]
    for level, r in zip(levels, mine, strict=True):
        if r is None:
            continue
        name = LEVEL_NAMES[level]
        if r["no_data_from"] or r["no_data_to"]:
            gone = [y for y, flag in ((before, r["no_data_from"]), (now, r["no_data_to"]))
                    if flag]
            summary.append(f"{name}: {NO_DATA} in {' and '.join(gone)}, so no change can be "
                           "given.")
            continue
        summary.append(
            f"{name}: {_count(whole(r['offers_from']), 'offer')} {where} in {before} and "
            f"{whole(r['offers_to']):,} in {now} ({_change_words(r['offers_change'])}).")
    recorded = [r for r in mine if r is not None and not r["no_data_from"]
                and not r["no_data_to"]]
    if len(levels) > 1 and recorded:
        offers_from, offers_to = _total(recorded, "offers_from"), _total(recorded, "offers_to")
        left_out = [LEVEL_NAMES[lv] for lv, r in zip(levels, mine, strict=True)
                    if r is not None and r not in recorded]
        summary.append(
            f"{ALL_BELOW} together: {whole(offers_from):,} offers in {before} and "
            f"{whole(offers_to):,} in {now} ({_change_words(offers_to - offers_from)})"
            + (f", leaving out {', '.join(left_out)} ({NO_DATA} in one year)." if left_out
               else "."))
    here = _source_rows(by_source, place, levels)
    stopped, started, names = [], [], []
    for (source, label), rows in here.groupby(["source", "record_label"], sort=True):
        had = rows["offers_from"].fillna(0).sum() > 0
        has = rows["offers_to"].fillna(0).sum() > 0
        if (had or has) and str(source) not in names:
            names.append(str(source))
        what = f"{source} ({RECORD_LABELS.get(label, label).lower()})"
        if had and not has:
            stopped.append(what)
        if has and not had:
            started.append(what)
    if names:
        summary.append(f"Sources of these records: {'; '.join(names)}.")
    derived = here.loc[here["record_label"] == "derived"]
    if len(derived):
        counts = [whole(derived[f"offers_{end}"].sum(min_count=1)) or 0
                  for end in ("from", "to")]
        if any(counts):
            summary.append(
                f"Of these, {counts[0]:,} offers in {before} and {counts[1]:,} in {now} are "
                "derived records (made by the project from another published fact, e.g. a "
                "college's provider-wide offer shown at each of its campuses), not published "
                "facts about a site; the table by source shows which.")
    if stopped:
        summary.append(f"Records in {before} but none in {now} from: {'; '.join(stopped)}. "
                       "Part of the change may be a source that stops, not provision that "
                       "closed.")
    if started:
        summary.append(f"Records in {now} but none in {before} from: {'; '.join(started)}.")
    return summary


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _change_words(change) -> str:
    change = whole(change)
    if change is None:
        return NO_DATA
    if change == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):,}"


# ----------------------------------------------------------------------------------------------
# No Level 2 pathway within reach


def _cohort_words(results) -> str:
    areas = results.areas
    if areas is not None and "cohort_16" in areas and not areas["cohort_16"].isna().all():
        return "16-year-olds"
    return "young people aged 16–17"


def _pathway_section(results, inputs, slug) -> ReportSection:
    profile = profile_results(results, inputs, **WITHOUT_GRADE_4)
    gaps = {}
    for name, run in (("all", results), ("grade3", profile)):
        for parts, label in ((("level_2",), "l2"), (("level_2", "pathway_l1_entry"), "below")):
            gaps[f"{name}_{label}"] = rows_by_slug(remits.pathway_gap(
                run.guarantee_areas, run.areas, run.regions, parts))
    names = region_names(results)
    rows = []
    for place in report_slugs(results, slug):
        a, g = gaps["all_l2"].get(place), gaps["grade3_l2"].get(place)
        b, gb = gaps["all_below"].get(place), gaps["grade3_below"].get(place)
        if a is None:
            continue
        rows.append({
            "lcpa": "Kent" if place == KENT else names.get(place, place),
            "cohort": whole(a["cohort"]),
            "no_l2_share": percent(a["no_pathway_share"]),
            "no_l2_cohort": whole(a["no_pathway_cohort"]),
            "no_l2_grade3_share": percent(g["no_pathway_share"]),
            "no_l2_grade3_cohort": whole(g["no_pathway_cohort"]),
            "no_below_share": percent(b["no_pathway_share"]),
            "no_below_grade3_share": percent(gb["no_pathway_share"]),
            "no_data_share": percent(a["no_data_share"]),
        })
    who = _cohort_words(results)
    offers, with_grades = remits.entry_requirements_recorded(
        inputs.offers, results.sites, results.year, LEVELS)
    table = ReportTable(
        key="level2-pathway",
        caption=f"Young people with no Level 2 course {reach_text(results)}, {results.year}",
        columns=[
            ("lcpa", "LCPA"), ("cohort", who[0].upper() + who[1:]),
            ("no_l2_share", "No Level 2 course within reach (%)"),
            ("no_l2_cohort", "No Level 2 course within reach (young people)"),
            ("no_l2_grade3_share", "Without grade 4 in English and maths: no Level 2 course "
                                   "(%)"),
            ("no_l2_grade3_cohort", "Without grade 4: no Level 2 course (young people)"),
            ("no_below_share", "Nothing at Level 2, 1 or Entry within reach (%)"),
            ("no_below_grade3_share", "Without grade 4: nothing at Level 2, 1 or Entry (%)"),
            ("no_data_share", "Cannot be said: no data recorded (%)"),
        ],
        rows=rows,
        learner_columns=frozenset({"cohort", "no_l2_cohort", "no_l2_grade3_cohort"}),
        numeric_columns=frozenset({"cohort", "no_l2_share", "no_l2_cohort",
                                   "no_l2_grade3_share", "no_l2_grade3_cohort",
                                   "no_below_share", "no_below_grade3_share",
                                   "no_data_share"}),
        notes=[
            "From the Young Person's Guarantee: its Level 2 part (any Level 2 course that is "
            "not an apprenticeship, open access) and its Level 1 or Entry pathway part, "
            f"{reach_text(results)}.",
            "Without grade 4: the same analysis for a learner with grade 3 in English and "
            "maths, leaving out offers whose recorded entry requirements ask for more.",
            "Cannot be said: no Level 2 course is within reach and Level 2 is not fully "
            f"recorded in {results.year}, so the data cannot tell that none exists.",
            estimate_note(results),
        ],
    )
    place = slug or KENT
    a, g = gaps["all_l2"].get(place), gaps["grade3_l2"].get(place)
    b = gaps["all_below"].get(place)
    where = place_name(results, slug)
    summary = []
    if a is not None and not missing(a["no_pathway_share"]):
        summary.append(
            f"In {where}, {share_text(a['no_pathway_share'])} of the {who} "
            f"({people_text(a['no_pathway_cohort'])}) have no Level 2 course "
            f"{reach_text(results)} in {results.year}; "
            f"{share_text(b['no_pathway_share'])} have nothing at Level 2, Level 1 or Entry.")
        if a["no_data_share"] > 0:
            summary.append(
                f"For {share_text(a['no_data_share'])} it cannot be said ({NO_DATA}: Level 2 "
                f"is not fully recorded in {results.year} and no Level 2 course is within "
                "reach).")
        summary.append(
            f"For a learner without grade 4 in English and maths: "
            f"{share_text(g['no_pathway_share'])} ({people_text(g['no_pathway_cohort'])}) "
            "have no Level 2 course within reach that they can enter.")
    elif a is not None:
        summary.append(f"No young people are recorded in {where}, so there is no share to give.")
    if with_grades == 0:
        summary.append(
            f"None of the {offers:,} offers at Level 2 and below running in {results.year} "
            "records an entry requirement in English or maths, so the figure without grade 4 "
            f"is the same as the first. Entry requirements: {NO_DATA}, which does not mean "
            "that none apply.")
    else:
        summary.append(f"{with_grades:,} of the {offers:,} offers at Level 2 and below running "
                       f"in {results.year} record an entry requirement in English or maths; "
                       "the others are counted as open to every learner.")
    section_charts = []
    if slug is not None:
        section_charts.append(charts.guarantee_parts_chart(results, slug,
                                                           key="level2-guarantee-parts"))
    return ReportSection(heading="No Level 2 pathway within reach", key="pathway",
                         summary=summary, tables=[table], charts=section_charts)

