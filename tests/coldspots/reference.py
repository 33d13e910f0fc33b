"""A brute-force reference for the engine: every pair, plain Python loops, no index.

Written independently of coldspots.analysis / travel so that the fast path can be checked
against it on random inputs. It reads the same documented inputs and rules.
"""

import math

from coldspots.params import COMPLETE_SOURCES, WALK

GUARANTEE_TESTS = {
    "a_level": lambda o: o["qualification_type"] == "a_level",
    "t_level": lambda o: o["qualification_type"] == "t_level",
    "apprenticeship": lambda o: o["qualification_type"].startswith("apprenticeship_"),
    "level_2": lambda o: o["level"] == "2" and not o["qualification_type"].startswith(
        "apprenticeship_"),
    "pathway_l1_entry": lambda o: o["level"] in ("1", "E"),
}


def _estimate(distance, mode):
    per_minute = mode.speed_kmh * 1000.0 / 60.0
    minutes = mode.fixed_minutes + distance * mode.detour_factor / per_minute
    if mode.walk_alternative:
        walk = WALK.fixed_minutes + distance * WALK.detour_factor / (WALK.speed_kmh * 1000.0 / 60.0)
        minutes = min(minutes, walk)
    return minutes


def all_minutes(inputs, params):
    """{(area_code, site_id): minutes} for every pair."""
    mode = params.assumptions()
    imported = {}
    for row in inputs.matrix.to_dict("records"):
        if row["mode"] == params.mode:
            imported[(row["area_code"], row["site_id"])] = row["minutes"]
    result = {}
    for area in inputs.areas.to_dict("records"):
        for site in inputs.sites.to_dict("records"):
            key = (area["area_code"], site["site_id"])
            if key in imported:
                result[key] = imported[key]
            else:
                dx = site["easting"] - area["easting"]
                dy = site["northing"] - area["northing"]
                result[key] = _estimate(math.sqrt(dx * dx + dy * dy), mode)
    return result


def running_offers(inputs, params, year):
    sites = {s["site_id"]: s for s in inputs.sites.to_dict("records")}
    rows = []
    for offer in inputs.offers.to_dict("records"):
        if offer["academic_year"] != year or offer["withdrawn"] or not offer["provider_open"]:
            continue
        if offer["site_id"] not in sites:
            continue
        rows.append(offer)
    return rows


def access_of(offer, site):
    """The access class, from the documented rule (params, "Open access")."""
    if (offer["ehcp_required"] or site.get("specialist_send")
            or site["provider_kind"] in ("special_school", "specialist_post16")):
        return "specialist"
    if site["provider_kind"] == "alternative_provision":
        return "alternative_provision"
    if site["provider_kind"] == "independent_school":
        return "independent"
    if site.get("admissions_policy") == "selective":
        return "selective"
    return "open"


def counted_offers(inputs, params, year):
    """Running offers a request counts as choice: open access plus its included classes."""
    sites = {s["site_id"]: s for s in inputs.sites.to_dict("records")}
    allowed = {"open", *params.include_access}
    return [o for o in running_offers(inputs, params, year)
            if access_of(o, sites[o["site_id"]]) in allowed]


def measured(inputs, year):
    """(levels, types) that a loaded declared complete source measures in the year."""
    levels, types = set(), set()
    for source in COMPLETE_SOURCES:
        if year not in source.years or source.provider_kinds:
            continue
        if any(o["academic_year"] == year and o["record_label"] == "published"
               and (o.get("source_key") or "") == source.source_key
               for o in inputs.offers.to_dict("records")):
            levels |= set(source.levels)
            types |= set(source.qualification_types)
    return levels, types


def year_records(inputs, year):
    """Every record of the year at a known site, running or not (what "no data" is judged on)."""
    site_ids = set(inputs.sites["site_id"])
    return [o for o in inputs.offers.to_dict("records")
            if o["academic_year"] == year and o["site_id"] in site_ids]


def _key(offer):
    route = (offer["tlevel_route"] or "").strip()
    subject = route if route else (offer["subject"] or "").strip()
    return (offer["qualification_type"], subject.casefold())


def choice(inputs, params, year, limit):
    """{(area_code, level): (offers, providers, nearest_minutes or None)}."""
    minutes = all_minutes(inputs, params)
    offers = counted_offers(inputs, params, year)
    provider_of = dict(zip(inputs.sites["site_id"], inputs.sites["provider_id"], strict=True))
    levels = params.levels or ("E", "1", "2", "3")
    out = {}
    for area in inputs.areas["area_code"]:
        for level in levels:
            keys, providers, best = set(), set(), None
            for offer in offers:
                if offer["level"] != level:
                    continue
                m = minutes[(area, offer["site_id"])]
                if best is None or m < best:
                    best = m
                if m <= limit:
                    keys.add(_key(offer))
                    providers.add(provider_of[offer["site_id"]])
            out[(area, level)] = (len(keys), len(providers), best)
    return out


