"""The Level 3 report's narrow offers on the committed Kent extract, against the raw DfE 16–18
performance tables read here with plain pandas: the non-selective Kent school sixth forms with
fewer than two kinds of Level 3 qualification, and their Level 3 students."""

import dataclasses
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.db import transaction

from coldspots.results import compute
from offermap import report_level3
from offermap.forms import default_params
from offermap.reports import REMITS, build_report

SHARED = Path("/work/shared/data")
FAMILIES = SHARED / ("dfe-performance-tables/ks5_students_by_qualification_family_kent_medway"
                     "_2018-19_to_2023-24.csv")
TLEVELS = SHARED / "tlevel-providers-2024/tlevel_registered_providers_kent_medway_2024-08-23.csv"
YEAR = "2023/24"
# Institution types that are not school sixth forms (independent, FE college, UTC).
NOT_SCHOOLS = {"IND", "General Further Education College", "UTC"}

pytestmark = pytest.mark.skipif(not FAMILIES.exists(), reason="needs /work/shared/data")


@pytest.fixture(scope="module")
def results(django_db_setup, django_db_blocker):
    """The committed extract loaded once (rolled back at the end), analysed for 2023/24."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_kent", stdout=StringIO())
            yield compute(dataclasses.replace(default_params(), year=YEAR, minutes=60))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _has_students(column: pd.Series) -> pd.Series:
    text = column.fillna("").astype(str).str.strip()
    return (pd.to_numeric(text, errors="coerce") > 0) | (text == "SUPP")


def reference_narrow() -> dict[int, float]:
    """URN -> Level 3 students of each non-selective Kent school sixth form with fewer than two
    Level 3 families (A level, other academic, applied general, tech level, a T Level
    registration) in 2023/24, from the raw files only."""
    raw = pd.read_csv(FAMILIES, dtype=str)
    raw = raw[(raw["academic_year"] == YEAR) & (raw["LEA"] == "886") & (raw["ADMPOL"] != "SEL")
              & ~raw["NFTYPE_FESITYPE"].isin(NOT_SCHOOLS)]
    a_level = pd.to_numeric(raw["a_level"], errors="coerce").fillna(0)
    academic = pd.to_numeric(raw["academic_any"], errors="coerce").fillna(0)
    registered = set(pd.read_csv(TLEVELS, dtype=str)["urn_by_name"].dropna())
    kinds = (_has_students(raw["a_level"]).astype(int) + (academic > a_level).astype(int)
             + _has_students(raw["applied_general"]).astype(int)
             + _has_students(raw["tech_level"]).astype(int)
             + raw["URN"].isin(registered).astype(int))
    narrow = raw[kinds < report_level3.NARROW_FEWER_THAN]
    students = (pd.to_numeric(narrow["a_level"], errors="coerce").fillna(0)
                + pd.to_numeric(narrow["applied_general"], errors="coerce").fillna(0)
                + pd.to_numeric(narrow["tech_level"], errors="coerce").fillna(0))
    return dict(zip(narrow["URN"].astype(int), students, strict=True))


@pytest.mark.django_db
def test_narrow_offers_match_the_performance_tables(results):
    """The Kent report's narrow non-selective schools are the raw tables' (same URNs), each
    with the same Level 3 students."""
    tables = {t.key: t for s in build_report(REMITS["level-3"], results, None, None)
              for t in s.tables}
    rows = tables["narrow-offers"].rows
    expected = reference_narrow()
    assert expected, "the raw tables name no narrow school"
    assert {row["urn"] for row in rows} == set(expected)
    for row in rows:
        assert row["learners"] == expected[row["urn"]]
