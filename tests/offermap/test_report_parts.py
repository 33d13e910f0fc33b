"""The shared report parts: learner counts from 1 to 5 are never shown."""

import math

import pytest

from offermap.report_parts import SUPPRESSED, ReportTable, learner_count


@pytest.mark.parametrize(("value", "shown"), [
    (0, 0), (1, SUPPRESSED), (5, SUPPRESSED), (6, 6), (5.4, SUPPRESSED), (5.6, 6),
    (0.4, 0), (None, None), ("", None), (math.nan, None), ("c", SUPPRESSED), ("12", 12),
    ("not a number", None),
])
def test_learner_count_suppresses_one_to_five(value, shown):
    """1–5 (after rounding) is "c"; 0, 6 and up are shown; unknown stays unknown."""
    assert learner_count(value) == shown


def test_table_suppresses_only_learner_columns():
    """A table shows its learner columns through learner_count and leaves the others alone."""
    table = ReportTable(
        key="t", caption="T", columns=[("name", "Name"), ("learners", "Learners"),
                                       ("providers", "Providers")],
        rows=[{"name": "A", "learners": 3, "providers": 3},
              {"name": "B", "learners": 40, "providers": 1}],
        learner_columns=frozenset({"learners"}),
    )
    assert table.cells() == [["A", SUPPRESSED, 3], ["B", 40, 1]]
