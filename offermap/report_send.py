"""The SEND champion's report: specialist post-16 provision and supported internships by LCPA,
distance to learn for young people with an EHCP, and local choice.

`sections(results, inputs, slug)` reads the analysis' own figures: specialist sites are
analysis.specialist_site_mask over Results.sites (open in the year), distance to learn is
Results.send_areas / send_reach (analysis.send_reach), and the per-LCPA counts and the number
of specialist providers within reach come from coldspots.remits. The EHCP figures per small area
are estimates wherever the data marks them so, and the report says so; with no specialist
provision or no supported internship recorded, it says "no data recorded", never "none".
"""

from __future__ import annotations

from coldspots import analysis, remits
from coldspots.analysis import KENT
from coldspots.results import specialist_options
from offermap import remit_common as common
from offermap.remit_common import minutes, missing, percent, plural, reach_text, whole
from offermap.report_parts import NO_DATA, ReportSection, ReportTable
from providers.models import Provider

SUPPORTED_INTERNSHIP = ("supported_internship",)
SEND_PROGRAMMES = ("send_post16",)
KIND_LABELS = dict(Provider.Kind.choices)
SOURCE_NOTE = ("Sources: Get Information About Schools (GIAS), open establishments, 24 May 2025, "
               "for specialist providers; DfE Education, health and care plans 2025: caseload by "
               "age, for young people with an EHCP, shared out over small areas by the Census "
               "2021 age bands (a project estimate). Open Government Licence v3.0.")


def sections(results, inputs, slug: str | None) -> list[ReportSection]:
    """The SEND report: Kent-wide (slug None: every LCPA and Kent) or one LCPA's."""
    return common.site_sections(results, inputs, slug, analysis.specialist_site_mask,
                                [_provision_section, _distance_section, _choice_section])


def _ehcp_note(results) -> str:
    year = results.ehcp_year or "the latest year"
    if results.cohort_is_estimate:
        return (f"Young people with an EHCP per small area ({year}) are estimates: the "
                "county's caseload shared out over its small areas, not counts of plans in "
                "each area.")
    return f"Young people with an EHCP per small area: recorded figures for {year}."


def _provision_section(results, inputs, slug, mask) -> ReportSection:
    counts = common.rows_by_slug(remits.sites_by_region(results.sites, mask, results.regions))
    internships = common.rows_by_slug(remits.offers_by_region(
        inputs.offers, results.sites, results.regions, results.year, SUPPORTED_INTERNSHIP))
    programmes = common.rows_by_slug(remits.offers_by_region(
        inputs.offers, results.sites, results.regions, results.year, SEND_PROGRAMMES))

    def cells(place):
        c, i, p = counts[place], internships[place], programmes[place]
        return {
            "specialist_sites": c["sites"], "specialist_providers": c["providers"],
            "send_programmes": p["offers"] if p["recorded"] else None,
            "internships": i["offers"] if i["recorded"] else None,
            "internship_learners": whole(i["learners"]) if i["recorded"] else None,
        }
    rows = common.lcpa_rows(results, slug, cells)
    table = ReportTable(
        key="send-provision",
        caption=f"Specialist post-16 provision and supported internships by LCPA, "
                f"{results.year}",
        columns=[("lcpa", "LCPA"), ("specialist_sites", "Specialist sites"),
                 ("specialist_providers", "Specialist providers"),
                 ("send_programmes", "SEND post-16 programmes"),
                 ("internships", "Supported internships"),
                 ("internship_learners", "Learners on supported internships")],
        rows=rows, learner_columns=frozenset({"internship_learners"}),
        numeric_columns=frozenset({"specialist_sites", "specialist_providers",
                                   "send_programmes", "internships", "internship_learners"}),
        notes=[
            "Specialist provision: special schools, specialist post-16 institutions and "
            f"providers flagged as specialist SEND, open in {results.year}, at sites in the "
            "LCPA (Kent: every site in an LCPA).",
            "Supported internships and SEND programmes: running offers recorded at those sites "
            f"in {results.year}. An empty cell: {NO_DATA} (no such offer is recorded anywhere "
            "in the year), which is not the same as none.",
            "Learners: c for 1 to 5, not shown to protect individuals; empty where no number "
            "is recorded.",
            SOURCE_NOTE,
        ],
    )
    site_table = _sites_table(results, inputs, slug, mask)
    place = slug or KENT
    where = common.place_name(results, slug)
    c, i, p = counts[place], internships[place], programmes[place]
    summary = []
    if not mask.any():
        summary.append(f"No specialist provision is recorded in {results.year} ({NO_DATA}).")
    else:
        summary.append(
            f"{plural(c['sites'], 'specialist site')} ({plural(c['providers'], 'provider')}) "
            f"{'is' if c['sites'] == 1 else 'are'} recorded in {where} in {results.year}.")
    if not i["recorded"]:
        summary.append(f"Supported internships: {NO_DATA} in {results.year}. No source here "
                       "lists them, so the report cannot say where they run or are missing.")
    else:
        summary.append(f"{plural(i['offers'], 'supported internship')} "
                       f"{'is' if i['offers'] == 1 else 'are'} recorded at sites in {where}"
                       + (f" ({common.people_text(i['learners'], 'learners')})."
                          if not missing(i["learners"]) and i["offers"] else "."))
    if p["recorded"]:
        summary.append(f"{plural(p['offers'], 'SEND post-16 programme')} "
                       f"{'is' if p['offers'] == 1 else 'are'} recorded at sites in {where}.")
    return ReportSection(heading="Specialist post-16 provision and supported internships",
                         key="provision", summary=summary, tables=[table, site_table])


