"""The choice rule on the committed Kent extract, checked against the raw public files.

The reference reads the DfE 16–18 performance tables (2016/17), GIAS and the LSOA centroids in
/work/shared/data (tests/data/source holds the same files for CI) with plain pandas, picks the
open-access institutions with students at each level, and ranks areas by the straight-line
distance to the nearest: the engine's minutes to the nearest open-access offer must rank areas
the same way (Spearman ≥ 0.98 per level).
"""

from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.db import transaction
from pyproj import Transformer
from scipy.spatial import cKDTree
from scipy.stats import spearmanr

from coldspots import guarantee
from coldspots.params import MODE_ASSUMPTIONS, AnalysisParams
from coldspots.results import compute

SHARED = Path("/work/shared/data")
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "source"
RAW = SHARED if (SHARED / "dfe-performance-tables").is_dir() else BUNDLED
# The cited public facts on college campuses (postcodes and years), a source file of the build.
CAMPUS_FACTS = Path(__file__).resolve().parents[2] / "kentdata/sources/college_campuses.csv"
# Level -> the performance-table columns that count its students (TALLPUP_*).
LEVEL_COLUMNS = {
    "3": ["TALLPUP_ALEV_1618", "TALLPUP_ACAD_1618", "TALLPUP_AGEN", "TALLPUP_TLEV"],
    "2": ["TALLPUP_L2VOC", "TALLPUP_TechCert"],
}


