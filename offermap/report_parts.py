"""The parts a board report is made of, shared by every remit's builder, the HTML page, the
print pack and the downloads (one context, several renderings).

A remit's builder returns a list of `ReportSection`s; each holds sentences, tables and charts.
Tables carry their rows as plain values. Columns that count learners are named in
`learner_columns`, and every rendering (page, CSV, print) shows them through `learner_count`,
so that a count from 1 to 5 is never shown (the DfE's "c").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The DfE's mark for a count from 1 to 5 that is not published, to protect individuals.
SUPPRESSED = "c"
SUPPRESSED_RANGE = (1, 5)
NO_DATA = "no data recorded"


def learner_count(value):
    """A count of learners as it may be shown: None for unknown, "c" for 1 to 5, else an int.

    Rounds first (an estimate of 5.4 learners is "c", 5.6 is 6), so that a fractional estimate
    cannot slip a small number through.
    """
    if value is None or value == "" or value == SUPPRESSED:
        return None if value in (None, "") else SUPPRESSED
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    whole = round(number)
    low, high = SUPPRESSED_RANGE
    return SUPPRESSED if low <= whole <= high else whole


@dataclass
class ReportTable:
    """One table of a report. `key` names its CSV download (`<key>.csv`); `columns` are
    (field, heading) pairs in order; `rows` are dicts keyed by field with plain values (str,
    int, float, None). `learner_columns` are shown through `learner_count` everywhere;
    `numeric_columns` are right-aligned. `notes` are sentences printed under the table (what an
    estimate is, what "no data recorded" means here)."""

    key: str
    caption: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    learner_columns: frozenset[str] = frozenset()
    numeric_columns: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    empty_text: str = "None."

    def shown_rows(self) -> list[dict]:
        """The rows as every rendering shows them: learner counts suppressed."""
        return [
            {name: (learner_count(row.get(name)) if name in self.learner_columns
                    else row.get(name)) for name, _ in self.columns}
            for row in self.rows
        ]

    def cells(self) -> list[list]:
        """The shown rows as lists in column order, for templates and CSV writers."""
        return [[row[name] for name, _ in self.columns] for row in self.shown_rows()]


@dataclass
class ReportSection:
    """A heading, its sentences, its tables and its charts (offermap.charts), in that order."""

    heading: str
    key: str
    summary: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list = field(default_factory=list)

    def table(self, key: str) -> ReportTable | None:
        return next((table for table in self.tables if table.key == key), None)
