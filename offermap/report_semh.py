"""The SEMH champion's report: alternative provision (AP) by LCPA, the small areas with none
within reach, and AP reach.

`sections(results, inputs, slug)` reads the analysis' own figures: AP sites are
analysis.ap_site_mask over Results.sites (open in the year), reach is Results.send_areas /
send_reach (analysis.send_reach), and the per-LCPA counts come from coldspots.remits. With no
AP recorded at all, nothing is said about which areas have none within reach ("no data
recorded"), only that none is recorded.
"""

from __future__ import annotations

from coldspots import analysis, remits
from coldspots.analysis import KENT
from offermap import remit_common as common
from offermap.remit_common import minutes, percent, plural, reach_text, whole
from offermap.report_parts import NO_DATA, ReportSection, ReportTable

SOURCE_NOTE = ("Source: Get Information About Schools (GIAS), open establishments, 24 May 2025 "
               "(Open Government Licence v3.0); young people: DfE/NCCIS 16–17 cohort of the "
               "local authority shared out by the Census 2021 age bands (a project estimate).")
AP_RECORDED = ("Only alternative provision on the register of schools (pupil referral units and "
               "AP academies and free schools) is recorded; AP that schools or the council buy "
               "from other providers is not in the data, so an area without AP here may still "
               "be served.")


def sections(results, inputs, slug: str | None) -> list[ReportSection]:
    """The SEMH report: Kent-wide (slug None: every LCPA and Kent) or one LCPA's."""
    return common.site_sections(results, inputs, slug, analysis.ap_site_mask,
                                [_reach_section, _sites_section, _areas_section])


def _recorded(mask) -> bool:
    return bool(mask.any())


def _reach_section(results, inputs, slug, mask) -> ReportSection:
    counts = common.rows_by_slug(remits.sites_by_region(results.sites, mask, results.regions))
    reach = common.rows_by_slug(results.send_reach)
    without = common.rows_by_slug(remits.unreached_by_region(
        results.send_areas["ap_within_reach"].to_numpy(dtype=bool), results.areas,
        results.regions, "cohort_16_17"))
    recorded = _recorded(mask)

    def cells(place):
        r, c, w = reach[place], counts[place], without[place]
        return {
            "ap_sites": c["sites"], "ap_providers": c["providers"],
            "cohort": whole(r["cohort"]),
            "ap_reach_share": percent(r["ap_reach_share"]) if recorded else None,
            "ap_median_minutes": minutes(r["ap_median_minutes"]) if recorded else None,
            "areas_without": w["areas_without"] if recorded else None,
            "cohort_without": whole(w["weight_without"]) if recorded else None,
        }
    rows = common.lcpa_rows(results, slug, cells, present=reach)
    table = ReportTable(
        key="semh-ap-reach",
        caption=f"Alternative provision by LCPA {reach_text(results)}, {results.year}",
        columns=[("lcpa", "LCPA"), ("ap_sites", "AP sites in the LCPA"),
                 ("ap_providers", "AP providers in the LCPA"),
                 ("cohort", "Young people aged 16–17"),
                 ("ap_reach_share", "Young people with AP within reach (%)"),
                 ("ap_median_minutes", "Minutes to the nearest AP (typical)"),
                 ("areas_without", "Small areas with no AP within reach"),
                 ("cohort_without", "Young people in them")],
        rows=rows, learner_columns=frozenset({"cohort", "cohort_without"}),
        numeric_columns=frozenset({"ap_sites", "ap_providers", "cohort", "ap_reach_share",
                                   "ap_median_minutes", "areas_without", "cohort_without"}),
        notes=[
            "Alternative provision: providers recorded as alternative provision or pupil "
            f"referral units, open in {results.year}. Reach counts any AP site, in the LCPA "
            "or beyond it (Medway and neighbours included).",
            AP_RECORDED,
            "Typical journey: the median over the young people of each small area, to the "
            "nearest AP site, whether or not it is within the travel time.",
            common.estimate_note(results),
            f"Journey times: {results.travel_method_label}.",
            SOURCE_NOTE,
        ],
    )
    place = slug or KENT
    where = common.place_name(results, slug)
    r, c, w = reach.get(place), counts.get(place), without.get(place)
    if not recorded:
        summary = [f"No alternative provision is recorded in {results.year} ({NO_DATA}), so "
                   "the report cannot say which areas have none within reach."]
    else:
        summary = [
            f"No alternative provision site is recorded in {where} in {results.year}; the "
            "nearest are in other LCPAs or beyond Kent." if c["sites"] == 0 else
            f"{plural(c['sites'], 'alternative provision site')} "
            f"({plural(c['providers'], 'provider')}) "
            f"{'are' if c['sites'] != 1 else 'is'} recorded in {where} in {results.year}.",
            f"{common.share_text(r['ap_reach_share'])} of the young people aged 16–17 in {where} "
            f"live {reach_text(results)} of an AP site; the typical journey to the nearest is "
            f"{common.minutes_text(r['ap_median_minutes'])}.",
            f"{plural(w['areas_without'], 'small area')} "
            f"({common.people_text(w['weight_without'])}) "
            f"{'have' if w['areas_without'] != 1 else 'has'} no AP {reach_text(results)}.",
        ]
        if results.cohort_is_estimate:
            summary.append("The numbers of young people are estimates.")
    charts = [common.reach_chart(results, slug, "ap_median_minutes", "AP",
                                 key="semh-ap-minutes-chart")] if recorded else []
    return ReportSection(heading="Alternative provision and its reach", key="ap-reach",
                         summary=summary, tables=[table], charts=charts)


