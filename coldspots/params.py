"""Every threshold and assumption of the cold-spot analysis, in one documented place.

`AnalysisParams` is the single, immutable (hashable, so it can key a cache) description of one
analysis request. Every field has a default chosen below, with the reason; the map, the reports and
the command change them per request through `AnalysisParams.from_query` or `dataclasses.replace`.

Travel-time assumptions (the estimate used when no imported journey time covers a pair)
-------------------------------------------------------------------------------------
minutes = fixed_minutes + straight-line metres × detour_factor ÷ (speed km/h × 1000 / 60)

* Straight-line distance is measured on the British National Grid (EPSG:27700, metres), which is
  accurate to well under 0.1% across Kent, so no geodesic correction is needed.
* detour_factor ("circuity"): road and path networks are longer than the crow flies. Published
  studies of road circuity put the ratio of network to straight-line distance at about 1.2–1.4
  in Britain and western Europe (Ballou, Rahardja and Sakai 2002, "Selected country circuity
  factors for road travel distance estimation"); accessibility studies for English councils use
  1.2 for the off-network part of a trip (e.g. Thurrock Council's "Study of travel access").
  We use 1.3 for roads (car, bus) and 1.25 for walking, which can use paths that cut corners.
* walk: 4.8 km/h (80 m a minute, 3 mph), the speed English accessibility studies accept as the
  pace people choose in normal conditions (e.g. Thurrock Council's study above).
* car: 40 km/h average door-to-door road speed for mixed urban and rural trips, plus 3 minutes to
  park and walk in — between the urban (20 mph, 6 min) and suburban (30 mph, 3 min) figures of
  Falcocchio and Levinson, "Road Traffic Congestion: A Concise Guide" (2015), tables 10.2–10.3,
  allowing for Kent's rural A and B roads.
* public transport ("pt", the default mode): 20 km/h average in-vehicle bus speed plus 12 fixed
  minutes for the walk to and from stops and the wait — between the same source's urban bus
  (12 mph, 13 min of walking and waiting) and suburban bus (15 mph, 18 min) figures. A young
  person who lives closer than the bus is worth walks instead, so pt minutes are the smaller of
  the bus estimate and the walking estimate. Rail is not modelled: where a train makes a trip
  much quicker (e.g. Ashford–Canterbury), import journey times.

These figures are assumptions, not measurements: they are exposed here so they can be changed,
and an imported travel-time matrix (`coldspots.models.TravelTime`, see `import_travel_times`)
replaces the estimate for every pair it covers. Results say which method was used.

The choice rule: one rule, the same at every level
-------------------------------------------------
For each small area, level and year the analysis finds the minutes to the nearest open-access
offer of that level and the number of different open-access providers of that level within the
chosen travel time. An area is in
  * no choice      — no open-access provider of the level within the travel time;
  * reduced choice — fewer than `min_providers` (N, default 3) within the travel time, or the
                     nearest more than `max_nearest_minutes` (X, default 30) away;
  * choice         — otherwise;
  * partial data   — the level is not *measured* in the year (see "Data coverage"): the area is
                     never called cold on records that do not cover the level.
N = 3 is the smallest number that is a choice between providers rather than a default and a
fallback; X = 30 minutes is the journey the DfE's post-16 transport guidance treats as
reasonable for most learners ("Post-16 transport and travel support", 2019: journeys of up to
about 75 minutes are acceptable only in rural areas). Officers change N and X in the admin
(`coldspots.models.ChoiceThresholds`, with history); every page says which values it used.
The rule is absolute, so Level 2 and Level 3 are compared on the same terms and adding supply can
never create a cold spot (there is no median that moves).

Open access
-----------
Choice counts what a typical 16-year-old can enter (`access_class`): not a selective school
(admissions policy "selective"), not fee-paying (independent schools), not specialist SEND
provision or an offer that requires an EHCP, not alternative provision. `include_access` adds
selective, independent or specialist provision to the count; pages always show those within
reach separately ("plus 2 selective, 1 independent within reach"). Specialist provision is
measured against the EHCP cohort and alternative provision on its own (analysis.send_reach),
never in the whole-cohort states.

Data coverage
-------------
A level (or qualification type) is *measured* in a year only when a source that records it
completely for that year is loaded. COMPLETE_SOURCES declares those sources: a published table
that lists every provider of its kind for a year, named by the records' `source_key`.
`coldspots.coverage.coverage` is a pure function of the offers frame and this table: (year,
level) is measured when a declared source covering every kind of provider covers that level in
that year AND at least one published record of that source is present for the year (so a
declared but unloaded source measures nothing). Records from anything else (an officer's own
record, a derived SEND programme, a register of one qualification type) add supply where they
are, but never make a level measured: one record can never turn areas cold.
To add a source (e.g. a later year's tables), add a CompleteSource with its source_key, its
years, the levels and types it records completely, and the kinds of provider it covers.
Apprenticeship starts are district-level (no site): they are not offers here; the guarantee
reads them per district (coldspots.guarantee, APPRENTICESHIP_MIN_PROVIDERS_PER_DISTRICT).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from providers.models import Course, Level, Provider

MODES = ("pt", "car", "walk")
MODE_LABELS = {"pt": "public transport", "car": "car", "walk": "walking"}
MINUTES_CHOICES = (30, 45, 60, 75)
MINUTES_RANGE = (5, 180)
LEVELS = tuple(Level.values)  # ("E", "1", "2", "3")
QUALIFICATION_TYPES = tuple(Course.QualificationType.values)
PROVIDER_KINDS = tuple(Provider.Kind.values)

# Access classes of a provider's offers (coldspots.choice.access_classes).
OPEN, SELECTIVE, INDEPENDENT, SPECIALIST, ALTERNATIVE = (
    "open", "selective", "independent", "specialist", "alternative_provision")
ACCESS_CLASSES = (OPEN, SELECTIVE, INDEPENDENT, SPECIALIST, ALTERNATIVE)
# What the filter may add to open access (alternative provision is measured on its own).
OPTIONAL_ACCESS = (SELECTIVE, INDEPENDENT, SPECIALIST)
ACCESS_LABELS = {OPEN: "open-access", SELECTIVE: "selective", INDEPENDENT: "independent",
                 SPECIALIST: "specialist", ALTERNATIVE: "alternative provision"}

# The defaults live with the officers' settings record (coldspots.models.ChoiceThresholds).
from coldspots.models import (  # noqa: E402
    DEFAULT_MAX_NEAREST_MINUTES,
    DEFAULT_MIN_PROVIDERS,
)


@dataclass(frozen=True)
class CompleteSource:
    """A source that records a kind of offer completely for the years it names (see the module
    docstring, "Data coverage")."""

    name: str  # how pages name it
    source_key: str  # Course.source_key of its records
    years: tuple[str, ...]  # academic years it records completely
    levels: tuple[str, ...]  # levels whose whole site-based offer it records
    qualification_types: tuple[str, ...]  # types it records completely
    # Kinds of provider it covers; () = every kind. A source complete for some kinds only
    # (FE outcomes: FE colleges) never makes a whole level measured.
    provider_kinds: tuple[str, ...] = ()


_PERFORMANCE_L3 = ("a_level", "applied_general", "tech_level", "other_academic")
_PERFORMANCE_L2 = ("l2_vocational", "technical_certificate")
COMPLETE_SOURCES = (
    # DfE 16–18 performance tables list every state-funded and independent institution with
    # 16–18 students and its students per qualification family (TALLPUP_*). The 2015/16 extract
    # has no Level 2 families and 2018/19 (the 2021/22 file's *_19 columns) only technical
    # certificates, so Level 2 is not measured in those years; no tables exist for 2017/18,
    # 2019/20 or 2020/21 (see providers.coverage.YEARS_WITHOUT_PERFORMANCE_TABLES).
    CompleteSource("DfE 16–18 performance tables", "ks5", ("2015/16",), ("3",), _PERFORMANCE_L3),
    CompleteSource("DfE 16–18 performance tables", "ks5", ("2016/17", "2021/22", "2022/23",
                                                          "2023/24"),
                   ("3", "2"), _PERFORMANCE_L3 + _PERFORMANCE_L2),
    CompleteSource("DfE 16–18 performance tables", "ks5", ("2018/19",), ("3",),
                   (*_PERFORMANCE_L3, "technical_certificate")),
    # The ESFA register lists every provider approved to teach T Levels from 2020 and 2021, and
    # the results register every provider with T Level results to August 2024: complete for
    # T Levels only, so they never make Level 3 as a whole measured.
    CompleteSource("ESFA T Level provider register", "tlevels_2021", ("2020/21", "2021/22"), (),
                   ("t_level",)),
    CompleteSource("T Level results service provider register", "tlevels_2024",
                   ("2020/21", "2021/22", "2022/23", "2023/24"), (), ("t_level",)),
    # FE outcomes list every FE college's learners by level (all ages): complete for colleges,
    # not for schools, so Level 1 and Entry stay "partial data".
    CompleteSource("DfE FE outcomes by provider", "fe_outcomes",
                   ("2018/19", "2019/20", "2020/21", "2021/22", "2022/23"), ("1", "2", "3"), (),
                   provider_kinds=("fe_college",)),
)

ACADEMIC_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class ModeAssumptions:
    """How minutes are estimated from straight-line distance for one mode (see module docstring)."""

    detour_factor: float
    speed_kmh: float
    fixed_minutes: float
    # True for public transport: a trip shorter on foot is walked (pt = min(bus, walk)).
    walk_alternative: bool = False


WALK = ModeAssumptions(detour_factor=1.25, speed_kmh=4.8, fixed_minutes=0.0)
MODE_ASSUMPTIONS = {
    "pt": ModeAssumptions(detour_factor=1.3, speed_kmh=20.0, fixed_minutes=12.0,
                          walk_alternative=True),
    "car": ModeAssumptions(detour_factor=1.3, speed_kmh=40.0, fixed_minutes=3.0),
    "walk": WALK,
}

# The guarantee's apprenticeship part is measured on the area's district, not on a site: the
# published starts are by provider and delivery district (providers.apprenticeships
# .district_supply). A district meets it at a level when at least this many providers started
# apprentices there at that level in the year. Reason: the source rounds counts and shows 1–4
# as "low", so one or two providers is not evidence of a choice a 16-year-old can count on; two
# providers are the fewest that give a choice. Officers may change it here (see README).
APPRENTICESHIP_MIN_PROVIDERS_PER_DISTRICT = 2
APPRENTICESHIP_MIN_PROVIDERS_REASON = (
    "At least 2 providers starting apprentices at the level in the district in the year: a "
    "choice, not a single employer's scheme; the dashboard's 1–4 counts are shown only as 'low'."
)


@dataclass(frozen=True)
class AnalysisParams:
    """One analysis request. Defaults are the board's standard view.

    Fields
    ------
    year: academic year of the offer ("2016/17"); None = the latest year with published A Level
        records (else the year with the most records), see analysis.default_year.
    compare_year: the year to compare against for year-on-year; None = the year before `year`
        that has course data (none if there is no earlier year).
    minutes: travel time limit for "within reach" (default 60; the UI offers 30/45/60/75; any
        whole number from 5 to 180 is accepted).
    mode: "pt" (public transport, default), "car" or "walk".
    levels, qualification_types, subjects, provider_kinds: filters applied to offers before the
        choice measures (empty tuple = all). `subjects` matches the subject or the T Level route.
        They do not narrow the Young Person's Guarantee, whose components are fixed.
    min_providers (N): an area has reduced choice at a level with fewer than this many
        different counted providers within the travel time (default 3).
    max_nearest_minutes (X): ... or when the nearest counted offer is more than this many
        minutes away (default 30).
    include_access: access classes counted besides open access ("selective", "independent",
        "specialist"; default none).
    small_learners: an offer is "small" when its known learner number is below this (default 20,
        roughly the size below which a post-16 teaching group is widely judged hard to sustain).
        Offers with unknown learners are never counted as small.
    duplication_minutes: two providers' sites this close (by the selected mode's estimate) count
        as duplicating each other (default 30).
    small_sixth_form: a school sixth form with fewer learners than this is flagged (default 200,
        the DfE's reference point for a viable sixth form).
    english_grade, maths_grade: the learner profile for the guarantee: GCSE grades (1–9) held.
        None = do not filter offers by entry requirements.
    has_ehcp: whether the learner has an EHCP. Offers that require an EHCP (e.g. supported
        internships) only count towards the guarantee when True.
    detour_factor, speed_kmh, fixed_minutes: per-request overrides of the selected mode's
        travel assumptions (None = the documented default in MODE_ASSUMPTIONS).
    """

    year: str | None = None
    compare_year: str | None = None
    minutes: int = 60
    mode: str = "pt"
    levels: tuple[str, ...] = ()
    qualification_types: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    provider_kinds: tuple[str, ...] = ()
    min_providers: int = DEFAULT_MIN_PROVIDERS
    max_nearest_minutes: int = DEFAULT_MAX_NEAREST_MINUTES
    include_access: tuple[str, ...] = ()
    small_learners: int = 20
    duplication_minutes: int = 30
    small_sixth_form: int = 200
    english_grade: int | None = None
    maths_grade: int | None = None
    has_ehcp: bool = False
    detour_factor: float | None = None
    speed_kmh: float | None = None
    fixed_minutes: float | None = None
    # Not a threshold: lets callers mark a request (e.g. a scenario) in the cache key.
    label: str = ""

    def __post_init__(self):
        problems = validate(self)
        if problems:
            raise ValueError("; ".join(f"{k}: {v}" for k, v in problems.items()))

    def assumptions(self) -> ModeAssumptions:
        """The travel assumptions for the selected mode, with any per-request overrides applied."""
        base = MODE_ASSUMPTIONS[self.mode]
        return ModeAssumptions(
            detour_factor=self.detour_factor if self.detour_factor is not None
            else base.detour_factor,
            speed_kmh=self.speed_kmh if self.speed_kmh is not None else base.speed_kmh,
            fixed_minutes=self.fixed_minutes if self.fixed_minutes is not None
            else base.fixed_minutes,
            walk_alternative=base.walk_alternative,
        )

    def replace(self, **changes: Any) -> AnalysisParams:
        return dataclasses.replace(self, **changes)

    def cache_key(self) -> str:
        """A short stable string that identifies these parameters (for cache keys)."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:24]

    def to_query(self) -> dict[str, Any]:
        """Query parameters (only those that differ from the defaults) for a shareable URL."""
        default = AnalysisParams()
        query: dict[str, Any] = {}
        for name, query_name in QUERY_NAMES.items():
            value = getattr(self, name)
            if value == getattr(default, name):
                continue
            if isinstance(value, tuple):
                query[query_name] = list(value)
            elif isinstance(value, bool):
                query[query_name] = "1" if value else "0"
            else:
                query[query_name] = str(value)
        return query

    @classmethod
    def from_query(
        cls, query: Mapping[str, Any] | None, base: AnalysisParams | None = None,
    ) -> tuple[AnalysisParams, dict[str, str]]:
        """Read parameters from GET data (a QueryDict or a plain dict); never raises.

        Returns (params, errors): errors maps the query name to a message a person can act on;
        every invalid value falls back to its default. Multi-valued filters accept repeated keys
        (?level=2&level=3) or comma-separated values (?level=2,3). Empty values mean "default".
        """
        return _from_query(cls, query or {}, base)


# Field name -> the GET parameter the UI uses for it.
QUERY_NAMES = {
    "year": "year",
    "compare_year": "compare_year",
    "minutes": "minutes",
    "mode": "mode",
    "levels": "level",
    "qualification_types": "type",
    "subjects": "subject",
    "provider_kinds": "provider_kind",
    "min_providers": "min_providers",
    "max_nearest_minutes": "max_nearest",
    "include_access": "include",
    "small_learners": "small_learners",
    "duplication_minutes": "duplication_minutes",
    "small_sixth_form": "small_sixth_form",
    "english_grade": "english",
    "maths_grade": "maths",
    "has_ehcp": "ehcp",
    "detour_factor": "detour_factor",
    "speed_kmh": "speed_kmh",
    "fixed_minutes": "fixed_minutes",
}


def _valid_year(value: str | None) -> bool:
    if value is None:
        return True
    match = ACADEMIC_YEAR_RE.match(value)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def validate(params: AnalysisParams) -> dict[str, str]:
    """Field name -> message for every value out of range (empty when all are valid)."""
    errors: dict[str, str] = {}
    for name in ("year", "compare_year"):
        if not _valid_year(getattr(params, name)):
            errors[name] = "Enter an academic year such as 2016/17."
    lo, hi = MINUTES_RANGE
    for name in ("minutes", "max_nearest_minutes", "duplication_minutes"):
        value = getattr(params, name)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            errors[name] = f"Enter a whole number of minutes from {lo} to {hi}."
    if params.mode not in MODES:
        errors["mode"] = "Choose public transport (pt), car or walk."
    for name, allowed in (
        ("levels", LEVELS),
        ("qualification_types", QUALIFICATION_TYPES),
        ("provider_kinds", PROVIDER_KINDS),
        ("include_access", OPTIONAL_ACCESS),
    ):
        bad = [v for v in getattr(params, name) if v not in allowed]
        if bad:
            errors[name] = f"Unknown value(s) {', '.join(map(str, bad))}; choose from " + (
                ", ".join(allowed)
            )
    for name, top in (("small_learners", 10_000), ("small_sixth_form", 100_000),
                      ("min_providers", 50)):
        value = getattr(params, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
            errors[name] = f"Enter a whole number from 1 to {top}."
    for name in ("english_grade", "maths_grade"):
        value = getattr(params, name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 9
        ):
            errors[name] = "Enter a GCSE grade from 1 to 9, or leave it empty."
    if params.detour_factor is not None and not 1 <= params.detour_factor <= 3:
        errors["detour_factor"] = "Enter a detour factor from 1 to 3."
    if params.speed_kmh is not None and not 1 <= params.speed_kmh <= 120:
        errors["speed_kmh"] = "Enter a speed from 1 to 120 km/h."
    if params.fixed_minutes is not None and not 0 <= params.fixed_minutes <= 60:
        errors["fixed_minutes"] = "Enter fixed minutes from 0 to 60."
    return errors


def _values(query: Mapping[str, Any], key: str) -> list[str]:
    """All non-empty values for a key, from a QueryDict, a dict of lists or a dict of strings."""
    if hasattr(query, "getlist"):
        raw = query.getlist(key)
    else:
        raw = query.get(key, [])
        raw = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    values: list[str] = []
    for item in raw:
        if item is None:
            continue
        values.extend(part.strip() for part in str(item).split(",") if part.strip())
    return values


def _from_query(
    cls, query: Mapping[str, Any], base: AnalysisParams | None = None,
) -> tuple[AnalysisParams, dict[str, str]]:
    # base: the defaults in force (e.g. the officers' thresholds); a query value overrides them.
    default = base or cls()
    kwargs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    int_fields = {"minutes", "max_nearest_minutes", "small_learners", "duplication_minutes",
                  "small_sixth_form", "english_grade", "maths_grade", "min_providers"}
    float_fields = {"detour_factor", "speed_kmh", "fixed_minutes"}
    tuple_fields = {"levels", "qualification_types", "subjects", "provider_kinds",
                    "include_access"}
    for name, query_name in QUERY_NAMES.items():
        values = _values(query, query_name)
        if not values:
            continue
        try:
            if name in tuple_fields:
                value: Any = tuple(dict.fromkeys(values))  # keep order, drop repeats
                if name == "levels":
                    value = tuple(v.upper() for v in value)
                if name == "include_access":
                    value = tuple(v.lower() for v in value)
            elif name in int_fields:
                value = int(values[0])
            elif name in float_fields:
                value = float(values[0])
                if value != value:  # NaN
                    raise ValueError
            elif name == "has_ehcp":
                flag = values[0].lower()
                if flag not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError
                value = flag in {"1", "true", "yes", "on"}
            else:
                value = values[0]
        except ValueError:
            errors[query_name] = "Enter a number." if name in int_fields | float_fields else (
                "Enter yes or no."
            )
            continue
        problem = validate(_unchecked(**{name: value}))
        if problem.get(name):
            errors[query_name] = problem[name]
            continue
        kwargs[name] = value
    return dataclasses.replace(default, **kwargs) if kwargs else default, errors


def _unchecked(**values: Any) -> AnalysisParams:
    """Parameters built without validation, so that one field can be checked on its own."""
    params = object.__new__(AnalysisParams)
    for spec in dataclasses.fields(AnalysisParams):
        object.__setattr__(params, spec.name, values.get(spec.name, spec.default))
    return params
