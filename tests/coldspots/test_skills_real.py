"""The skills measures on the committed Kent extract, checked against the raw DfE apprenticeship
files with plain pandas: which districts get each priority sector's standards, and the derived
starts per sector, for 2023/24 at 60 minutes."""

from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from coldspots.models import PrioritySector
from coldspots.params import AnalysisParams
from coldspots.results import compute

RAW = Path(settings.BASE_DIR).parent / "shared" / "data" / "apprenticeships"
DELIVERY = RAW / "apps_provider_home_x_delivery_lad_kent_medway_2021-22_to_2025-26.csv"
LEVEL_AGE = RAW / "apps_level_age_southeast_delivery_for_km_providers_2021-22_to_2025-26.csv"
STANDARDS = RAW / "apps_standards_by_provider_national_for_km_providers_2021-22_to_2025-26.csv"
YEAR = "2023/24"


@pytest.fixture(scope="module")
def kent(django_db_setup, django_db_blocker):
    """The committed extract loaded once (rolled back at the end): the results and sectors."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_kent", stdout=StringIO())
            sectors = {s.name: set(s.area_list()) for s in PrioritySector.objects.all()}
            yield compute(AnalysisParams(year=YEAR, minutes=60)), sectors
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def raw_district_sectors():
    """Per Kent/Medway delivery district: for each qualifying provider (starts there in 2023/24,
    under-19 South East starts that year) its national Level 2–3 starts per (tier 1, tier 2)."""
    delivery = pd.read_csv(DELIVERY, dtype=str, keep_default_na=False)
    delivery = delivery[(delivery["year"] == YEAR) & (delivery["delivery_lad_code"] != "")
                        & (delivery["ukprn"] != "")]
    delivery["starts"] = delivery["starts"].astype(int)
    places = delivery.groupby(["delivery_lad_code", "ukprn"], as_index=False)["starts"].sum()
    places = places[places["starts"] > 0]
    ages = pd.read_csv(LEVEL_AGE, dtype=str, keep_default_na=False)
    young = set(ages[(ages["year"] == YEAR) & (ages["age_group"] == "Under 19")
                     & (ages["starts"].astype(int) > 0)]["ukprn"])
    places = places[places["ukprn"].isin(young)]
    std = pd.read_csv(STANDARDS, dtype=str, keep_default_na=False)
    std = std[(std["year"] == YEAR) & std["apps_Level"].isin(
        ["Intermediate Apprenticeship", "Advanced Apprenticeship"])]
    std["Starts"] = std["Starts"].astype(int)
    std = std[std["Starts"] > 0]
    return places.merge(std[["ukprn", "ssa_t1_desc", "ssa_t2_desc", "Starts"]], on="ukprn")


def _expected(raw, areas, districts):
    """(districts reached, derived starts) for a sector's areas over some districts."""
    here = raw[raw["delivery_lad_code"].isin(districts)].copy()
    total = here.groupby(["delivery_lad_code", "ukprn"])["Starts"].transform("sum")
    here["derived"] = here["starts"] * here["Starts"] / total
    mine = here[here["ssa_t1_desc"].isin(areas) | here["ssa_t2_desc"].isin(areas)]
    return set(mine["delivery_lad_code"]), float(mine["derived"].sum())


@pytest.mark.django_db
def test_kent_priority_sector_reach_and_derived_starts_match_the_raw_files(
        kent, raw_district_sectors):
    """For each seeded LSIP sector, Kent's share within reach and derived starts, and those of
    Folkestone and Hythe (one whole district), equal a plain-pandas reading of the raw files."""
    results, sectors = kent
    skills = results.skills
    assert skills.year == YEAR and skills.no_data_courses and not skills.no_data_standards
    reach = skills.region_reach.set_index(["region_slug", "sector"])
    areas = results.areas[results.areas["in_kent"]]
    kent_districts = set(areas["district_code"])
    assert len(sectors) >= 5
    for name, sector_areas in sectors.items():
        reached, starts = _expected(raw_district_sectors, sector_areas, kent_districts)
        cohort = areas["cohort_16_17"].fillna(0)
        share = cohort[areas["district_code"].isin(reached)].sum() / cohort.sum()
        assert reach.loc[("kent", name), "any_share"] == pytest.approx(share)
        assert reach.loc[("kent", name), "derived_starts"] == pytest.approx(starts)
        assert reach.loc[("kent", name), "lower_bound"]  # no course names a sector in 2023/24
        _, folkestone = _expected(raw_district_sectors, sector_areas, {"E07000112"})
        assert reach.loc[("folkestone-and-hythe", name), "derived_starts"] == pytest.approx(
            folkestone)