def _sites_section(results, inputs, slug, mask) -> ReportSection:
    rows = common.site_rows(results, slug, mask,
                            lambda site: {"postcode": site["postcode"] or None})
    table = ReportTable(
        key="semh-ap-sites",
        caption=f"Alternative provision sites{common.in_place_words(results, slug)}, "
                f"{results.year}",
        columns=[("provider", "Provider"), ("site", "Site"), ("postcode", "Postcode"),
                 ("lcpa", "LCPA"), ("urn", "URN")],
        rows=rows,
        notes=["Sites of open providers recorded as alternative provision or pupil referral "
               "units; Kent-wide, sites beyond Kent's LCPAs that Kent's young people can reach "
               "are listed too."],
        empty_text=(f"No alternative provision site is recorded here in {results.year}."
                    if _recorded(mask) else f"{NO_DATA.capitalize()}: no alternative "
                    f"provision is recorded in {results.year}."),
    )
    return ReportSection(heading="Alternative provision sites", key="ap-sites",
                         summary=[f"{plural(len(rows), 'site')} listed."],
                         tables=[table])


def _areas_section(results, inputs, slug, mask) -> ReportSection:
    recorded = _recorded(mask)
    send = results.send_areas
    areas = results.areas
    in_place = (areas["region_slug"] == slug).to_numpy() if slug else areas["in_kent"].to_numpy(
        dtype=bool)
    out = in_place & ~send["ap_within_reach"].to_numpy(dtype=bool)
    provider_of = common.site_provider(results)
    names = common.region_names(results)
    rows = []
    # Kent-wide the per-LCPA counts stand for the list (hundreds of areas); each LCPA's report
    # lists its own.
    if recorded and slug is not None:
        for area, reach in zip(areas.loc[out].to_dict("records"),
                               send.loc[out].to_dict("records"), strict=True):
            rows.append({
                "area_code": area["area_code"], "area_name": area["area_name"],
                "lcpa": names.get(area["region_slug"], area["region_slug"]),
                "nearest_provider": provider_of(reach["ap_site_id"]),
                "nearest_minutes": minutes(reach["ap_minutes"]),
                "cohort": common.number(area["cohort_16_17"]),
            })
        rows.sort(key=lambda r: (-(r["nearest_minutes"] or 0), r["area_code"]))
    table = ReportTable(
        key="semh-areas-without-ap",
        caption=f"Small areas{common.in_place_words(results, slug, ' in Kent')} with no "
                f"alternative provision {reach_text(results)}, {results.year}",
        columns=[("area_code", "Small area code"), ("area_name", "Small area"),
                 ("lcpa", "LCPA"), ("nearest_provider", "Nearest AP provider"),
                 ("nearest_minutes", "Minutes to the nearest AP"),
                 ("cohort", "Young people aged 16–17")],
        rows=rows, learner_columns=frozenset({"cohort"}),
        numeric_columns=frozenset({"nearest_minutes", "cohort"}),
        notes=[common.estimate_note(results), "Longest journeys first."],
        empty_text=(f"Every small area here has alternative provision {reach_text(results)}."
                    if recorded else f"{NO_DATA.capitalize()}: no alternative provision is "
                    f"recorded in {results.year}, so no area is listed."),
    )
    if not recorded:
        summary = [f"No alternative provision is recorded ({NO_DATA})."]
    elif slug is None:
        summary = ["The table above gives the small areas with no AP within reach in each "
                   "LCPA; each LCPA's report lists them."]
        return ReportSection(heading="Small areas with no alternative provision within reach",
                             key="no-ap", summary=summary, tables=[])
    else:
        summary = [f"{plural(len(rows), 'small area')} listed."]
    return ReportSection(heading="Small areas with no alternative provision within reach",
                         key="no-ap", summary=summary, tables=[table])
