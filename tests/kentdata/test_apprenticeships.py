"""Apprenticeship starts: the extract and the loaded records against the raw dashboard files
(independent pandas sums), the published rounding, and the district supply the guarantee reads."""

from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings

from kentdata.fixture.apprenticeships import STARTS_FILE
from kentdata.sources import apprenticeships
from kentdata.sources.boundaries import KENT_DISTRICT_CODES
from providers.apprenticeships import district_supply, published_count

RAW = Path(settings.BASE_DIR).parent / "shared" / "data"
DISTRICT_FILE = RAW / apprenticeships.DISTRICT_STARTS_FILE
LEVEL_FILE = RAW / apprenticeships.LEVEL_AGE_FILE
YEARS = {"2021/22": "2021/22", "2022/23": "2022/23", "2023/24": "2023/24",
         "2024/25": "2024/25", "2025/26 (Aug to Apr)": "2025/26"}


@pytest.fixture(scope="module")
def raw():
    frame = pd.read_csv(DISTRICT_FILE, dtype=str, keep_default_na=False)
    frame["starts"] = frame["starts"].astype(int)
    frame["academic_year"] = frame["year"].map(YEARS)
    return frame


@pytest.fixture(scope="module")
def extract():
    return pd.read_csv(Path(settings.FIXTURES_DIR) / STARTS_FILE, dtype=str,
                       keep_default_na=False).astype({"starts": int})


def test_delivery_starts_per_district_and_year_equal_the_raw_sums(raw, extract):
    """Starts delivered in each Kent and Medway district and year add up to the raw file's sums."""
    expected = (raw[raw["delivery_lad_code"] != ""]
                .groupby(["delivery_lad_code", "academic_year"])["starts"].sum())
    got = (extract[extract["basis"] == "delivery_district"]
           .groupby(["district_code", "academic_year"])["starts"].sum())
    assert len(expected) == 13 * 5
    pd.testing.assert_series_equal(got, expected, check_names=False)


def test_learner_home_starts_per_district_and_year_equal_the_raw_sums(raw, extract):
    """Starts by learner-home district and year equal the raw file's sums."""
    expected = (raw[raw["learner_home_lad_code"] != ""]
                .groupby(["learner_home_lad_code", "academic_year"])["starts"].sum())
    got = (extract[extract["basis"] == "learner_home_district"]
           .set_index(["district_code", "academic_year"])["starts"])
    pd.testing.assert_series_equal(got.sort_index(), expected, check_names=False)


def test_each_provider_keeps_its_own_starts_in_each_district(raw, extract):
    """Per provider (UKPRN or, without one, published name), district and year the extract's
    starts equal the raw sums, and no zero-start row is kept."""
    delivered = raw[raw["delivery_lad_code"] != ""].copy()
    delivered["key"] = delivered["ukprn"].where(delivered["ukprn"] != "", delivered["provider"])
    expected = delivered.groupby(["key", "delivery_lad_code", "academic_year"])["starts"].sum()
    expected = expected[expected > 0]
    rows = extract[extract["basis"] == "delivery_district"].copy()
    rows["key"] = rows["provider_ukprn"].where(rows["provider_ukprn"] != "", rows["provider_name"])
    got = rows.groupby(["key", "district_code", "academic_year"])["starts"].sum()
    assert (rows["starts"] > 0).all()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_level_and_age_rows_are_the_south_east_cells_of_kent_providers(extract):
    """Level × age rows equal the raw South East cells, for providers with Kent/Medway starts."""
    level = pd.read_csv(LEVEL_FILE, dtype=str, keep_default_na=False)
    level["starts"] = level["starts"].astype(int)
    active = set(extract.loc[(extract["basis"] == "delivery_district")
                             & (extract["provider_ukprn"] != ""), "provider_ukprn"])
    level = level[level["ukprn"].isin(active) & (level["starts"] > 0)]
    rows = extract[extract["basis"] == "south_east_delivery"]
    assert len(rows) == len(level)
    assert rows["starts"].sum() == level["starts"].sum()
    under_19_l2 = level[(level["apps_Level"] == "Intermediate Apprenticeship")
                        & (level["age_group"] == "Under 19")]["starts"].sum()
    assert rows[(rows["level"] == "2") & (rows["age_group"] == "under_19")]["starts"].sum() == (
        under_19_l2
    )


