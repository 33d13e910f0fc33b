"""Apprenticeship standards per provider: the extract against the raw dashboard file (independent
pandas), bad rows named by file, line and field, and the load (all-or-nothing, idempotent)."""

import shutil
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from areas.importers.validation import ImportFileError
from kentdata.build import build_kent_fixtures
from kentdata.fixture.standards import (
    PROVIDER_STANDARDS_FILE,
    STANDARDS_FILE,
    read_fixture_standards,
)
from kentdata.load import load_kent
from kentdata.sources import apprenticeship_standards as source
from providers.models import ApprenticeshipStandard, Provider, ProviderStandard

RAW = Path(settings.BASE_DIR).parent / "shared" / "data"
SLICES = Path(__file__).resolve().parents[1] / "data" / "source"
FIXTURES = Path(settings.FIXTURES_DIR)
YEARS = {"2021/22": "2021/22", "2022/23": "2022/23", "2023/24": "2023/24",
         "2024/25": "2024/25", "2025/26 (Aug to Apr)": "2025/26"}


@pytest.fixture(scope="module")
def raw():
    frame = pd.read_csv(RAW / source.STANDARDS_FILE, dtype=str, keep_default_na=False)
    for column in ("Starts", "Enrolments", "Achievements"):
        frame[column] = frame[column].astype(int)
    frame["academic_year"] = frame["year"].map(YEARS)
    return frame


@pytest.fixture(scope="module")
def extract():
    standards = pd.read_csv(FIXTURES / STANDARDS_FILE, dtype=str, keep_default_na=False)
    links = pd.read_csv(FIXTURES / PROVIDER_STANDARDS_FILE, dtype=str, keep_default_na=False)
    links = links.astype({"starts": int, "enrolments": int, "achievements": int})
    return links.merge(standards, on="standard_key", how="left", validate="many_to_one")


def test_starts_per_provider_year_and_sector_equal_the_raw_sums(raw, extract):
    """Per provider, year, level and tier-1 sector, the extract's starts are the raw file's
    Level 2 and 3 starts of the providers with Kent or Medway delivery."""
    names = pd.read_csv(FIXTURES / "apprenticeship_providers.csv", dtype=str)
    kept = raw[raw["apps_Level"].isin(["Intermediate Apprenticeship", "Advanced Apprenticeship"])
               & raw["ukprn"].isin(set(names["ukprn"]))]
    kept = kept.assign(level=kept["apps_Level"].map({"Intermediate Apprenticeship": "2",
                                                     "Advanced Apprenticeship": "3"}))
    expected = kept.groupby(["ukprn", "academic_year", "level", "ssa_t1_desc"])["Starts"].sum()
    expected = expected[expected > 0]
    got = extract.groupby(["provider_ukprn", "academic_year", "level", "ssa_tier1"])[
        "starts"].sum()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert (extract["starts"] > 0).all()
    assert set(extract["level"]) == {"2", "3"}


def test_distinct_standards_of_a_provider_match_the_raw_file(raw, extract):
    """EKC Group's 2023/24 Level 2–3 standards with starts are the raw file's, name for name."""
    ekc = raw[(raw["ukprn"] == "10006570") & (raw["academic_year"] == "2023/24")
              & (raw["apps_Level"] != "Higher Apprenticeship") & (raw["Starts"] > 0)]
    got = extract[(extract["provider_ukprn"] == "10006570")
                  & (extract["academic_year"] == "2023/24")]
    assert sorted(set(got["name"])) == sorted(set(ekc["std_fwk_name"]))
    assert len(got) > 10


def test_the_committed_extract_is_what_the_build_makes():
    """Rebuilding from the raw file gives the committed files byte for byte."""
    names = pd.read_csv(FIXTURES / "apprenticeship_providers.csv", dtype=str)
    standards, links = source.build_standards(RAW, set(names["ukprn"]))
    assert standards.to_csv(index=False) == (FIXTURES / STANDARDS_FILE).read_text("utf-8")
    assert links.to_csv(index=False) == (FIXTURES / PROVIDER_STANDARDS_FILE).read_text("utf-8")


