"""Which levels and qualification types the loaded records *measure* in a year.

A pure function of the offers frame and the declared table of complete sources
(`coldspots.params.COMPLETE_SOURCES`; the rule is documented there under "Data coverage"). A level
that is not measured is never called cold: its areas show "partial data" (some records, e.g. an
officer's own or derived SEND programmes) or "no data recorded" (none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coldspots.params import COMPLETE_SOURCES, LEVELS, CompleteSource

PUBLISHED = "published"


@dataclass(frozen=True)
class Coverage:
    """What the records of one year measure.

    measured_levels / measured_types: levels and qualification types a loaded complete source
    records in the year. recorded_levels / recorded_types: those with any record at all.
    level_sources / type_sources: for each measured level or type, the sources (name and year,
    e.g. "DfE 16–18 performance tables 2016/17") that measure it: the vintage pages show.
    """

    year: str
    measured_levels: frozenset[str] = frozenset()
    measured_types: frozenset[str] = frozenset()
    recorded_levels: frozenset[str] = frozenset()
    recorded_types: frozenset[str] = frozenset()
    level_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    type_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def level_state(self, level: str) -> str:
        """"measured", "partial" (records, but no complete source) or "none" (no record)."""
        if level in self.measured_levels:
            return "measured"
        return "partial" if level in self.recorded_levels else "none"

    def type_state(self, qualification_type: str) -> str:
        if qualification_type in self.measured_types:
            return "measured"
        return "partial" if qualification_type in self.recorded_types else "none"

    def level_measured_for(self, level: str, qualification_types: tuple[str, ...] = ()) -> bool:
        """Whether a request narrowed to `qualification_types` (none = all) measures `level`:
        the level must be measured, and so must every type the request selects."""
        if level not in self.measured_levels:
            return False
        return all(t in self.measured_types for t in qualification_types)


def _text(values: pd.Series) -> np.ndarray:
    return values.fillna("").astype(str).to_numpy()


def coverage(
    offers: pd.DataFrame, year: str, sources: tuple[CompleteSource, ...] = COMPLETE_SOURCES,
) -> Coverage:
    """The coverage of `year` by the records in `offers` (any years; columns academic_year,
    level, qualification_type, source_key, record_label; a frame without `source_key` measures
    nothing).

    A declared source measures its levels and types in a year only when at least one published
    record of it is present for that year; a source complete for some kinds of provider only
    measures its types for those kinds, never a whole level (see params, "Data coverage").
    """
    in_year = offers.loc[offers["academic_year"] == year] if len(offers) else offers
    recorded_levels = frozenset(in_year["level"].dropna()) if len(in_year) else frozenset()
    recorded_types = frozenset(in_year["qualification_type"].dropna()) if len(in_year) else (
        frozenset())
    level_sources: dict[str, list[str]] = {}
    type_sources: dict[str, list[str]] = {}
    if len(in_year) and "source_key" in in_year:
        keys = _text(in_year["source_key"])
        published = _text(in_year["record_label"]) == PUBLISHED
        for source in sources:
            if year not in source.years or not (published & (keys == source.source_key)).any():
                continue
            vintage = f"{source.name} {year}"
            if source.provider_kinds:
                continue  # complete for some kinds of provider only: measures no whole level
            for level in source.levels:
                level_sources.setdefault(level, []).append(vintage)
            for kind in source.qualification_types:
                type_sources.setdefault(kind, []).append(vintage)
    return Coverage(
        year=year,
        measured_levels=frozenset(level_sources),
        measured_types=frozenset(type_sources),
        recorded_levels=recorded_levels,
        recorded_types=recorded_types,
        level_sources={k: tuple(dict.fromkeys(v)) for k, v in level_sources.items()},
        type_sources={k: tuple(dict.fromkeys(v)) for k, v in type_sources.items()},
    )


def coverage_table(cover: Coverage, levels: tuple[str, ...] = LEVELS) -> pd.DataFrame:
    """One row per level: level, state ("measured" | "partial" | "none"), sources (text)."""
    return pd.DataFrame({
        "level": list(levels),
        "state": [cover.level_state(level) for level in levels],
        "sources": ["; ".join(cover.level_sources.get(level, ())) for level in levels],
    })
