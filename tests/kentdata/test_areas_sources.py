"""Geography, cohort and postcode importers, run on slices of the real public files."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from areas.importers.validation import FrameCheck, ImportFileError, read_csv_checked
from kentdata.sources.boundaries import (
    KENT_DISTRICT_CODES,
    LCPA_CODES,
    MEDWAY_DISTRICT_CODE,
    build_geography,
)
from kentdata.sources.cohorts import (
    build_cohorts,
    census_under16_by_lsoa11,
    read_ehcp_by_age,
    read_nccis,
    share_out,
)
from kentdata.sources.postcodes import build_postcodes

SOURCE = Path(__file__).resolve().parents[1] / "data" / "source"
LA_OF_DISTRICT = dict.fromkeys(KENT_DISTRICT_CODES, "886") | {MEDWAY_DISTRICT_CODE: "887"}


@pytest.fixture(scope="module")
def geography():
    return build_geography(SOURCE)


def copy_source(tmp_path: Path) -> Path:
    target = tmp_path / "source"
    shutil.copytree(SOURCE, target)
    return target


def test_missing_column_stops_the_build_naming_file_line_and_column(tmp_path):
    """A public file without a required column is rejected by name, line 1 and column."""
    source = copy_source(tmp_path)
    path = source / "lsoa11_centroids_kent_medway.csv"
    frame = pd.read_csv(path, dtype=str).drop(columns=["latitude"])
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        build_geography(source)
    assert "lsoa11_centroids_kent_medway.csv, line 1, field 'latitude': missing column" in str(
        error.value
    )


def test_every_bad_row_is_listed_with_its_line_and_field(tmp_path):
    """Malformed code, a point outside Kent and a duplicate key are each reported, by line."""
    source = copy_source(tmp_path)
    path = source / "lsoa11_centroids_kent_medway.csv"
    frame = pd.read_csv(path, dtype=str)
    frame.loc[0, "lsoa11cd"] = "E0X"
    frame.loc[1, "latitude"] = "53.5"  # Sheffield
    frame.loc[3, "lsoa11cd"] = frame.loc[2, "lsoa11cd"]
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        build_geography(source)
    problems = {(p.line, p.field) for p in error.value.problems}
    assert problems == {(2, "lsoa11cd"), (3, "latitude"), (5, "lsoa11cd")}
    text = str(error.value)
    assert "malformed value 'E0X'" in text
    assert "outside Kent and its neighbours" in text
    assert "duplicate key" in text


def test_frame_check_collects_problems_instead_of_stopping_at_the_first(tmp_path):
    """All rows are checked before the import fails, so one run shows every fix needed."""
    path = tmp_path / "x.csv"
    path.write_text("code,easting,northing\nE01000001,600000,150000\nbad,1,2\n,600000,x\n")
    _frame, check = read_csv_checked(path, ["code", "easting", "northing"])
    assert isinstance(check, FrameCheck)
    check.matches("code", r"^E01\d{6}$", what="an LSOA code")
    check.easting_northing()
    lines = sorted((p.line, p.field) for p in check.problems)
    assert lines == [
        (3, "code"), (3, "easting"), (3, "northing"), (4, "code"), (4, "northing")
    ]


def test_every_kent_lsoa_gets_one_lcpa_and_medway_none(geography):
    """Kent LSOAs all carry one of the 8 LCPA codes; Medway's carry none."""
    areas = geography.areas
    kent = areas[areas["district_code"].isin(KENT_DISTRICT_CODES)]
    medway = areas[areas["district_code"] == MEDWAY_DISTRICT_CODE]
    assert len(kent) and len(medway)
    assert kent["region_code"].isin(LCPA_CODES.values()).all()
    assert (medway["region_code"] == "").all()
    assert areas["code"].is_unique