def states(inputs, params, year):
    """{(area_code, level): state} by the documented rule (params, "The choice rule")."""
    now = choice(inputs, params, year, params.minutes)
    levels_measured, types_measured = measured(inputs, year)
    out = {}
    for level in params.levels or ("E", "1", "2", "3"):
        is_measured = level in levels_measured and all(
            t in types_measured for t in params.qualification_types)
        for area in inputs.areas["area_code"]:
            _, providers, best = now[(area, level)]
            if not is_measured:
                out[(area, level)] = "partial_data"
            elif providers == 0:
                out[(area, level)] = "no_choice"
            elif providers < params.min_providers or best > params.max_nearest_minutes:
                out[(area, level)] = "reduced_choice"
            else:
                out[(area, level)] = "choice"
    return out


def guarantee(inputs, params, year):
    """{area_code: {component: (status, nearest minutes or None)}}."""
    minutes = all_minutes(inputs, params)
    sites = {s["site_id"]: s for s in inputs.sites.to_dict("records")}
    allowed = {"open", *params.include_access} | ({"specialist"} if params.has_ehcp else set())
    offers = [o for o in running_offers(inputs, params, year)
              if access_of(o, sites[o["site_id"]]) in allowed]
    levels, types = measured(inputs, year)
    is_measured = {
        "a_level": "a_level" in types, "t_level": "t_level" in types,
        "apprenticeship": bool(types & {"apprenticeship_intermediate",
                                        "apprenticeship_advanced"}),
        "level_2": "2" in levels, "pathway_l1_entry": bool(levels & {"1", "E"}),
    }
    out = {}
    for area in inputs.areas["area_code"]:
        result = {}
        for name, test in GUARANTEE_TESTS.items():
            usable = []
            for o in offers:
                if not test(o):
                    continue
                if params.english_grade is not None and not math.isnan(
                        o["min_english_grade"]) and o["min_english_grade"] > params.english_grade:
                    continue
                if params.maths_grade is not None and not math.isnan(
                        o["min_maths_grade"]) and o["min_maths_grade"] > params.maths_grade:
                    continue
                usable.append(o)
            best = min((minutes[(area, o["site_id"])] for o in usable), default=None)
            if best is not None and best <= params.minutes:
                status = "met"
            else:
                status = "not_met" if is_measured[name] else "no_data"
            result[name] = (status, best)
        out[area] = result
    return out


def duplication_pairs(inputs, params, year):
    """{(course_id_a, course_id_b): (same_lcpa, within_minutes)} over all pairs of small offers."""
    mode = params.assumptions()
    sites = {s["site_id"]: s for s in inputs.sites.to_dict("records")}
    small = [o for o in running_offers(inputs, params, year)
             if not math.isnan(o["learners"]) and o["learners"] < params.small_learners]
    out = {}
    for a in small:
        for b in small:
            if a["course_id"] >= b["course_id"] or a["provider_id"] == b["provider_id"]:
                continue
            if a["level"] != b["level"] or _key(a) != _key(b):
                continue
            sa, sb = sites[a["site_id"]], sites[b["site_id"]]
            dx, dy = sb["easting"] - sa["easting"], sb["northing"] - sa["northing"]
            minutes = _estimate(math.sqrt(dx * dx + dy * dy), mode)
            same = sa["region_slug"] is not None and sa["region_slug"] == sb["region_slug"]
            within = minutes <= params.duplication_minutes
            if same or within:
                out[(a["course_id"], b["course_id"])] = (same, within)
    return out


def choice_by_type(inputs, params, year, limit):
    """{(area_code, level, type): (offers, providers, nearest)} for (level, type) pairs offered."""
    minutes = all_minutes(inputs, params)
    offers = counted_offers(inputs, params, year)
    provider_of = dict(zip(inputs.sites["site_id"], inputs.sites["provider_id"], strict=True))
    combos = {(o["level"], o["qualification_type"]) for o in offers}
    out = {}
    for area in inputs.areas["area_code"]:
        for level, kind in combos:
            keys, providers, best = set(), set(), None
            for offer in offers:
                if (offer["level"], offer["qualification_type"]) != (level, kind):
                    continue
                m = minutes[(area, offer["site_id"])]
                best = m if best is None or m < best else best
                if m <= limit:
                    keys.add(_key(offer))
                    providers.add(provider_of[offer["site_id"]])
            out[(area, level, kind)] = (len(keys), len(providers), best)
    return out


