"""The skills measures: offer by sector per LCPA and each priority sector's reach, against hand-
worked answers and a brute-force reference (every pair, plain loops) on random data."""

import dataclasses
import random

import numpy as np
import pandas as pd
import pytest

from coldspots.results import compute_from_inputs
from coldspots.skills import NOT_RECORDED, district_standards, sectors_frame
from providers.sectors import ROUTE_SSA, SSA_TIER2
from tests.coldspots import builders, reference
from tests.coldspots.builders import KM_PARAMS, YEAR

CONSTRUCTION = "Construction, Planning and the Built Environment"
SECTORS = sectors_frame([
    ("Construction", 1, [CONSTRUCTION], ["Construction"]),
    ("Health", 2, ["Health and Social Care"], ["Health and science"]),
    ("Food", 3, ["Agriculture"], []),
])
D1, D2 = "E07000105", "E07000106"


def standards(rows):
    """rows: (ukprn, name, tier1, tier2, starts)."""
    return pd.DataFrame([
        {"provider_ukprn": u, "academic_year": YEAR, "standard_key": f"k{n}", "name": n,
         "level": "2", "ssa_tier1": t1, "ssa_tier2": t2, "starts": s}
        for u, n, t1, t2, s in rows])


def delivery(rows):
    """rows: (ukprn, district, starts)."""
    return pd.DataFrame([{"provider_ukprn": u, "academic_year": YEAR, "district_code": d,
                          "starts": s} for u, d, s in rows])


@pytest.fixture
def small():
    return small_inputs()


def small_inputs():
    """Three areas on a line (A1, A2 in "east", A3 in "west"), a Construction T Level near A1, a
    Health course near A3, and one food standard delivered in A2's and A3's district."""
    data = builders.inputs(
        [("A1", 0, 0, 100, "east"), ("A2", 50, 0, 300, "east"), ("A3", 100, 0, 600, "west")],
        [(1, 1, 5, 0, "fe_college", "east"), (2, 2, 95, 0, "fe_college", "west")],
        [{"site_id": 1, "qualification_type": "t_level", "tlevel_route": "Construction"},
         {"site_id": 2, "qualification_type": "applied_general",
          "subject": "Health and Social Care"},
         {"site_id": 2, "qualification_type": "a_level"}],
    )
    areas = data.areas.assign(district_code=[D1, D2, D2])
    return dataclasses.replace(
        data, areas=areas, priority_sectors=SECTORS,
        provider_standards=standards([("11111111", "Farm worker", "Agriculture, Horticulture and "
                                       "Animal Care", "Agriculture", 5),
                                      ("22222222", "Bricklayer", CONSTRUCTION,
                                       "Building and Construction", 7)]),
        apprenticeship_delivery=delivery([("11111111", D2, 3), ("22222222", D1, 0)]),
    )


def test_priority_reach_on_a_hand_worked_example(small):
    """Courses count within 30 minutes, standards in the area's own district (a provider with
    no starts in a district gives it nothing); shares are weighted by the cohort."""
    skills = compute_from_inputs(small, KM_PARAMS).skills
    got = skills.region_reach.set_index(["region_slug", "sector"])
    assert got.loc[("east", "Construction"), "any_share"] == pytest.approx(100 / 400)
    assert got.loc[("east", "Construction"), "apprenticeship_share"] == 0
    assert got.loc[("east", "Health"), "any_share"] == 0
    assert bool(got.loc[("east", "Health"), "no_provision"])
    assert got.loc[("east", "Food"), "any_share"] == pytest.approx(300 / 400)
    assert got.loc[("west", "Health"), "course_share"] == 1
    assert got.loc[("kent", "Food"), "any_share"] == pytest.approx(900 / 1000)
    assert got.loc[("kent", "Food"), "cohort_without"] == 100
    # Derived starts: the provider's 3 district starts, all on its one standard.
    assert got.loc[("west", "Food"), "derived_starts"] == 3
    assert got.loc[("west", "Food"), "derived_starts_per_1000"] == pytest.approx(3 * 1000 / 600)
    assert not got["lower_bound"].any()