def _sites_table(results, inputs, slug, mask) -> ReportTable:
    active = analysis.active_offers(inputs.offers, results.sites, results.year)
    per_site = active.groupby(["site_id", "qualification_type"]).size()
    rows = common.site_rows(results, slug, mask, lambda site: {
        "kind": KIND_LABELS.get(site["provider_kind"], site["provider_kind"]),
        "send_programmes": int(per_site.get((site["site_id"], SEND_PROGRAMMES[0]), 0)),
        "internships": int(per_site.get((site["site_id"], SUPPORTED_INTERNSHIP[0]), 0)),
    })
    return ReportTable(
        key="send-sites",
        caption=f"Specialist sites{common.in_place_words(results, slug)}, "
                f"{results.year}",
        columns=[("provider", "Provider"), ("kind", "Kind"), ("site", "Site"), ("lcpa", "LCPA"),
                 ("send_programmes", "SEND post-16 programmes recorded"),
                 ("internships", "Supported internships recorded"), ("urn", "URN")],
        rows=rows, numeric_columns=frozenset({"send_programmes", "internships"}),
        notes=["Kent-wide, specialist sites beyond Kent's LCPAs that Kent's young people can "
               "reach are listed too. 0 recorded: no such offer is recorded at the site."],
        empty_text=(f"No specialist site is recorded here in {results.year}." if mask.any()
                    else f"{NO_DATA.capitalize()}: no specialist provision is recorded in "
                    f"{results.year}."),
    )


def _distance_section(results, inputs, slug, mask) -> ReportSection:
    reach = common.rows_by_slug(results.send_reach)
    without = common.rows_by_slug(remits.unreached_by_region(
        results.send_areas["specialist_within_reach"].to_numpy(dtype=bool), results.areas,
        results.regions, "ehcp_16_17"))
    recorded = bool(mask.any())

    def cells(place):
        r, w = reach[place], without[place]
        return {
            "ehcp": whole(r["ehcp"]),
            "median_minutes": minutes(r["specialist_median_minutes"]) if recorded else None,
            "mean_minutes": minutes(r["specialist_mean_minutes"]) if recorded else None,
            "within_share": percent(r["specialist_within_reach_share"]) if recorded else None,
            "ehcp_without": whole(w["weight_without"]) if recorded else None,
        }
    rows = common.lcpa_rows(results, slug, cells, present=reach)
    table = ReportTable(
        key="send-distance",
        caption=f"Distance to learn for young people with an EHCP, {results.year}, "
                f"{reach_text(results)}",
        columns=[("lcpa", "LCPA"), ("ehcp", "Young people aged 16–17 with an EHCP (estimate)"
                                    if results.cohort_is_estimate else
                                    "Young people aged 16–17 with an EHCP"),
                 ("median_minutes", "Minutes to the nearest specialist provision (typical)"),
                 ("mean_minutes", "Minutes (average)"),
                 ("within_share", "With specialist provision within reach (%)"),
                 ("ehcp_without", "With none within reach (young people)")],
        rows=rows, learner_columns=frozenset({"ehcp", "ehcp_without"}),
        numeric_columns=frozenset({"ehcp", "median_minutes", "mean_minutes", "within_share",
                                   "ehcp_without"}),
        notes=[_ehcp_note(results),
               "Minutes to the nearest open specialist site, in or beyond the LCPA, weighted "
               "by the young people with an EHCP in each small area.",
               f"Journey times: {results.travel_method_label}.", SOURCE_NOTE],
    )
    place = slug or KENT
    r, w = reach[place], without[place]
    where = common.place_name(results, slug)
    estimate = " (estimate)" if results.cohort_is_estimate else ""
    if not recorded:
        summary = [f"No specialist provision is recorded in {results.year} ({NO_DATA}), so no "
                   "distance to learn is given."]
    elif missing(r["ehcp"]) or not r["ehcp"]:
        summary = [f"No young people with an EHCP are recorded in {where} ({NO_DATA}), so no "
                   "distance to learn is given."]
    else:
        summary = [
            f"{where} has "
            f"{common.people_text(r['ehcp'], 'young people aged 16–17 with an EHCP')}"
            f"{estimate}. For them the typical journey to the nearest specialist provision is "
            f"{common.minutes_text(r['specialist_median_minutes'])} (average "
            f"{common.minutes_text(r['specialist_mean_minutes'])}); "
            f"{common.share_text(r['specialist_within_reach_share'])} have one "
            f"{reach_text(results)}, "
            f"and {common.people_text(w['weight_without'])}{estimate} have none.",
        ]
        if results.cohort_is_estimate:
            summary.append(_ehcp_note(results))
    charts = [common.reach_chart(results, slug, "specialist_median_minutes",
                                 "specialist provision", key="send-minutes-chart")
              ] if recorded else []
    return ReportSection(heading="Distance to learn for young people with an EHCP",
                         key="distance", summary=summary, tables=[table], charts=charts)


