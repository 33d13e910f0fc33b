"""The Skills champion's report: the offer by sector subject area and T Level route per LCPA,
against the priority sectors officers keep (the Local Skills Improvement Plan's), and the
sectors with no provision within reach.

Every figure comes from `results.skills` (coldspots.skills, computed with the rest of the
analysis): nothing is computed again here. Apprenticeship standards are district-level and
derived (a provider's national standards, placed in the districts where it started apprentices),
courses' sectors come from their recorded subject or T Level route, and the cohort is an
estimate: the sentences and table notes say so.
"""

from __future__ import annotations

import math

from coldspots.analysis import KENT
from coldspots.models import LSIP_SOURCE
from offermap.remit_common import check_slug
from offermap.report_parts import NO_DATA, ReportSection, ReportTable
from providers.apprenticeships import published_count

NOT_RECORDED_LABEL = "Sector not recorded"
ROUTE_NOT_RECORDED_LABEL = "Route not recorded"
DERIVED_NOTE = (
    "Apprenticeship standards are district-level and derived: the standards a provider started "
    "apprentices on anywhere in England that year, counted in each district where it started "
    "apprentices (any standard). They are not a fact about a site, and a provider may not offer "
    "every one of its standards in every district."
)
STARTS_NOTE = (
    "Apprenticeship starts in a sector are estimates: each provider's starts in the district "
    "(all standards) shared out by its national starts on each standard. They are rounded as "
    "the DfE publishes starts (nearest 10; 1–4 shown as low); a split district counts whole in "
    "each of its LCPAs.")
ESTIMATE_NOTE = ("The 16–17 cohort per small area is an estimate (the county figure shared out "
                 "by Census 2021 age bands); shares and counts of young people are estimates.")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _percent(value) -> str | None:
    return None if _missing(value) else f"{float(value):.1%}"


def _number(value):
    return None if _missing(value) else round(float(value))


def _starts(value) -> str:
    """Estimated apprenticeship starts as the DfE publishes starts: nearest 10, 1–4 as low."""
    return NO_DATA if _missing(value) else published_count(round(float(value)))


def _pick(frame, slug: str | None, with_kent: bool = False):
    """The rows for one LCPA (then Kent's, for comparison, if with_kent), or (Kent-wide) every
    LCPA then the Kent row."""
    if slug is None:
        return frame
    return frame[frame["region_slug"].isin([slug, KENT] if with_kent else [slug])]


def _sector_sentence(row, minutes: int, year: str) -> str:
    """One sentence per LCPA × priority sector, with its numbers and what they rest on."""
    where = row["region_name"]
    if _missing(row["any_share"]):
        return (f"{where}, {row['sector']}: {NO_DATA} for {year} (no course names a sector and "
                "no apprenticeship standards are recorded).")
    text = (f"{where}, {row['sector']}: {_percent(row['any_share'])} of 16–17 year olds "
            f"(estimate) can reach an offer in the sector")
    parts = []
    if not _missing(row["course_share"]):
        parts.append(f"{_percent(row['course_share'])} a course within {minutes} minutes")
    if not _missing(row["apprenticeship_share"]):
        parts.append(f"{_percent(row['apprenticeship_share'])} an apprenticeship standard in "
                     "their district (derived)")
    if parts:
        text += " (" + "; ".join(parts) + ")"
    text += "."
    if not _missing(row["derived_starts"]):
        text += (f" Estimated apprenticeship starts in the sector's standards: "
                 f"{_starts(row['derived_starts'])}"
                 + ("" if _missing(row["derived_starts_per_1000"]) else
                    f" ({row['derived_starts_per_1000']:.1f} per 1,000 aged 16–17)")
                 + " (derived).")
    if row["lower_bound"]:
        missing = "courses" if row["no_data_courses"] else "apprenticeship standards"
        text += (f" {missing.capitalize()} have no sector recorded in {year}, so this counts "
                 f"the other part only: a lower bound, not a finding of no {missing}.")
    return text