def test_offer_by_sector_counts_courses_by_site_lcpa_and_standards_by_district(small):
    """The offer table puts each course in its site's LCPA and sector (unrecorded apart) and
    each derived standard in the LCPAs of its district."""
    skills = compute_from_inputs(small, KM_PARAMS).skills
    offer = skills.offer_by_ssa.set_index(["region_slug", "ssa_tier1"])
    assert offer.loc[("east", CONSTRUCTION), "t_levels"] == 1
    assert offer.loc[("west", "Health, Public Services and Care"), "courses"] == 1
    assert offer.loc[("west", NOT_RECORDED), "courses"] == 1  # the A Level names no sector
    food = "Agriculture, Horticulture and Animal Care"
    assert offer.loc[("east", food), "standards"] == 1  # A2 is in D2
    assert offer.loc[("west", food), "standard_starts"] == 3
    routes = skills.offer_by_route.set_index(["region_slug", "tlevel_route"])
    assert routes.loc[("kent", "Construction"), "t_levels"] == 1


def test_no_sector_recorded_is_no_data_not_none(small):
    """With no course naming a sector, the course part is NaN and the shares are lower bounds;
    with no standards either, every share is NaN."""
    bare = small.offers.assign(subject="", tlevel_route="")
    skills = compute_from_inputs(dataclasses.replace(small, offers=bare), KM_PARAMS).skills
    reach = skills.region_reach
    assert skills.no_data_courses and reach["course_share"].isna().all()
    assert reach["lower_bound"].all() and reach["apprenticeship_share"].notna().all()
    empty = dataclasses.replace(small, offers=bare, provider_standards=None)
    reach = compute_from_inputs(empty, KM_PARAMS).skills.region_reach
    assert reach["any_share"].isna().all() and not reach["no_provision"].any()


def _reference_sector(offer, sector):
    """Whether an offer is in a sector, from the documented rule read independently: the
    subject names a tier-2 area (or its tier 1) or a tier-1 area; else the route's tier-1 area;
    and in any case a route among the sector's routes."""
    subject, route = offer["subject"], offer["tlevel_route"]
    if subject in SSA_TIER2:
        areas = {subject, SSA_TIER2[subject]}
    elif subject:
        areas = {subject}
    elif route:
        areas = {ROUTE_SSA[route]}
    else:
        areas = set()
    return bool(areas & set(sector["areas"])) or route in sector["routes"]


def _reference(inputs, params):
    """{(region, sector): any_share} by brute force."""
    minutes = reference.all_minutes(inputs, params)
    offers = reference.counted_offers(inputs, params, YEAR)
    std, places = inputs.provider_standards, inputs.apprenticeship_delivery
    out = {}
    for sector in inputs.priority_sectors.to_dict("records"):
        reached = {}
        for area in inputs.areas.to_dict("records"):
            course = any(_reference_sector(o, sector) and minutes[(area["area_code"],
                                                                   o["site_id"])]
                         <= params.minutes for o in offers)
            providers = set(places[(places["district_code"] == area["district_code"])
                                   & (places["starts"] > 0) & places["under_19"]][
                "provider_ukprn"])
            mine = std[std["provider_ukprn"].isin(providers) & (std["starts"] > 0)]
            appr = bool((mine["ssa_tier1"].isin(sector["areas"])
                         | mine["ssa_tier2"].isin(sector["areas"])).any())
            reached[area["area_code"]] = course or appr
        for region in [*inputs.regions["region_slug"], "kent"]:
            rows = [a for a in inputs.areas.to_dict("records")
                    if (a["in_kent"] if region == "kent" else a["region_slug"] == region)]
            total = sum(a["cohort_16_17"] for a in rows)
            out[(region, sector["name"])] = sum(
                a["cohort_16_17"] for a in rows if reached[a["area_code"]]) / total
    return out


