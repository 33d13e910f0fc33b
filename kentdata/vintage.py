"""A source's latest data carried into the later years the map shows.

A year's view uses, for each kind of offer, its source's latest data up to that year (issue 9,
point 8). A source whose data ends before a year the map shows (the 2018/19 South East file for
neighbouring authorities' A Levels; DfE FE outcomes, which end in 2022/23) opts in by passing
its records here: each record of the source's last year is copied into every later shown year,
labelled "derived", with learners unknown (the count was for the earlier year) and the vintage
kept in source_year, so pages say "FE outcomes 2022/23" in 2023/24. Pure and deterministic:
the same records give the same copies, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

DERIVED = "derived"
# learners_published of a carried copy: the source gives no count for the year shown.
NOT_PUBLISHED = "not published"


def carried_forward(
    records: Iterable[dict],
    shown_years: Iterable[str],
    source_text: Callable[[dict, str], str],
    *,
    runs_in: Callable[[dict, str], bool] = lambda record, year: True,
) -> list[dict]:
    """Derived copies of the records of the source's last year, one per record and later shown
    year (academic years compare as text: "2022/23" < "2023/24").

    records: one source's course rows (kentdata.records.COURSE_COLUMNS keys); source_text(record,
    year): the copy's source, naming the vintage; runs_in(record, year): False leaves the copy
    out (e.g. a provider that closed before the year). Records with no year give none.
    """
    records = [r for r in records if r.get("academic_year")]
    if not records:
        return []
    last_year = max(r["academic_year"] for r in records)
    latest = [r for r in records if r["academic_year"] == last_year]
    copies = []
    for year in sorted(y for y in set(shown_years) if y > last_year):
        for record in latest:
            if not runs_in(record, year):
                continue
            copies.append({
                **record, "academic_year": year,
                "source_year": record.get("source_year") or last_year,
                "learners": None, "learners_published": NOT_PUBLISHED,
                "record_label": DERIVED, "source": source_text(record, year),
            })
    return copies