def test_itps_are_private_sector_providers_with_starts_in_a_kent_district(raw):
    """The ITP providers are exactly the 'Private Sector Public Funded' UKPRNs with Kent starts."""
    types = pd.read_csv(RAW / apprenticeships.APPRENTICESHIP_PROVIDERS_FILE, dtype=str,
                        keep_default_na=False)
    private = set(types.loc[types["provider_type"] == apprenticeships.ITP_TYPE, "ukprn"]) - {""}
    kent = raw[raw["delivery_lad_code"].isin(KENT_DISTRICT_CODES) & (raw["ukprn"] != "")]
    with_starts = kent.groupby("ukprn")["starts"].sum()
    expected = set(with_starts[with_starts > 0].index) & private
    _starts, table = apprenticeships.build_apprenticeships(RAW, set(KENT_DISTRICT_CODES))
    rows = apprenticeships.itp_provider_rows(table)
    assert {r["ukprn"] for r in rows} == expected
    assert all(r["kind"] == "itp" and r["urn"] == "" for r in rows)
    assert len(rows) == 508


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "low"), (4, "low"), (5, "10"), (14, "10"), (15, "20"), (1234, "1,230"),
     (None, "Not known")],
)
def test_counts_are_shown_rounded_as_the_dashboard_publishes_them(count, shown):
    """Nearest 10 with halves up, 1–4 as 'low', zero as 0."""
    assert published_count(count) == shown


def test_district_supply_counts_providers_and_shares_starts_by_the_level_mix():
    """A provider counts at a level where its South East starts include that level; its district
    starts are shared by that mix; a provider without a UKPRN counts by name, with no level."""
    rows = pd.DataFrame(
        [
            ("10000001", "", "2023/24", False, "delivery_district", "E07000105", "", "", 30),
            ("10000002", "", "2023/24", False, "delivery_district", "E07000105", "", "", 10),
            ("", "NO UKPRN LTD", "2023/24", False, "delivery_district", "E07000105", "", "", 5),
            ("10000001", "", "2023/24", False, "south_east_delivery", "", "2", "under_19", 50),
            ("10000001", "", "2023/24", False, "south_east_delivery", "", "3", "25_plus", 150),
            ("10000002", "", "2023/24", False, "south_east_delivery", "", "3", "19_24", 40),
        ],
        columns=["provider_ukprn", "provider_name", "academic_year", "provisional", "basis",
                 "district_code", "level", "age_group", "starts"],
    )
    supply = district_supply(rows).iloc[0]
    assert (supply["providers"], supply["starts"]) == (3, 45)
    assert (supply["providers_l2"], supply["providers_l3"]) == (1, 2)
    assert supply["starts_l2_derived"] == pytest.approx(30 * 50 / 200)
    assert supply["starts_l3_derived"] == pytest.approx(30 * 150 / 200 + 10)
    assert supply["providers_under_19"] == 1


@pytest.mark.django_db
def test_loaded_starts_give_the_raw_district_totals_through_the_queryset(raw):
    """After load_kent, district supply from the database equals the raw sums for 2023/24."""
    from kentdata.load import load_kent
    from providers.apprenticeships import district_supply_in_year
    from providers.models import ApprenticeshipStarts, Provider

    load_kent(settings.FIXTURES_DIR)
    supply = district_supply_in_year("2023/24").set_index("district_code")
    expected = (raw[(raw["delivery_lad_code"] != "") & (raw["academic_year"] == "2023/24")]
                .groupby("delivery_lad_code")["starts"].sum())
    pd.testing.assert_series_equal(supply["starts"], expected, check_names=False)
    assert ApprenticeshipStarts.objects.provisional().exclude(academic_year="2025/26").count() == 0
    ekc = Provider.objects.get(ukprn=10006570)
    assert ekc.apprenticeship_starts.filter(basis="delivery_district").exists()