def _reach_section(skills, results, slug: str | None) -> ReportSection:
    minutes = results.params.minutes
    year = results.year
    rows = _pick(skills.region_reach, slug, with_kent=True)
    summary = [
        f"Academic year {year}, travel time {minutes} minutes "
        f"({results.params.mode}, {results.travel_method_label}). Priority sectors: "
        f"{', '.join(skills.sectors['name'])} (kept by officers; seeded from the "
        f"{LSIP_SOURCE}).",
        "A young person can reach a sector when a course in one of its sector subject areas or "
        "T Level routes is within the travel time (open-access offers, as the choice rule "
        "counts), or a provider starting apprentices in their district delivers a standard in "
        "one of its areas (district-level, derived).",
    ]
    if skills.no_data_courses:
        summary.append(
            f"No course record for {year} names a sector subject area or T Level route "
            f"({NO_DATA}): the course part is not measured, and the shares count "
            "apprenticeship standards only.")
    if skills.no_data_standards:
        summary.append(f"No apprenticeship standards are recorded for {year} ({NO_DATA}).")
    if skills.sectors.empty:
        summary.append("No priority sectors are recorded: officers add them in the admin.")
    focus = rows[rows["region_slug"] == (slug or KENT)]
    summary += [_sector_sentence(row, minutes, year) for row in focus.to_dict("records")]
    table = ReportTable(
        key="priority-sector-reach",
        caption=f"Share of 16–17 year olds (estimate) who can reach each priority sector, "
                f"{year}, {minutes} minutes",
        columns=[("region_name", "LCPA"), ("sector", "Priority sector"),
                 ("any_share", "Can reach the sector"),
                 ("course_share", f"Course within {minutes} min"),
                 ("apprenticeship_share", "Standard in district (derived)"),
                 ("cohort_without", "Young people without (estimate)"),
                 ("areas_without", "Small areas without"),
                 ("derived_starts", "Apprenticeship starts in the sector (estimate, derived)"),
                 ("derived_starts_per_1000", "per 1,000 aged 16–17")],
        rows=[{
            "region_name": row["region_name"], "sector": row["sector"],
            "any_share": _percent(row["any_share"]) or NO_DATA,
            "course_share": _percent(row["course_share"]) or NO_DATA,
            "apprenticeship_share": _percent(row["apprenticeship_share"]) or NO_DATA,
            "cohort_without": _number(row["cohort_without"]),
            "areas_without": _number(row["areas_without"]),
            "derived_starts": _starts(row["derived_starts"]),
            "derived_starts_per_1000": None if _missing(row["derived_starts_per_1000"])
            else f"{row['derived_starts_per_1000']:.1f}",
        } for row in rows.to_dict("records")],
        learner_columns=frozenset({"cohort_without"}),
        numeric_columns=frozenset({"any_share", "course_share", "apprenticeship_share",
                                   "cohort_without", "areas_without", "derived_starts",
                                   "derived_starts_per_1000"}),
        notes=[ESTIMATE_NOTE, DERIVED_NOTE, STARTS_NOTE,
               f"“{NO_DATA}” means the data for {year} holds no record that could show the "
               "offer, not that there is none."],
        empty_text="No priority sectors are recorded.",
    )
    return ReportSection(heading="Priority sectors within reach", key="priority-sectors",
                         summary=summary, tables=[table])


def _gaps_section(skills, results, slug: str | None) -> ReportSection:
    rows = _pick(skills.region_reach, slug)
    rows = rows[rows["region_slug"] != KENT] if slug is None else rows
    gaps = rows[rows["areas_without"] > 0]
    none = rows[rows["no_provision"]]
    summary = []
    if skills.no_data_courses and skills.no_data_standards:
        summary.append(f"{NO_DATA.capitalize()} for {results.year}: no gaps can be shown.")
    elif none.empty and gaps.empty:
        summary.append("Every young person in " + ("this LCPA" if slug else "every LCPA")
                       + " can reach every priority sector, by the parts recorded.")
    elif none.empty:
        summary.append("Every priority sector is within reach of at least some young people in "
                       + ("this LCPA" if slug else "every LCPA") + f"; {len(gaps)} LCPA and "
                       "sector pairs leave some small areas without (table).")
    else:
        for row in none.to_dict("records"):
            summary.append(f"{row['region_name']}: no young person can reach {row['sector']} "
                           f"(none of its {row['areas']} small areas).")
    if skills.no_data_courses or skills.no_data_standards:
        summary.append("A part with no data recorded counts as not reaching, so these gaps may "
                       "be smaller in fact.")
    table = ReportTable(
        key="priority-sector-gaps",
        caption=f"Priority sectors out of reach in some small areas, {results.year}, "
                f"{results.params.minutes} minutes",
        columns=[("region_name", "LCPA"), ("sector", "Priority sector"),
                 ("areas_without", "Small areas without"), ("areas", "Small areas"),
                 ("cohort_without", "Young people without (estimate)"),
                 ("none_share", "Share without"), ("no_provision", "Out of reach everywhere")],
        rows=[{
            "region_name": row["region_name"], "sector": row["sector"],
            "areas_without": _number(row["areas_without"]), "areas": _number(row["areas"]),
            "cohort_without": _number(row["cohort_without"]),
            "none_share": _percent(row["none_share"]) or NO_DATA,
            "no_provision": "Yes" if row["no_provision"] else "No",
        } for row in gaps.to_dict("records")],
        learner_columns=frozenset({"cohort_without"}),
        numeric_columns=frozenset({"areas_without", "areas", "cohort_without", "none_share"}),
        notes=[ESTIMATE_NOTE],
        empty_text="No priority sector is out of reach anywhere.",
    )
    return ReportSection(heading="Sectors with no provision within reach", key="sector-gaps",
                         summary=summary, tables=[table])


