"""The pages' GET forms: each turns query parameters into AnalysisParams and view options.

Every form starts from the officers' choice thresholds (coldspots.models.ChoiceThresholds), never
raises on bad input (a bad value falls back to its default with a message), and hands its
messages to `error_summary`, the one place that shapes them for the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.core.cache import cache

from coldspots.models import ChoiceThresholds
from coldspots.params import OPTIONAL_ACCESS, AnalysisParams
from coldspots.results import data_version
from offermap.options import ViewOptions, read_options

ACCESS_CHOICES = [("selective", "Selective schools"),
                  ("independent", "Independent (fee-paying) schools"),
                  ("specialist", "Specialist SEND provision")]
# The same classes as coldspots.params.OPTIONAL_ACCESS, in the order the filter lists them.
ACCESS_CHOICES = [choice for choice in ACCESS_CHOICES if choice[0] in OPTIONAL_ACCESS]


def default_params(version: str | None = None) -> AnalysisParams:
    """The board's standard view with the thresholds officers have set, cached on the data
    version (saving the thresholds bumps it), so a repeat request reads only the version."""
    version = version or data_version()
    key = f"offermap:thresholds:{version}"
    values = cache.get(key)
    if values is None:
        thresholds = ChoiceThresholds.current()
        values = (thresholds.min_providers, thresholds.max_nearest_minutes)
        cache.set(key, values, 60 * 60)
    return AnalysisParams(min_providers=values[0], max_nearest_minutes=values[1])


class AnalysisForm(forms.Form):
    """The analysis parameters of any page (year, levels, travel, thresholds, access, …).

    `params` and `problems` ({query name: message}) are ready after construction; the form
    is always usable, because every bad value falls back to its default.
    """

    # Declared so that pages can render the access filter from the form itself.
    include = forms.MultipleChoiceField(choices=ACCESS_CHOICES, required=False,
                                        label="Also count as choice")

    def __init__(self, data: Mapping | None = None, base: AnalysisParams | None = None,
                 version: str | None = None, **kwargs):
        super().__init__(data or {}, **kwargs)
        self.params, self.problems = AnalysisParams.from_query(
            data or {}, base or default_params(version))

    def clean(self):
        # The real reading is AnalysisParams.from_query's; report its messages as form errors.
        for name, message in self.problems.items():
            self.add_error(None, f"{name}: {message}")
        return super().clean()


class MapForm(AnalysisForm):
    """The map page: the analysis parameters plus how the results are shown (ViewOptions)."""

    def __init__(self, data: Mapping | None = None, region_slugs: Iterable[str] = (),
                 base: AnalysisParams | None = None, version: str | None = None, **kwargs):
        super().__init__(data, base, version, **kwargs)
        self.options, option_problems = read_options(data or {}, region_slugs)
        self.problems = {**self.problems, **option_problems}


class CheckForm(AnalysisForm):
    """The postcode check: the analysis parameters plus the place typed."""

    def __init__(self, data: Mapping | None = None, base: AnalysisParams | None = None,
                 **kwargs):
        super().__init__(data, base, **kwargs)
        raw = str((data or {}).get("postcode", ""))
        # Control characters (e.g. NUL) can never be in a postcode and must not be echoed;
        # text that held one is not a postcode, whatever is left.
        self.place = "".join(ch for ch in raw if ch.isprintable()).strip()
        self.place_has_control_characters = self.place != raw.strip()
        self.checked = "postcode" in (data or {})


def error_summary(problems: Mapping[str, str], anchors: Mapping[str, str],
                  fallback: str = "results-heading") -> list[dict]:
    """The GOV.UK error summary's items: {message, anchor} for each problem, linking to the
    field that set it (or to `fallback`)."""
    return [{"message": message, "anchor": anchors.get(name, fallback)}
            for name, message in problems.items()]


__all__ = ["AnalysisForm", "CheckForm", "MapForm", "ViewOptions", "default_params",
           "error_summary"]