def year_on_year(inputs, params, year_from, year_to):
    """{(region_slug, level): {suffix: (offers, learners, no_data)}} for suffix "from"/"to".

    Offers counted by their site's LCPA (Kent = every site in an LCPA); running offers only; a
    level with no record (running or not) anywhere in the year is no data (None, None, True);
    learners are the sum of known learners, 0 with no offer, None when every offer's is unknown.
    """
    sites = {s["site_id"]: s for s in inputs.sites.to_dict("records")}
    slugs = list(inputs.regions["region_slug"])
    levels = params.levels or ("E", "1", "2", "3")
    out = {(slug, level): {} for slug in [*slugs, "kent"] for level in levels}
    for suffix, year in (("from", year_from), ("to", year_to)):
        offers = [o for o in inputs.offers.to_dict("records")
                  if o["academic_year"] == year and o["site_id"] in sites]
        for level in levels:
            recorded = any(o["level"] == level for o in offers)
            for slug in [*slugs, "kent"]:
                if not recorded:
                    out[(slug, level)][suffix] = (None, None, True)
                    continue
                here = [o for o in offers if o["level"] == level and not o["withdrawn"]
                        and o["provider_open"]
                        and isinstance(sites[o["site_id"]]["region_slug"], str)
                        and (slug == "kent" or sites[o["site_id"]]["region_slug"] == slug)]
                known = [o["learners"] for o in here if not math.isnan(o["learners"])]
                learners = sum(known) if known else (0 if not here else None)
                out[(slug, level)][suffix] = (len(here), learners, False)
    return out


def _weighted_quantile(pairs, q):
    """Smallest value whose cumulative weight reaches q of the total (pairs: value, weight)."""
    pairs = sorted((v, w) for v, w in pairs if v is not None and w > 0)
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= q * total - 1e-9 * total:
            return value
    return pairs[-1][0]


def region_summary(inputs, params, year):
    """{(region_slug, level): (cold_share, options_per_1000, median, p90)}, None for NaN."""
    now = choice(inputs, params, year, params.minutes)
    state = states(inputs, params, year)
    offers = counted_offers(inputs, params, year)
    records = year_records(inputs, year)
    site_region = dict(zip(inputs.sites["site_id"], inputs.sites["region_slug"], strict=True))
    areas = inputs.areas.to_dict("records")
    out = {}
    for slug in [*inputs.regions["region_slug"], "kent"]:
        members = [a for a in areas if (a["in_kent"] if slug == "kent"
                                        else a["region_slug"] == slug)]
        cohort = {a["area_code"]: (0.0 if math.isnan(a["cohort_16_17"]) else a["cohort_16_17"])
                  for a in members}
        total = sum(cohort.values())
        for level in params.levels or ("E", "1", "2", "3"):
            recorded = any(o["level"] == level for o in records)
            options = sum(1 for o in offers if o["level"] == level
                          and isinstance(site_region[o["site_id"]], str)
                          and (slug == "kent" or site_region[o["site_id"]] == slug))
            cold_cohort = sum(c for code, c in cohort.items()
                              if state[(code, level)] in ("no_choice", "reduced_choice"))
            pairs = [(now[(code, level)][2], c) for code, c in cohort.items()]
            usable = recorded and total > 0
            is_measured = any(state[(code, level)] != "partial_data" for code in cohort)
            out[(slug, level)] = (
                cold_cohort / total if total > 0 and is_measured else None,
                options * 1000 / total if usable else None,
                _weighted_quantile(pairs, 0.5),
                _weighted_quantile(pairs, 0.9),
            )
    return out


def send_reach(inputs, params):
    """{area_code: (specialist minutes or None, ap minutes or None)} and, per LCPA and Kent,
    {slug: (EHCP-weighted mean specialist minutes, cohort share with AP within the limit)}."""
    minutes = all_minutes(inputs, params)
    sites = inputs.sites.to_dict("records")
    specialist = [s["site_id"] for s in sites if s["provider_open"] and (
        s["specialist_send"] or s["provider_kind"] in ("special_school", "specialist_post16"))]
    ap = [s["site_id"] for s in sites
          if s["provider_open"] and s["provider_kind"] == "alternative_provision"]
    per_area = {}
    for area in inputs.areas["area_code"]:
        per_area[area] = tuple(min((minutes[(area, s)] for s in group), default=None)
                               for group in (specialist, ap))
    per_region = {}
    areas = inputs.areas.to_dict("records")
    for slug in [*inputs.regions["region_slug"], "kent"]:
        members = [a for a in areas if (a["in_kent"] if slug == "kent"
                                        else a["region_slug"] == slug)]
        ehcp = [(per_area[a["area_code"]][0], 0.0 if math.isnan(a["ehcp_16_17"])
                 else a["ehcp_16_17"]) for a in members]
        weight = sum(w for m, w in ehcp if m is not None)
        mean = sum(m * w for m, w in ehcp if m is not None) / weight if (
            specialist and weight > 0) else None
        cohort = [(per_area[a["area_code"]][1], 0.0 if math.isnan(a["cohort_16_17"])
                   else a["cohort_16_17"]) for a in members]
        total = sum(c for _, c in cohort)
        reach = sum(c for m, c in cohort if m is not None and m <= params.minutes) / total if (
            ap and total > 0) else None
        per_region[slug] = (mean, reach)
    return per_area, per_region