def _offer_section(skills, results, slug: str | None) -> ReportSection:
    year = results.year
    rows = _pick(skills.offer_by_ssa, slug)
    kent = skills.offer_by_ssa[skills.offer_by_ssa["region_slug"] == (slug or KENT)]
    where = kent["region_name"].iloc[0] if len(kent) else "Kent"
    recorded = kent[kent["ssa_tier1"] != ""]
    summary = []
    if not skills.no_data_standards and len(recorded):
        top = recorded.sort_values(["standards", "ssa_tier1"], ascending=[False, True]).head(3)
        summary.append(
            f"{where}, {year}: "
            + "; ".join(f"{r['ssa_tier1']} {_number(r['standards'])} standards from "
                        f"{_number(r['standard_providers'])} providers"
                        for r in top.to_dict("records"))
            + " (apprenticeships, district-level, derived).")
    unrecorded = kent[kent["ssa_tier1"] == ""]
    if len(unrecorded) and not _missing(unrecorded["courses"].iloc[0]):
        count = _number(unrecorded["courses"].iloc[0])
        summary.append(f"{count} course offers at sites in {where} in {year} name no sector "
                       "subject area (the published records count qualification families, and "
                       f"FE provision by level only): shown as “{NOT_RECORDED_LABEL}”.")
    table = ReportTable(
        key="offer-by-sector",
        caption=f"Offer by sector subject area (tier 1), {year}",
        columns=[("region_name", "LCPA"), ("ssa_tier1", "Sector subject area"),
                 ("courses", "Course offers"), ("t_levels", "of which T Levels"),
                 ("fe_offers", "of which FE provision"), ("course_providers", "Providers"),
                 ("standards", "Apprenticeship standards (derived)"),
                 ("standard_providers", "Apprenticeship providers"),
                 ("standard_starts", "Apprenticeship starts on them (estimate, derived)")],
        rows=[{
            "region_name": row["region_name"],
            "ssa_tier1": row["ssa_tier1"] or NOT_RECORDED_LABEL,
            "courses": _number(row["courses"]) if not _missing(row["courses"]) else NO_DATA,
            "t_levels": _number(row["t_levels"]) if not _missing(row["t_levels"]) else NO_DATA,
            "fe_offers": _number(row["fe_offers"]) if not _missing(row["fe_offers"])
            else NO_DATA,
            "course_providers": _number(row["course_providers"])
            if not _missing(row["course_providers"]) else NO_DATA,
            "standards": _number(row["standards"]) if not _missing(row["standards"])
            else ("—" if row["ssa_tier1"] == "" else NO_DATA),
            "standard_providers": _number(row["standard_providers"])
            if not _missing(row["standard_providers"])
            else ("—" if row["ssa_tier1"] == "" else NO_DATA),
            "standard_starts": _starts(row["standard_starts"])
            if not _missing(row["standard_starts"]) or row["ssa_tier1"] != "" else "—",
        } for row in rows.to_dict("records")],
        numeric_columns=frozenset({"courses", "t_levels", "fe_offers", "course_providers",
                                   "standards", "standard_providers", "standard_starts"}),
        notes=[DERIVED_NOTE, STARTS_NOTE,
               f"“{NO_DATA}”: no course record of {year} names a sector, so the courses in a "
               "sector cannot be counted (not zero)."],
    )
    routes = _pick(skills.offer_by_route, slug)
    route_table = ReportTable(
        key="tlevels-by-route",
        caption=f"T Levels by route, {year}",
        columns=[("region_name", "LCPA"), ("tlevel_route", "T Level route"),
                 ("t_levels", "T Level offers"), ("providers", "Providers")],
        rows=[{"region_name": r["region_name"],
               "tlevel_route": r["tlevel_route"] or ROUTE_NOT_RECORDED_LABEL,
               "t_levels": int(r["t_levels"]), "providers": int(r["providers"])}
              for r in routes.to_dict("records")],
        numeric_columns=frozenset({"t_levels", "providers"}),
        notes=["The T Level registers name each provider's routes only to 2021: later T Levels "
               f"show as “{ROUTE_NOT_RECORDED_LABEL}” until officers record them."],
        empty_text=f"No T Levels recorded for {year}.",
    )
    return ReportSection(heading="Offer by sector subject area and T Level route",
                         key="offer-by-sector", summary=summary, tables=[table, route_table])


def sections(results, inputs, slug: str | None) -> list[ReportSection]:
    """The Skills report: Kent-wide (slug None: one row per LCPA, then Kent) or one LCPA.

    `inputs` is part of every builder's signature; this report needs only `results` (its
    measures are computed with the analysis). An unknown LCPA raises KeyError (the page 404s,
    as for the other remits: remit_common.check_slug)."""
    del inputs
    check_slug(results, slug)
    skills = results.skills
    if skills is None:
        return [ReportSection(heading="Skills offer", key="skills",
                              summary=[f"{NO_DATA.capitalize()}: the skills measures were not "
                                       "computed for this request."])]
    return [_reach_section(skills, results, slug), _gaps_section(skills, results, slug),
            _offer_section(skills, results, slug)]
