"""Request parameters: defaults, validation, and reading GET data without ever raising."""

import pytest
from django.http import QueryDict

from coldspots.params import MODE_ASSUMPTIONS, AnalysisParams


def test_defaults_are_the_boards_standard_view():
    """60 minutes by pt, choice = 3 providers with the nearest within 30 minutes, open access
    only, 30-minute duplication, 200-student sixth form."""
    params = AnalysisParams()
    assert (params.minutes, params.mode) == (60, "pt")
    assert (params.min_providers, params.max_nearest_minutes, params.include_access) == (3, 30, ())
    assert (params.duplication_minutes, params.small_sixth_form) == (30, 200)
    pt = params.assumptions()
    # The documented public-transport defaults (params module docstring), as literal numbers.
    assert (pt.detour_factor, pt.speed_kmh, pt.fixed_minutes, pt.walk_alternative) == (
        1.3, 20.0, 12.0, True)


def test_invalid_construction_raises_with_the_field():
    """Building parameters in code with a bad value fails loudly, naming the field."""
    with pytest.raises(ValueError, match="minutes"):
        AnalysisParams(minutes=0)
    with pytest.raises(ValueError, match="mode"):
        AnalysisParams(mode="bus")
    with pytest.raises(ValueError, match="levels"):
        AnalysisParams(levels=("4",))


def test_from_query_reads_every_kind_of_value():
    """Repeated and comma-separated lists, numbers, yes/no and years are all read."""
    query = QueryDict("minutes=45&mode=car&level=2&level=3&type=a_level,t_level&english=4"
                      "&ehcp=yes&year=2016/17&min_providers=4&max_nearest=20&include=selective,Independent")
    params, errors = AnalysisParams.from_query(query)
    assert errors == {}
    assert (params.minutes, params.mode, params.levels) == (45, "car", ("2", "3"))
    assert params.qualification_types == ("a_level", "t_level")
    assert (params.english_grade, params.has_ehcp, params.year) == (4, True, "2016/17")
    assert (params.min_providers, params.max_nearest_minutes) == (4, 20)
    assert params.include_access == ("selective", "independent")


def test_from_query_starts_from_the_officers_thresholds():
    """With a base (the settings record), the query overrides only what it names."""
    base = AnalysisParams(min_providers=5, max_nearest_minutes=40)
    params, errors = AnalysisParams.from_query(QueryDict("minutes=45"), base)
    assert errors == {} and (params.min_providers, params.max_nearest_minutes) == (5, 40)
    params, errors = AnalysisParams.from_query(QueryDict("min_providers=0&include=fees"), base)
    assert set(errors) == {"min_providers", "include"} and params.min_providers == 5


@pytest.mark.parametrize("query, field", [
    ("minutes=abc", "minutes"),
    ("minutes=999", "minutes"),
    ("mode=rocket", "mode"),
    ("level=7", "level"),
    ("type=degree", "type"),
    ("year=2016-17", "year"),
    ("year=2016/18", "year"),
    ("english=10", "english"),
    ("ehcp=perhaps", "ehcp"),
    ("min_providers=0", "min_providers"),
    ("max_nearest=nan", "max_nearest"),
    ("include=grammar", "include"),
    ("speed_kmh=-5", "speed_kmh"),
])
def test_from_query_never_raises_and_falls_back_to_defaults(query, field):
    """A bad value gives a message for its field and the default is used instead."""
    params, errors = AnalysisParams.from_query(QueryDict(query))
    assert errors.get(field)
    default = AnalysisParams()
    assert params == default


def test_to_query_round_trips():
    """A shareable URL's parameters read back to the same request."""
    params = AnalysisParams(minutes=75, levels=("3",), english_grade=4, has_ehcp=True,
                            subjects=("Digital",))
    query = QueryDict(mutable=True)
    for key, value in params.to_query().items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    assert AnalysisParams.from_query(query) == (params, {})
    assert AnalysisParams().to_query() == {}


def test_travel_overrides_replace_one_assumption():
    """A per-request speed changes only the speed of the selected mode."""
    params = AnalysisParams(mode="car", speed_kmh=30)
    assumed = params.assumptions()
    assert (assumed.speed_kmh, assumed.detour_factor, assumed.fixed_minutes) == (30, 1.3, 3.0)
    assert MODE_ASSUMPTIONS["car"].speed_kmh == 40  # the shared default is untouched


def test_cache_key_differs_when_any_threshold_differs():
    """Two requests that differ in one threshold never share a cache entry."""
    base = AnalysisParams().cache_key()
    assert AnalysisParams(minutes=60, mode="pt").cache_key() == base  # defaults spelled out
    for changed in ({"small_learners": 21}, {"min_providers": 4}, {"max_nearest_minutes": 20},
                    {"include_access": ("selective",)}, {"minutes": 45},
                    {"mode": "car"}, {"english_grade": 4}, {"has_ehcp": True},
                    {"detour_factor": 1.5}, {"levels": ("3",)}, {"year": "2015/16"}):
        assert AnalysisParams(**changed).cache_key() != base, changed