@pytest.fixture(scope="module")
def kent(django_db_setup, django_db_blocker):
    """The committed extract loaded once, rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_kent", stdout=StringIO())
            yield compute(AnalysisParams(year="2016/17"))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _has_students(column: pd.Series) -> pd.Series:
    """A count, or SUPP (suppressed: a few students); NE/NA/blank/0 mean none."""
    text = column.fillna("").astype(str).str.strip()
    number = pd.to_numeric(text, errors="coerce")
    return (number > 0) | (text == "SUPP")



def campus_places(facts: pd.DataFrame, year: str, postcodes: pd.DataFrame) -> list[tuple]:
    """Grid points of the cited campuses held in `year`: at their postcode (or a street
    neighbour's), or for a postcode sector at the mean of the sector's Code-Point postcodes."""
    held = facts[(facts["postcode"] != "") & (facts["first_year"] <= year)
                 & ((facts["last_year"] == "") | (facts["last_year"] >= year))]
    places = []
    for located_by, postcode in zip(held["located_by"], held["postcode"], strict=True):
        if located_by == "sector":
            in_sector = postcodes[postcodes.index.str.match(rf"^{postcode}[A-Z]{{2}}$")]
            places.append((in_sector["Eastings"].mean(), in_sector["Northings"].mean()))
        else:
            places.append((postcodes.at[postcode, "Eastings"], postcodes.at[postcode,
                                                                             "Northings"]))
    return places


def reference_nearest_metres(level: str) -> pd.Series:
    """Straight-line metres from each LSOA centroid to the nearest open-access institution with
    students at the level in 2016/17, from the raw files only: each institution placed where
    GIAS (May 2025) puts its URN, or, for one closed since, at the postcode the tables publish
    for it (OS Code-Point Open)."""
    tables = pd.read_csv(RAW / "dfe-performance-tables/kent_medway_england_ks5final_2016-17.csv",
                         dtype=str)
    tables = tables[tables["RECTYPE"] == "1"]
    present = np.zeros(len(tables), dtype=bool)
    for column in LEVEL_COLUMNS[level]:
        if column in tables:
            present |= _has_students(tables[column]).to_numpy()
    # Open access: not selective (ADMPOL SEL), not independent (NFTYPE IND).
    open_access = ((tables["ADMPOL"] != "SEL") & (tables["NFTYPE/FESITYPE"] != "IND")).to_numpy()
    chosen = tables[present & open_access]
    gias = pd.read_csv(RAW / "gias-2025-05/gias_open_20250524_kent_medway.csv",
                       index_col="urn").dropna(subset=["easting", "northing"])
    postcodes = pd.read_csv(RAW / "postcodes/kent_medway_codepoint_open_2025-05.csv",
                            index_col="Postcode")
    places = []
    for urn, postcode in zip(chosen["URN"].astype(int), chosen["PCODE"].str.strip().str.upper(),
                             strict=True):
        if urn in gias.index:
            places.append((gias.at[urn, "easting"], gias.at[urn, "northing"]))
        elif postcode in postcodes.index:
            places.append((postcodes.at[postcode, "Eastings"], postcodes.at[postcode,
                                                                            "Northings"]))
    # A college teaches at each of its campuses of the year too (the cited campus facts).
    facts = pd.read_csv(CAMPUS_FACTS, dtype=str, keep_default_na=False)
    facts = facts[facts["college_urn"].isin(set(chosen["URN"]))]
    places += campus_places(facts, "2016/17", postcodes)
    centroids = pd.read_csv(RAW / "lsoa11_centroids_kent_medway.csv")
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = to_grid.transform(centroids["longitude"].to_numpy(), centroids["latitude"].to_numpy())
    distance, _ = cKDTree(np.array(places, dtype=float)).query(np.column_stack([x, y]))
    return pd.Series(distance, index=centroids["lsoa11cd"].to_numpy())


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["2", "3"])
def test_minutes_to_the_nearest_offer_rank_areas_as_the_raw_files_do(kent, level):
    """2016/17: Spearman ≥ 0.98 between the engine's minutes to the nearest open-access offer
    and the straight-line distance computed from the raw files, over Kent's areas."""
    rows = kent.area_level[(kent.area_level["level"] == level) & kent.area_level["in_kent"]]
    engine = rows.set_index("area_code")["nearest_minutes"]
    reference = reference_nearest_metres(level).reindex(engine.index)
    assert reference.notna().mean() > 0.99  # the same areas
    rho = spearmanr(engine, reference, nan_policy="omit").statistic
    assert rho >= 0.98, rho


@pytest.mark.django_db
def test_level_2_is_thinner_than_level_3_on_the_same_rule(kent):
    """On one absolute rule the board's reading holds: more of the cohort has no or reduced
    choice at Level 2 than at Level 3 (the old relative rule said the opposite)."""
    region = kent.region_level.set_index(["region_slug", "level"])
    assert region.loc[("kent", "2"), "cold_share"] > region.loc[("kent", "3"), "cold_share"]
    assert not region.loc[("kent", "1"), "measured"] and not region.loc[("kent", "E"), "measured"]
    assert np.isnan(region.loc[("kent", "1"), "cold_share"])


@pytest.fixture(scope="module")
def kent_2023_24(kent):
    """The default year, 2023/24, on the same loaded extract (60 minutes by public transport)."""
    return compute(AnalysisParams(year="2023/24", minutes=60, mode="pt"))


def _estimated_minutes(distance_m: np.ndarray) -> np.ndarray:
    """Public transport as params assumes it (fixed + detour × distance ÷ speed), or walking
    when quicker."""
    pt, walk = MODE_ASSUMPTIONS["pt"], MODE_ASSUMPTIONS["walk"]
    by_pt = pt.fixed_minutes + distance_m * pt.detour_factor / (pt.speed_kmh * 1000 / 60)
    on_foot = walk.fixed_minutes + distance_m * walk.detour_factor / (walk.speed_kmh * 1000 / 60)
    return np.minimum(by_pt, on_foot)


def reference_pathway_met_2023_24(minutes: float = 60) -> pd.Series:
    """Per Kent LSOA, from the raw files only: is a college with Entry / Level 1 education and
    training in FE outcomes 2022/23 (the latest published) within `minutes`, at its GIAS address
    or at one of its campuses of 2023/24 (the cited campus facts, placed by Code-Point)?"""
    fe = pd.read_csv(
        RAW / "fe-outcomes"
        / "feo_learners_by_provider_level_age_km_providers_2018-19_to_2022-23.csv",
        dtype=str, keep_default_na=False)
    level_1 = fe[(fe["time_period"] == "2022/23") & (fe["provision"] == "Education & Training")
                 & (fe["level_of_learning_group"] == "Below Level 2 (excluding Essential Skills)")
                 & (fe["level_of_learning"] == "Total") & (fe["age_youth_adult"] == "Total")
                 & (fe["number_of_learners"] != "0")]
    facts = pd.read_csv(CAMPUS_FACTS, dtype=str, keep_default_na=False)
    facts = facts[facts["college_ukprn"].isin(set(level_1["provider_ukprn"]))]
    gias = pd.read_csv(RAW / "gias-2025-05/gias_open_20250524_kent_medway.csv", index_col="urn")
    postcodes = pd.read_csv(RAW / "postcodes/kent_medway_codepoint_open_2025-05.csv",
                            index_col="Postcode")
    places = [(gias.at[int(urn), "easting"], gias.at[int(urn), "northing"])
              for urn in sorted(set(facts["college_urn"]))]
    places += campus_places(facts, "2023/24", postcodes)
    centroids = pd.read_csv(RAW / "lsoa11_centroids_kent_medway.csv")
    centroids = centroids[centroids["lad_code"].str.startswith("E07")]  # Kent's districts
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = to_grid.transform(centroids["longitude"].to_numpy(), centroids["latitude"].to_numpy())
    distance, _ = cKDTree(np.array(places, dtype=float)).query(np.column_stack([x, y]))
    return pd.Series(_estimated_minutes(distance) <= minutes,
                     index=centroids["lsoa11cd"].to_numpy())


@pytest.mark.django_db
def test_2023_24_pathway_is_met_where_a_college_with_fe_outcomes_2022_23_is_in_reach(
        kent_2023_24):
    """2023/24: the Level 1 / Entry pathway is met in the Kent areas the raw-file reference puts
    within 60 minutes of a college with FE outcomes 2022/23 Entry / Level 1 leavers (≥ 99% of
    areas agree, the cohort share within 0.5 points), and its vintage names 2022/23."""
    areas = kent_2023_24.guarantee_areas
    areas = areas[areas["region_slug"].notna()].set_index("area_code")
    engine = areas["pathway_l1_entry"] == "met"
    reference = reference_pathway_met_2023_24().reindex(engine.index)
    assert reference.notna().all()
    assert (engine == reference.astype(bool)).mean() >= 0.99
    cohort = areas["cohort"]
    reference_share = float(cohort[reference.astype(bool)].sum() / cohort.sum())
    kent = kent_2023_24.guarantee_regions.set_index("region_slug").loc["kent"]
    assert 0.5 < reference_share < 1  # the colleges reach most, not all, of Kent
    assert abs(kent["pathway_l1_entry_share"] - reference_share) < 0.005
    sources = guarantee.component_sources(kent_2023_24.coverage)
    assert "DfE FE outcomes 2022/23" in sources["pathway_l1_entry"]
    assert not (areas["pathway_l1_entry"] == "not_met").any()  # FE outcomes: colleges only
