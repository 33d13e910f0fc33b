"""A round's progress: submissions per LCPA and state (pure function over rows)."""

from __future__ import annotations

from collections import Counter

OUTSIDE = "Not in an LCPA"


def by_lcpa(rows: list[dict], states: list[tuple[str, str]]) -> list[dict]:
    """`rows`: one per submission with "lcpa" (name or None) and "state". One row per LCPA in
    name order (providers with no Kent site last), with a count per state and the total."""
    counts: dict[str, Counter] = {}
    for row in rows:
        counts.setdefault(row["lcpa"] or OUTSIDE, Counter())[row["state"]] += 1
    names = sorted(name for name in counts if name != OUTSIDE)
    if OUTSIDE in counts:
        names.append(OUTSIDE)
    table = [{"lcpa": name, "counts": [counts[name][code] for code, _ in states],
              "total": sum(counts[name].values())} for name in names]
    if table:
        table.append({"lcpa": "All providers",
                      "counts": [sum(r["counts"][i] for r in table) for i in range(len(states))],
                      "total": sum(r["total"] for r in table)})
    return table
