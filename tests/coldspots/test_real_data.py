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

from coldspots.params import AnalysisParams
from coldspots.results import compute

SHARED = Path("/work/shared/data")
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "source"
RAW = SHARED if (SHARED / "dfe-performance-tables").is_dir() else BUNDLED
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
