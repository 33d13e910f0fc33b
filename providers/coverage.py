"""What the data covers: year × source × kind of provider, with counts (pure functions over rows
that CourseQuerySet.coverage() and ApprenticeshipStartsQuerySet.coverage() return)."""

from __future__ import annotations

from collections import defaultdict

# Short source keys (Course.source_key) in words. A key missing here is shown as it is.
SOURCE_LABELS = {
    "ks5": "DfE 16–18 performance tables",
    "ks5_2018_19_se": "DfE 16–18 tables 2018/19, South East file (A Levels, no counts)",
    "tlevels_2021": "ESFA T Level provider register (February 2021)",
    "tlevels_2024": "T Level results service provider register (to August 2024)",
    "send_derived": "Derived from the GIAS establishment type (SEND programmes)",
    "fe_outcomes": "DfE FE outcomes by provider (all ages)",
    "campuses": "College campuses (shared across campuses, derived)",
    "apprenticeships": "DfE apprenticeship starts by provider and district (district-level)",
    "": "Entered by officers",
}
# Years in the span of the performance tables that have none, and why.
YEARS_WITHOUT_PERFORMANCE_TABLES = {
    "2017/18": "No 2017/18 16–18 performance table is in the public data bundled with the map "
               "(only that year's school spine).",
    "2019/20": "No 16–18 performance tables were published for 2019/20: exams were cancelled in "
               "the pandemic.",
    "2020/21": "No 16–18 performance tables were published for 2020/21: exams were cancelled in "
               "the pandemic.",
}


def coverage_table(rows, kind_labels: dict[str, str]) -> list[dict]:
    """One row per academic year, source and kind of provider: records, providers and the
    source vintages (academic years of the source's data) used. `rows` are dicts with
    academic_year, source_key, source_year, kind, records, providers."""
    grouped: dict[tuple, dict] = {}
    for row in rows:
        key = (row["academic_year"], row["source_key"] or "", row["kind"] or "")
        entry = grouped.setdefault(key, {"records": 0, "providers": 0, "vintages": set()})
        entry["records"] += row["records"]
        entry["providers"] = max(entry["providers"], row["providers"])
        if row.get("source_year"):
            entry["vintages"].add(row["source_year"])
    return [
        {
            "year": year,
            "source": SOURCE_LABELS.get(source, source),
            "kind": kind_labels.get(kind, kind or "Not matched to a provider"),
            "vintage": ", ".join(sorted(entry["vintages"])) or "Not recorded",
            "records": entry["records"],
            "providers": entry["providers"],
        }
        for (year, source, kind), entry in sorted(grouped.items())
    ]


def vintages_for_year(rows, year: str) -> list[dict]:
    """For one year's view: each source it uses and the vintages of its data, e.g.
    {"source": "DfE 16–18 performance tables", "vintage": "2023/24"}."""
    found: dict[str, set] = defaultdict(set)
    for row in rows:
        if row["academic_year"] == year:
            found[row["source_key"] or ""].add(row.get("source_year") or "")
    return [
        {"source": SOURCE_LABELS.get(key, key),
         "vintage": ", ".join(sorted(v for v in vintages if v)) or "Not recorded"}
        for key, vintages in sorted(found.items())
    ]