@pytest.mark.parametrize("seed", range(6))
def test_priority_reach_matches_the_brute_force_reference(seed):
    """On random areas, sites, courses and standards the shares equal the reference's."""
    rng = random.Random(seed)
    regions = ["north", "south", "east"]
    area_rows = [(f"A{i}", rng.uniform(0, 60), rng.uniform(0, 60), rng.randint(1, 500),
                  rng.choice(regions)) for i in range(25)]
    site_rows = [(s, rng.randint(1, 6), rng.uniform(0, 60), rng.uniform(0, 60),
                  rng.choice(["fe_college", "school_sixth_form", "special_school"]))
                 for s in range(1, 11)]
    subjects = ["", "", "Health and Social Care", "Agriculture", CONSTRUCTION, "Maths",
                "Building and Construction"]
    offer_rows = []
    for _ in range(30):
        if rng.random() < 0.5:
            row = {"qualification_type": "t_level", "tlevel_route": rng.choice(list(ROUTE_SSA))}
        else:
            row = {"qualification_type": "applied_general", "subject": rng.choice(subjects)}
        row.update(site_id=rng.randint(1, 10), withdrawn=rng.random() < 0.1)
        offer_rows.append(row)
    data = builders.inputs(area_rows, site_rows, offer_rows)
    districts = ["E07000105", "E07000106", "E07000107"]
    data = dataclasses.replace(
        data, areas=data.areas.assign(district_code=[rng.choice(districts) for _ in area_rows]),
        priority_sectors=SECTORS,
        provider_standards=standards([
            (f"1000000{rng.randint(0, 4)}", f"std{i}", *rng.choice([
                (CONSTRUCTION, "Building and Construction"),
                ("Health, Public Services and Care", "Health and Social Care"),
                ("Agriculture, Horticulture and Animal Care", "Agriculture"),
                ("Business, Administration and Law", "Administration")]),
             rng.choice([0, 1, 9])) for i in range(8)]),
        apprenticeship_delivery=delivery([(f"1000000{rng.randint(0, 4)}",
                                           rng.choice(districts), rng.choice([0, 2]))
                                          for _ in range(6)]).assign(
            under_19=[rng.random() < 0.8 for _ in range(6)]),
    )
    params = dataclasses.replace(KM_PARAMS, minutes=rng.choice([10, 20, 30]))
    got = compute_from_inputs(data, params).skills.region_reach.set_index(
        ["region_slug", "sector"])["any_share"]
    expected = _reference(data, params)
    assert len(got) == len(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key


def test_district_standards_are_the_national_standards_of_providers_starting_there():
    """A district gets every standard of each provider with starts there that year, and none
    from a provider whose only starts there were in another year."""
    std = standards([("1", "a", CONSTRUCTION, "Building and Construction", 4),
                     ("2", "b", CONSTRUCTION, "Building and Construction", 4)])
    places = delivery([("1", D1, 2)])
    places = pd.concat([places, delivery([("2", D1, 5)]).assign(academic_year="1999/00")])
    got = district_standards(std, places, YEAR)
    assert list(got["provider_ukprn"]) == ["1"]
    assert np.array_equal(got["district_starts"], [2])


def test_derived_starts_share_district_starts_by_the_national_mix_and_skip_adult_only():
    """A provider's 10 district starts are shared 3:1 by its national starts on two standards;
    a provider whose South East starts had no under-19s gives the district nothing."""
    std = standards([("1", "a", CONSTRUCTION, "Building and Construction", 30),
                     ("1", "b", CONSTRUCTION, "Building and Construction", 10),
                     ("2", "c", CONSTRUCTION, "Building and Construction", 10)])
    places = delivery([("1", D1, 10), ("2", D1, 7)]).assign(under_19=[True, False])
    got = district_standards(std, places, YEAR).set_index("name")
    assert set(got.index) == {"a", "b"}
    assert got.loc["a", "derived_starts"] == pytest.approx(7.5)
    assert got.loc["b", "derived_starts"] == pytest.approx(2.5)
