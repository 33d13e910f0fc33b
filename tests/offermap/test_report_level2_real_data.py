"""The Level 2 and SEMH reports on the committed Kent extract, checked against the raw public
files: the published performance-table offers at Level 2 in 2022/23 and 2023/24 are the
institutions × Level 2 families with students in the raw DfE 16–18 tables for Kent (LA 886), and
the alternative provision sites in Kent's LCPAs are GIAS's open AP establishments in Kent."""

from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import transaction

from coldspots.params import AnalysisParams
from coldspots.results import compute, load_inputs
from offermap import remit_common, report_level2, report_semh

SHARED = Path("/work/shared/data")
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "source"
RAW = SHARED if (SHARED / "dfe-performance-tables").is_dir() else BUNDLED
FILES = {
    "2022/23": "dfe-performance-tables/ks5final_2022-23_kent_medway_all_columns.csv",
    "2023/24": "dfe-performance-tables/ks5final_2023-24_kent_medway_all_columns.csv",
}
LEVEL_2_COLUMNS = ["TALLPUP_TechCert", "TALLPUP_ANYL2VOC"]
GIAS = "gias-2025-05/gias_open_20250524_kent_medway.csv"
AP_TYPES = {"Pupil referral unit", "Academy alternative provision converter",
            "Academy alternative provision sponsor led", "Free schools alternative provision"}


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    """The committed extract loaded once (rolled back at the end) and the Kent-wide Level 2
    report for 2023/24 at 60 minutes."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_kent", stdout=StringIO())
            results = compute(AnalysisParams(year="2023/24", minutes=60))
            inputs = load_inputs()
            yield {module: {s.key: s for s in module.sections(results, inputs, None)}
                   for module in (report_level2, report_semh)}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def raw_level_2_offers(year: str) -> int:
    """Kent institutions × Level 2 families with students (a count above 0, or SUPP)."""
    frame = pd.read_csv(RAW / FILES[year], dtype=str, usecols=["RECTYPE", "LEA", "URN",
                                                                *LEVEL_2_COLUMNS])
    frame = frame[(frame["RECTYPE"] == "1") & (frame["LEA"] == "886")]
    total = 0
    for column in LEVEL_2_COLUMNS:
        text = frame[column].fillna("").str.strip()
        total += int(((pd.to_numeric(text, errors="coerce") > 0) | (text == "SUPP")).sum())
    return total


def test_published_level_2_offers_match_the_raw_performance_tables(report):
    """The report's published performance-table offers at Level 2, in Kent, in both years, are
    the raw files' count; the derived campus records are in rows of their own."""
    table = report[report_level2]["change"].table("level2-change-sources")
    published = [r for r in table.rows if r["source"] == "DfE 16–18 performance tables"
                 and r["record_label"] == "Published" and r["level"] == "Level 2"]
    assert len(published) == 1
    assert published[0]["offers_from"] == raw_level_2_offers("2022/23")
    assert published[0]["offers_to"] == raw_level_2_offers("2023/24")
    assert any(r["record_label"] == "Derived" for r in table.rows)


def test_alternative_provision_sites_are_the_registers_ap_in_kent(report):
    """Kent's AP sites in the SEMH report are GIAS's open pupil referral units and AP academies
    in Kent (LA 886), by name."""
    gias = pd.read_csv(RAW / GIAS, dtype=str, encoding_errors="replace")
    raw = gias[gias["establishment_type"].isin(AP_TYPES) & (gias["la_code"] == "886")]
    semh = report[report_semh]
    kent = [r for r in semh["ap-reach"].table("semh-ap-reach").rows if r["lcpa"] == "Kent"]
    assert kent[0]["ap_sites"] == len(raw)
    listed = {r["provider"] for r in semh["ap-sites"].table("semh-ap-sites").rows
              if r["lcpa"] != remit_common.OUTSIDE}
    assert listed == set(raw["establishment_name"])