def _broken_slices(tmp_path, line: int, column: str, value: str) -> Path:
    folder = tmp_path / "source"
    (folder / "apprenticeships").mkdir(parents=True)
    path = folder / source.STANDARDS_FILE
    frame = pd.read_csv(SLICES / source.STANDARDS_FILE, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    frame.to_csv(path, index=False)
    return folder


@pytest.mark.parametrize(("column", "value", "message"), [
    ("ukprn", "1234", "expected an eight-digit UKPRN"),
    ("apps_Level", "Degree Apprenticeship", "is not one of"),
    ("ssa_t1_desc", "Underwater Basket Weaving", "is not one of"),
    ("ssa_t2_desc", "Engineering", "is not within the tier-1 area"),
    ("Starts", "-3", "expected a whole number"),
    ("year", "2023-24", "is not one of"),
    ("std_fwk_name", "", "value is missing"),
])
def test_a_bad_raw_row_is_named_by_file_line_and_field(tmp_path, column, value, message):
    """A bad row in the raw file stops the build with its file, line and field."""
    folder = _broken_slices(tmp_path, 5, column, value)
    if column == "ssa_t2_desc":  # a tier-2 area under the wrong tier 1
        frame = pd.read_csv(folder / source.STANDARDS_FILE, dtype=str, keep_default_na=False)
        frame.loc[3, "ssa_t1_desc"] = "Health, Public Services and Care"
        frame.to_csv(folder / source.STANDARDS_FILE, index=False)
    with pytest.raises(ImportFileError) as error:
        source.build_standards(folder)
    text = str(error.value)
    assert f"{Path(source.STANDARDS_FILE).name}, line 5, field {column!r}" in text
    assert message in text


def test_the_fixture_check_names_bad_rows(tmp_path):
    """A fixture row with an unknown standard or provider, or a bad count, is refused by line."""
    folder = tmp_path / "fixture"
    folder.mkdir()
    for name in (STANDARDS_FILE, PROVIDER_STANDARDS_FILE, "apprenticeship_providers.csv"):
        shutil.copyfile(FIXTURES / name, folder / name)
    links = pd.read_csv(folder / PROVIDER_STANDARDS_FILE, dtype=str, keep_default_na=False)
    links.loc[0, "standard_key"] = "ffffffffffff"
    links.loc[2, "provider_ukprn"] = "99999999"
    links.loc[3, "starts"] = "many"
    links.to_csv(folder / PROVIDER_STANDARDS_FILE, index=False)
    with pytest.raises(ImportFileError) as error:
        read_fixture_standards(folder)
    text = str(error.value)
    assert "provider_standards.csv, line 2, field 'standard_key'" in text
    assert "provider_standards.csv, line 4, field 'provider_ukprn'" in text
    assert "provider_standards.csv, line 5, field 'starts'" in text


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "built"
    build_kent_fixtures(SLICES, out, say=lambda _text: None)
    return out


@pytest.mark.django_db
def test_load_kent_loads_the_standards_and_again_changes_nothing(built):
    """load_kent creates one record per fixture row, linked to providers by UKPRN; a second load
    changes nothing."""
    links = pd.read_csv(built / PROVIDER_STANDARDS_FILE, dtype=str)
    standards = pd.read_csv(built / STANDARDS_FILE, dtype=str)
    assert len(links) > 50
    summary = load_kent(built)
    assert summary.counts["providers' apprenticeship standards"].created == len(links)
    assert ProviderStandard.objects.count() == len(links)
    assert ApprenticeshipStandard.objects.count() == len(standards)
    ekc = Provider.objects.get(ukprn=10006570)
    assert ProviderStandard.objects.filter(provider=ekc).count() == (
        links["provider_ukprn"] == "10006570").sum() > 0
    record = ProviderStandard.objects.filter(provider=ekc, academic_year="2023/24").first()
    assert "national" in record.source and record.history.count() == 1
    again = load_kent(built)
    assert again.counts["providers' apprenticeship standards"].created == 0
    assert again.counts["providers' apprenticeship standards"].updated == 0


@pytest.mark.django_db
def test_a_bad_standards_row_loads_nothing_at_all(built):
    """One bad row in provider_standards.csv stops load_kent with no record written anywhere."""
    links = pd.read_csv(built / PROVIDER_STANDARDS_FILE, dtype=str, keep_default_na=False)
    links.loc[4, "academic_year"] = "2099/00"
    links.to_csv(built / PROVIDER_STANDARDS_FILE, index=False)
    with pytest.raises(CommandError) as error:
        call_command("load_kent", fixtures=built, stdout=StringIO())
    assert "provider_standards.csv, line 6, field 'academic_year'" in str(error.value)
    assert Provider.objects.count() == 0
    assert ProviderStandard.objects.count() == ApprenticeshipStandard.objects.count() == 0