def _choice_section(results, inputs, slug, mask) -> ReportSection:
    recorded = bool(mask.any())
    # Cached beside the results: it builds a reach of its own (a third of the report).
    options = specialist_options(results, inputs)
    by_region = common.rows_by_slug(remits.specialist_choice_by_region(
        options, results.areas, results.regions, recorded))

    def cells(place):
        r = by_region[place]
        return {
            "ehcp": whole(r["ehcp"]), "mean_options": common.number(r["mean_options"]),
            "ehcp_none": whole(r["ehcp_none"]), "ehcp_one": whole(r["ehcp_one"]),
            "ehcp_two_or_more": whole(r["ehcp_two_or_more"]),
        }
    rows = common.lcpa_rows(results, slug, cells, present=by_region)
    table = ReportTable(
        key="send-local-choice",
        caption=f"Local choice: specialist providers {reach_text(results)} of young people "
                f"with an EHCP, {results.year}",
        columns=[("lcpa", "LCPA"), ("ehcp", "Young people with an EHCP"),
                 ("mean_options", "Specialist providers within reach (average)"),
                 ("ehcp_none", "With none within reach"), ("ehcp_one", "With one"),
                 ("ehcp_two_or_more", "With two or more")],
        rows=rows,
        learner_columns=frozenset({"ehcp", "ehcp_none", "ehcp_one", "ehcp_two_or_more"}),
        numeric_columns=frozenset({"ehcp", "mean_options", "ehcp_none", "ehcp_one",
                                   "ehcp_two_or_more"}),
        notes=[_ehcp_note(results),
               "Different specialist providers with a site within the travel time, in or "
               "beyond the LCPA; the average is weighted by the young people with an EHCP.",
               "A count of providers, not of places: the data holds no places or vacancies "
               "for specialist provision."],
    )
    tables = [table]
    if slug is not None:
        tables.append(_areas_table(results, slug, options, recorded))
    place = slug or KENT
    r = by_region[place]
    where = common.place_name(results, slug)
    if not recorded:
        summary = [f"No specialist provision is recorded in {results.year} ({NO_DATA}), so no "
                   "local choice is given."]
    elif missing(r["mean_options"]):
        summary = [f"No young people with an EHCP are recorded in {where} ({NO_DATA})."]
    else:
        summary = [
            f"A young person with an EHCP in {where} has on average "
            f"{float(r['mean_options']):.1f} specialist providers {reach_text(results)}: "
            f"{common.people_text(r['ehcp_none'])} have none, "
            f"{common.people_text(r['ehcp_one'])} one and "
            f"{common.people_text(r['ehcp_two_or_more'])} two or more"
            + (" (estimates)." if results.cohort_is_estimate else "."),
        ]
    return ReportSection(heading="Local choice of specialist provision", key="local-choice",
                         summary=summary, tables=tables)


def _areas_table(results, slug, options, recorded) -> ReportTable:
    areas, send = results.areas, results.send_areas
    here = (areas["region_slug"] == slug).to_numpy()
    provider_of = common.site_provider(results)
    rows = []
    if recorded:
        for area, reach, count in zip(areas.loc[here].to_dict("records"),
                                      send.loc[here].to_dict("records"), options[here],
                                      strict=True):
            rows.append({
                "area_code": area["area_code"], "area_name": area["area_name"],
                "ehcp": common.number(area["ehcp_16_17"]),
                "options": int(count),
                "nearest_provider": provider_of(reach["specialist_site_id"]),
                "nearest_minutes": minutes(reach["specialist_minutes"]),
            })
        rows.sort(key=lambda r: (r["options"], -(r["nearest_minutes"] or 0), r["area_code"]))
    return ReportTable(
        key="send-areas",
        caption=f"Small areas in {common.place_name(results, slug)}: specialist provision within "
                f"reach, {results.year}",
        columns=[("area_code", "Small area code"), ("area_name", "Small area"),
                 ("ehcp", "Young people with an EHCP"),
                 ("options", "Specialist providers within reach"),
                 ("nearest_provider", "Nearest specialist provider"),
                 ("nearest_minutes", "Minutes to the nearest")],
        rows=rows, learner_columns=frozenset({"ehcp"}),
        numeric_columns=frozenset({"ehcp", "options", "nearest_minutes"}),
        notes=[_ehcp_note(results), "Fewest providers within reach first."],
        empty_text=(f"{NO_DATA.capitalize()}: no specialist provision is recorded in "
                    f"{results.year}." if not recorded else "No small area is recorded here."),
    )
