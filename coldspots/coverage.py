"""Which levels and qualification types the loaded records *measure* in a year.

A pure function of the offers frame and the declared table of complete sources
(`coldspots.params.COMPLETE_SOURCES`; the rule is documented there under "Data coverage"). A level
that is not measured is never called cold: its areas show "partial data" (some records, e.g. an
officer's own or derived SEND programmes) or "no data recorded" (none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from coldspots.params import COMPLETE_SOURCES, LEVELS, QUALIFICATION_TYPES, CompleteSource

PUBLISHED = "published"
# Offers a provider confirmed in the yearly offer round (offerround writes them as Course
# records with this source key and the "confirmed" label; coldspots does not import offerround).
CONFIRMED, CONFIRMED_SOURCE_KEY = "confirmed", "offer_round"
CONFIRMED_SOURCE_NAME = "Confirmed by providers (offer round)"
# How a vintage names the kinds of provider a partial source covers.
KIND_PLURALS = {"fe_college": "FE colleges"}


@dataclass(frozen=True)
class Coverage:
    """What the records of one year measure.

    measured_levels / measured_types: levels and qualification types a loaded complete source
    records in the year. recorded_levels / recorded_types: those with any record at all.
    level_sources / type_sources: for each level or type, the declared sources with records of it
    in the year, named with the vintage of the data used (e.g. "DfE 16–18 performance tables
    2023/24", "DfE FE outcomes 2022/23 (FE colleges only)" in 2023/24): what pages show. A
    source listed here measures the level only when the level is in measured_levels.
    """

    year: str
    measured_levels: frozenset[str] = frozenset()
    measured_types: frozenset[str] = frozenset()
    recorded_levels: frozenset[str] = frozenset()
    recorded_types: frozenset[str] = frozenset()
    level_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    type_sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The offer round: of the open providers expected to offer in the year (those with records
    # in it or in the latest earlier year with records), how many confirmed their offer.
    confirmed_providers: int = 0
    expected_providers: int = 0

    @property
    def confirmed_share(self) -> float | None:
        if not self.expected_providers:
            return None
        return self.confirmed_providers / self.expected_providers

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
    no_offer: Iterable = (),
) -> Coverage:
    """The coverage of `year` by the records in `offers` (any years; columns academic_year,
    level, qualification_type, source_key, record_label; a frame without `source_key` measures
    nothing). `no_offer`: ids of providers that confirmed they run nothing in `year` (see
    confirmed_providers).

    A declared source measures its levels and types in a year only when at least one published
    record of it is present for that year; a source complete for some kinds of provider only
    never measures a whole level (see params, "Data coverage"). Either way a source with records
    in the year whose source_year it publishes is named, with that vintage, among the level's
    sources (so a record carried forward from 2022/23 names 2022/23).
    """
    in_year = offers.loc[offers["academic_year"] == year] if len(offers) else offers
    recorded_levels = frozenset(in_year["level"].dropna()) if len(in_year) else frozenset()
    recorded_types = frozenset(in_year["qualification_type"].dropna()) if len(in_year) else (
        frozenset())
    measured_levels: set[str] = set()
    measured_types: set[str] = set()
    level_sources: dict[str, list[str]] = {}
    type_sources: dict[str, list[str]] = {}
    if len(in_year) and "source_key" in in_year:
        keys = _text(in_year["source_key"])
        published = _text(in_year["record_label"]) == PUBLISHED
        vintages = (_text(in_year["source_year"]) if "source_year" in in_year
                    else np.full(len(in_year), "", dtype=object))
        vintages = np.where(vintages == "", year, vintages)
        for source in sources:
            mine = keys == source.source_key
            # The vintage: the source's data the year uses, its own year or (a record carried
            # forward, kentdata.vintage) the latest earlier one it publishes.
            used = sorted(set(vintages[mine]) & set(source.years))
            if not used:
                continue
            measures = year in source.years and (published & mine).any()
            if source.provider_kinds:
                # Complete for some kinds of provider only: names its vintage for the levels it
                # records, never measures a whole level.
                kinds = " and ".join(KIND_PLURALS.get(k, k) for k in source.provider_kinds)
                names = [f"{source.name} {v} ({kinds} only)" for v in used]
                measures = False
            else:
                names = [f"{source.name} {v}" for v in used]
            for level in source.levels:
                level_sources.setdefault(level, []).extend(names)
                if measures:
                    measured_levels.add(level)
            for kind in source.qualification_types:
                type_sources.setdefault(kind, []).extend(names)
                if measures:
                    measured_types.add(kind)
    confirmed, expected = confirmed_providers(offers, year, no_offer)
    if expected and confirmed >= expected:
        # Every provider expected in the year has confirmed its whole offer: the round is a
        # complete source for the year, at every level and for every type.
        measured_levels |= set(LEVELS)
        measured_types |= set(QUALIFICATION_TYPES)
        for level in LEVELS:
            level_sources.setdefault(level, []).append(CONFIRMED_SOURCE_NAME)
    return Coverage(
        confirmed_providers=confirmed,
        expected_providers=expected,
        year=year,
        measured_levels=frozenset(measured_levels),
        measured_types=frozenset(measured_types),
        recorded_levels=recorded_levels,
        recorded_types=recorded_types,
        level_sources={k: tuple(dict.fromkeys(v)) for k, v in level_sources.items()},
        type_sources={k: tuple(dict.fromkeys(v)) for k, v in type_sources.items()},
    )


def confirmed_providers(offers: pd.DataFrame, year: str,
                        no_offer: Iterable = ()) -> tuple[int, int]:
    """(providers that confirmed their offer for `year`, open providers expected to offer in
    it). A provider's accepted round is complete coverage for that provider in that year; the
    expected providers are the open ones with records in the year or in the latest earlier year
    that has records (last year's providers are asked to confirm this year's offer). A provider
    that withdrew every offer has no confirmed record: `no_offer` names those (the caller reads
    them; this module reads no models), and they count as confirmed. A frame without the
    columns confirms only those."""
    no_offer = set(no_offer)
    needed = {"academic_year", "provider_id", "record_label", "source_key"}
    if not len(offers) or not needed <= set(offers.columns):
        return len(no_offer), len(no_offer)
    is_open = (offers["provider_open"].fillna(False).astype(bool) if "provider_open" in offers
               else pd.Series(True, index=offers.index))
    years = offers["academic_year"]
    earlier = years[years < year]
    wanted = years == year
    if len(earlier):
        wanted |= years == earlier.max()
    expected = set(offers.loc[wanted & is_open, "provider_id"].dropna())
    confirmed_rows = ((years == year) & (_text(offers["record_label"]) == CONFIRMED)
                      & (_text(offers["source_key"]) == CONFIRMED_SOURCE_KEY))
    confirmed = set(offers.loc[confirmed_rows, "provider_id"].dropna()) | no_offer
    expected |= confirmed
    return len(confirmed), len(expected)


def coverage_table(cover: Coverage, levels: tuple[str, ...] = LEVELS) -> pd.DataFrame:
    """One row per level: level, state ("measured" | "partial" | "none"), sources (text)."""
    return pd.DataFrame({
        "level": list(levels),
        "state": [cover.level_state(level) for level in levels],
        "sources": ["; ".join(cover.level_sources.get(level, ())) for level in levels],
    })
