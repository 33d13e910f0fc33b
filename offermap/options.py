"""The map page's own query parameters (how results are shown), read without ever raising.

The analysis parameters (year, levels, travel time, ...) are read by
`coldspots.params.AnalysisParams.from_query`; these are the presentation ones: which measure
shades the map, which LCPA is in view, whether small-area cold spots are drawn, and the tables'
sort order and page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from offermap.maps import DEFAULT_MEASURE, MEASURES

PROVIDER_SORTS = ("provider", "site", "kind", "lcpa", "offers", "learners")
LCPA_SORTS = ("lcpa", "cohort", "cold_share", "options_per_1000", "guarantee", "change")
PAGE_SIZE = 25
MAX_PAGE = 10_000


@dataclass(frozen=True)
class ViewOptions:
    measure: str = DEFAULT_MEASURE
    lcpa: str = ""  # region_slug, "" = all of Kent
    cold_areas: bool = False  # draw small-area cold spots on the map
    sort: str = "provider"  # provider table: a PROVIDER_SORTS name, "-" prefix for descending
    lcpa_sort: str = "lcpa"
    page: int = 1

    def cache_key(self) -> str:
        """The part of the options that changes the map (not the tables)."""
        return f"{self.measure}:{self.lcpa}:{int(self.cold_areas)}"


def _first(query: Mapping[str, Any], key: str) -> str:
    if hasattr(query, "getlist"):
        values = query.getlist(key)
    else:
        value = query.get(key, "")
        values = value if isinstance(value, (list, tuple)) else [value]
    for value in values:
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _sort(value: str, allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """(sort, ok) where sort is a known column with an optional "-"; falls back to default."""
    if not value:
        return default, True
    if value.removeprefix("-") in allowed:
        return value, True
    return default, False


def read_options(
    query: Mapping[str, Any], region_slugs: Iterable[str]
) -> tuple[ViewOptions, dict[str, str]]:
    """ViewOptions from GET data and {parameter: message} for each value that was not used."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    measure = _first(query, "measure")
    if measure:
        if measure in MEASURES:
            values["measure"] = measure
        else:
            errors["measure"] = "Choose a measure to shade the map from the list."

    lcpa = _first(query, "lcpa")
    if lcpa:
        if lcpa in set(region_slugs):
            values["lcpa"] = lcpa
        else:
            errors["lcpa"] = "There is no LCPA with that name: showing all of Kent."

    cold_areas = _first(query, "cold_areas").lower()
    if cold_areas:
        if cold_areas in {"1", "on", "true", "yes"}:
            values["cold_areas"] = True
        elif cold_areas not in {"0", "off", "false", "no"}:
            errors["cold_areas"] = "Choose whether to show small-area cold spots."

    sort, ok = _sort(_first(query, "sort"), PROVIDER_SORTS, ViewOptions.sort)
    values["sort"] = sort
    if not ok:
        errors["sort"] = "The provider table cannot be sorted that way: sorted by provider."
    lcpa_sort, ok = _sort(_first(query, "lcpa_sort"), LCPA_SORTS, ViewOptions.lcpa_sort)
    values["lcpa_sort"] = lcpa_sort
    if not ok:
        errors["lcpa_sort"] = "The LCPA table cannot be sorted that way: sorted by LCPA."

    page = _first(query, "page")
    if page:
        # isdigit() is also true of digits such as "¹" that int() cannot read.
        if page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE:
            values["page"] = int(page)
        else:
            errors["page"] = "Enter a page number of 1 or more: showing the first page."
    return ViewOptions(**values), errors
