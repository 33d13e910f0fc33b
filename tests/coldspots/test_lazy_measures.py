"""Measures made on first use and cached apart (coldspots.results): the skills measures, the SEND
report's specialist options, and the per-process copy of the input frames."""

import pickle

import numpy as np
import pandas as pd
import pytest
from django.core.cache import cache

from coldspots import remits
from coldspots.params import AnalysisParams
from coldspots.results import (
    compute,
    compute_from_inputs,
    data_version,
    load_inputs,
    specialist_options,
)
from providers.models import Provider
from tests.offermap.conftest import build_kent, make_provider

PARAMS = AnalysisParams(year="2016/17")


@pytest.fixture
def kent(db):
    return build_kent()


def assert_same_skills(one, other):
    assert (one.year, one.no_data_courses, one.no_data_standards) == (
        other.year, other.no_data_courses, other.no_data_standards)
    for name in ("offer_by_ssa", "offer_by_route", "area_reach", "region_reach",
                 "district_standards", "sectors"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(other, name))


def test_skills_are_made_on_first_use_and_equal_the_eager_ones(kent):
    """Results read back from the cache have no skills yet; asking for them gives the same
    measures as a fresh computation, and they are cached beside the results."""
    compute(PARAMS)
    cached = compute(PARAMS)  # read back from the cache
    assert cached.computed_skills is None
    version = data_version()
    key = f"coldspots:skills:{PARAMS.cache_key()}:{version}"
    assert cache.get(key) is None
    expected = compute_from_inputs(load_inputs(), PARAMS, version).skills
    assert_same_skills(cached.skills, expected)
    assert cache.get(key) is not None
    assert_same_skills(compute(PARAMS).skills, expected)


def test_results_of_hand_made_frames_keep_their_skills_when_pickled(kent):
    """With no data version there is nothing to read the frames back with: pickling makes the
    skills first, so the copy has them."""
    results = compute_from_inputs(load_inputs(), PARAMS)
    assert results.computed_skills is None
    copy = pickle.loads(pickle.dumps(results))  # noqa: S301 (our own bytes)
    assert copy.computed_skills is not None
    assert not hasattr(copy, "_skills_parts")
    assert_same_skills(copy.skills, results.skills)


def test_specialist_options_are_cached_with_the_results(kent):
    results, inputs = compute(PARAMS), load_inputs()
    expected = remits.specialist_options(inputs, results.sites, results.areas, results.params)
    first = specialist_options(results, inputs)
    np.testing.assert_array_equal(first, expected)
    key = f"coldspots:specialist-options:{PARAMS.cache_key()}:{results.data_version}"
    np.testing.assert_array_equal(cache.get(key), expected)


def test_input_frames_are_kept_in_the_process_until_the_data_or_the_cache_changes(kent):
    first = load_inputs()
    assert load_inputs() is first  # no unpickling on the next request
    make_provider("New Academy", kent.areas[2], kind=Provider.Kind.SIXTH_FORM_COLLEGE)
    changed = load_inputs()
    assert changed is not first
    assert "New Academy" in set(changed.sites["provider_name"])
    cache.clear()
    assert load_inputs() is not changed  # a cleared cache is read again