@pytest.mark.parametrize(
    ("lsoa", "ward", "lcpa"),
    [
        ("E01024551", "E05005056", "Canterbury, Faversham and Thanet"),  # Swale 015A, Abbey
        ("E01024612", "E05005074", "Sittingbourne and Sheppey"),  # Swale 001D, Sheerness East
        ("E01024413", "E05005008", "North Kent"),  # Sevenoaks 016A, Ash and New Ash Green
        ("E01024422", "E05005012", "West Kent"),  # Sevenoaks 008A, Dunton Green
        ("E01024766", "E05005122", "West Kent"),  # Tonbridge and Malling 012D, Medway ward
        ("E01024717", "E05005104", "Maidstone and Malling"),  # T&M 005A, Aylesford
    ],
)
def test_split_districts_assign_an_lsoa_by_the_ward_holding_its_centroid(
    geography, lsoa, ward, lcpa
):
    """In Swale, Tonbridge and Malling and Sevenoaks the 2013 ward decides the LCPA."""
    row = geography.areas.set_index("code").loc[lsoa]
    assert row["ward_code"] == ward
    assert row["region_code"] == LCPA_CODES[lcpa]


def test_lcpa_outline_is_recorded_as_provisional_with_its_vintage(geography):
    """Each LCPA feature says it is provisional and what its boundary is built from."""
    assert len(geography.regions) == 8
    for feature in geography.regions:
        assert feature["properties"]["provisional"] is True
        assert "LSOA 2011" in feature["properties"]["boundary_vintage"]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_boundaries_are_rounded_to_five_decimals(geography):
    """Coordinates in the extract carry at most 5 decimals (about a metre)."""
    ring = geography.area_boundaries[0]["geometry"]["coordinates"][0]
    for lon, lat in ring:
        assert round(lon, 5) == lon and round(lat, 5) == lat


def test_nccis_calendar_year_becomes_the_academic_year_it_averages():
    """NCCIS 2023 (Dec 2022–Feb 2023 average) is stored as 2022/23: Kent cohort 34,192."""
    frame = read_nccis(SOURCE)
    kent = frame[(frame["la_code"] == "886") & (frame["academic_year"] == "2022/23")]
    values = dict(zip(kent["measure"], kent["value"], strict=True))
    assert values["population_16_17"] == 34192
    assert values["neet_share"] == 3.3
    assert values["not_known_share"] == 2.5
    assert values["ehcp_share"] == 5.5
    assert not kent["is_estimate"].any()


def test_ehcp_plans_by_age_and_their_published_sum():
    """Kent 2024/25: 1,397 plans at 16 and 1,295 at 17; the 16–17 total is their sum."""
    frame = read_ehcp_by_age(SOURCE)
    kent = frame[(frame["la_code"] == "886") & (frame["academic_year"] == "2024/25")]
    values = dict(zip(kent["measure"], kent["value"], strict=True))
    assert values["ehcp_age_16"] == 1397
    assert values["ehcp_age_17"] == 1295
    assert values["ehcp_16_17"] == 1397 + 1295


def test_share_out_adds_up_exactly_and_follows_the_weights():
    """Largest-remainder rounding keeps the parts summing to the total, in proportion."""
    weights = pd.Series([1.0, 1.0, 1.0, 3.0])
    parts = share_out(100.0, weights)
    assert parts.sum() == pytest.approx(100.0, abs=1e-9)
    assert parts.iloc[3] == pytest.approx(50.0)
    assert sorted(parts.iloc[:3]) == [16.66, 16.67, 16.67]


