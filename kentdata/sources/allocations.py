"""ESFA 16–19 funding allocations 2019/20: funded students (total and high needs) per institution.

The file names institutions by UKPRN and name only, under the LA of their registered address, so
each is matched to a provider by name within its LA (exactly, then by one name starting with the
other, e.g. "Aylesford School - Sports College" and "Aylesford School"); an institution matching
no provider, or more than one, is noted and left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from areas.importers.validation import LA_CODE_RE, raise_if_problems, read_csv_checked

ALLOCATIONS_FILE = "esfa-allocations/esfa_16-19_allocations_2019-20_kent_medway.csv"
ALLOCATION_YEAR = "2019/20"
MEASURE = "16–19 funded students (ESFA allocation 2019/20)"
SOURCE = "ESFA 16–19 allocations 2019/20, UKPRN {ukprn} ({name})"
NAME, LA, UKPRN = "Institution Name", "LA No.", "UKPRN"
TOTAL, HIGH_NEEDS = "Total Students", "High Needs Students (included in Total Students)"


def read_allocations(source: Path) -> pd.DataFrame:
    frame, check = read_csv_checked(Path(source) / ALLOCATIONS_FILE,
                                    [LA, NAME, "Category", UKPRN, TOTAL, HIGH_NEEDS])
    raise_if_problems(check)
    check.matches(LA, LA_CODE_RE, what="a three-digit LA number")
    check.matches(UKPRN, r"^\d{8}$", what="an eight-digit UKPRN")
    check.matches(TOTAL, r"^\d+$", what="a whole number of students")
    check.matches(HIGH_NEEDS, r"^\d+$", what="a whole number of students")
    check.required(NAME)
    check.unique(UKPRN)
    raise_if_problems(check)
    return frame


def name_key(name: str) -> str:
    text = name.lower().replace("&", "and").replace("university technical college", "utc")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def match_allocations(
    allocations: pd.DataFrame, providers: list[dict]
) -> tuple[list[tuple[dict, dict]], list[str]]:
    """(allocation row, provider) pairs, and notes on the rows matched to no single provider.
    `providers` are provider records (urn, name, la_code)."""
    by_la: dict[str, list[tuple[str, dict]]] = {}
    for provider in providers:
        by_la.setdefault(provider["la_code"], []).append((name_key(provider["name"]), provider))
    pairs, unmatched = [], []
    for row in allocations.to_dict("records"):
        key = name_key(row[NAME])
        candidates = by_la.get(row[LA], [])
        found = [p for k, p in candidates if k == key] or [
            p for k, p in candidates if k.startswith(key) or key.startswith(k)
        ]
        if len(found) == 1:
            pairs.append((row, found[0]))
        else:
            unmatched.append(f"{row[UKPRN]} {row[NAME]} ({len(found)} matches)")
    return pairs, unmatched


def allocation_enrolment(row: dict, provider_urn: str) -> dict:
    """The enrolments.csv row that sizes a provider by its 2019/20 allocation."""
    return {
        "provider_urn": provider_urn, "academic_year": ALLOCATION_YEAR,
        "students_16_18": int(row[TOTAL]), "high_needs_students": int(row[HIGH_NEEDS]),
        "measure": MEASURE, "source": SOURCE.format(ukprn=row[UKPRN], name=row[NAME]),
    }