def test_census_counts_match_unchanged_lsoas_and_pool_changed_ones(geography):
    """Unchanged codes take their own count; changed 2011 LSOAs share their MSOA's pool."""
    areas = geography.areas[["code", "name"]]
    weights = census_under16_by_lsoa11(SOURCE, areas)
    census = pd.read_csv(SOURCE / "census2021_lsoa21_age6_kent_medway.csv", dtype=str)
    census = census[census["age_group"] == "Aged 15 years and under"]
    by_code = census.set_index("lsoa21_code")["usual_residents"].astype(float)
    unchanged = areas["code"].isin(by_code.index)
    for code, weight in zip(areas.loc[unchanged, "code"], weights[unchanged], strict=True):
        assert weight == by_code[code]
    assert (~unchanged).any(), "the slice should hold a changed LSOA"
    # The changed LSOAs of one MSOA share its pool equally, and the pool is conserved.
    changed = areas[~unchanged].assign(weight=weights[~unchanged])
    changed["stem"] = changed["name"].str[:-1]
    census_changed = census[~census["lsoa21_code"].isin(areas["code"])].copy()
    census_changed["stem"] = census_changed["lsoa21_name"].str[:-1].str.replace(
        "Folkestone and Hythe", "Shepway"
    )
    for stem, group in changed.groupby("stem"):
        pool = census_changed.loc[census_changed["stem"] == stem, "usual_residents"].astype(
            float
        ).sum()
        assert group["weight"].sum() == pytest.approx(pool)
        assert group["weight"].nunique() == 1


def test_small_area_estimates_sum_to_the_la_total_and_are_labelled(geography):
    """Kent's LSOA estimates add up to the published 34,192 and say they are estimates."""
    cohorts = build_cohorts(SOURCE, geography.areas, LA_OF_DISTRICT)
    kent_codes = set(
        geography.areas.loc[geography.areas["district_code"].isin(KENT_DISTRICT_CODES), "code"]
    )
    estimates = cohorts[
        (cohorts["geography"] == "area") & (cohorts["measure"] == "population_16_17")
    ]
    kent = estimates[estimates["area_code"].isin(kent_codes)]
    assert len(kent) == len(kent_codes)
    assert kent["value"].sum() == pytest.approx(34192, abs=1e-6)
    assert kent["is_estimate"].all()
    assert kent["method"].str.contains("Census 2021").all()
    ehcp = cohorts[(cohorts["geography"] == "area") & (cohorts["measure"] == "ehcp_16_17")]
    assert ehcp[ehcp["area_code"].isin(kent_codes)]["value"].sum() == pytest.approx(2692)


def test_postcodes_leave_out_unplaced_ones_and_carry_their_lsoa(tmp_path):
    """Code-Point's unplaced postcodes (quality 90, grid 0,0) are dropped, not errors; the ONS
    lookup gives each placed postcode its LSOA."""
    source = copy_source(tmp_path)
    path = source / "postcodes/kent_medway_codepoint_open_2025-05.csv"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("CT1 9ZZ,90,0,0,E92000001,E19000002,E18000008,,E07000106,E05004966\n")
    frame = build_postcodes(source, LA_OF_DISTRICT)
    assert "CT1 9ZZ" not in set(frame["postcode"])
    lookup = pd.read_csv(
        SOURCE / "postcodes/kent_medway_pcd_oa11_lsoa11_msoa11_lad_may22.csv", dtype=str
    )
    expected = dict(zip(lookup["pcds"], lookup["lsoa11cd"], strict=True))
    row = frame.set_index("postcode").loc["CT1 3AJ"]
    assert row["lsoa11"] == expected["CT1 3AJ"]
    assert list(frame.columns) == ["postcode", "easting", "northing", "lsoa11", "district"]


def test_postcode_outside_kent_and_neighbours_is_rejected(tmp_path):
    """A placed postcode with a grid reference in Scotland stops the import, naming its line."""
    source = copy_source(tmp_path)
    path = source / "postcodes/kent_medway_codepoint_open_2025-05.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("CT1 9ZY,10,325000,673000,E92000001,E19000002,E18000008,,E07000106,x\n")
    with pytest.raises(ImportFileError) as error:
        build_postcodes(source, LA_OF_DISTRICT)
    fields = {(p.line, p.field) for p in error.value.problems}
    assert fields == {(len(lines) + 1, "Eastings"), (len(lines) + 1, "Northings")}
