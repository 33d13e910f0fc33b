"""Issue 14's fast cache misses change no figure: the provider table and the LCPA rows equal the
straightforward pandas versions they replaced (kept here as references), boundaries are
simplified once per data version, the LCPA page's duplication list is capped with a link to
the full CSV, and downloads are cached like pages."""

import csv
import dataclasses
import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldspots import analysis
from coldspots.results import compute_from_inputs
from offermap import maps, memo, presenters, views
from offermap.presenters import (
    LEVEL_LABELS,
    _is_missing,
    _levels_text,
    _minutes_text,
    _percent_change,
    _rate_text,
    _share_text,
    region_names,
    urn_list,
)
from providers.models import Course, Level
from tests.coldspots.strategies import cases
from tests.offermap.conftest import make_provider

SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------
# The implementations before issue 14 (groupby with Python functions, a filtered frame and a
# merge per LCPA and measure), as references.

def reference_provider_rows(inputs, offers):
    confirmed = offers["record_label"] == "confirmed"
    day = offers["last_confirmed"].where(confirmed) if "last_confirmed" in offers else (
        pd.Series(pd.NaT, index=offers.index))
    grouped = offers.assign(derived=offers["record_label"] == "derived", confirmed=confirmed,
                            day=day).groupby("site_id").agg(
        offers=("course_id", "size"),
        derived_offers=("derived", "sum"),
        confirmed_offers=("confirmed", "sum"),
        confirmed_first=("day", "min"),
        confirmed_last=("day", "max"),
        learners=("learners", lambda s: s.sum(min_count=1)),
        levels=("level", lambda s: ", ".join(
            LEVEL_LABELS[level] for level in Level.values if level in set(s))),
    )
    sites = inputs.sites.set_index("site_id").loc[grouped.index]
    names = region_names(inputs.regions)
    frame = pd.DataFrame({
        "site_id": grouped.index.to_numpy(),
        "provider_name": sites["provider_name"].to_numpy(),
        "provider_urn": pd.Series(urn_list(sites["provider_urn"]), dtype=object),
        "site_name": sites["site_name"].to_numpy(),
        "kind": [presenters.KIND_LABELS.get(kind, kind) for kind in sites["provider_kind"]],
        "lcpa": [names.get(slug, presenters.OUTSIDE_KENT) if slug else presenters.OUTSIDE_KENT
                 for slug in sites["region_slug"]],
        "offers": grouped["offers"].to_numpy(),
        "derived_offers": grouped["derived_offers"].to_numpy(dtype=int),
        "confirmed_offers": grouped["confirmed_offers"].to_numpy(dtype=int),
        "confirmed_first": np.array([None if pd.isna(d) else d.date()
                                     for d in grouped["confirmed_first"]], dtype=object),
        "confirmed_last": np.array([None if pd.isna(d) else d.date()
                                    for d in grouped["confirmed_last"]], dtype=object),
        "levels": grouped["levels"].to_numpy(),
        "learners": grouped["learners"].to_numpy(dtype=float),
        "latitude": sites["latitude"].to_numpy(dtype=float),
        "longitude": sites["longitude"].to_numpy(dtype=float),
        "out_of_county": sites["out_of_county"].to_numpy(dtype=bool),
    })
    return frame.sort_values(["provider_name", "site_name"], kind="stable").reset_index(drop=True)


def reference_choice_note(results, slug, levels):
    frame = results.region_level
    rows = frame.loc[(frame["region_slug"] == slug) & frame["level"].isin(levels)]
    measured = rows.loc[rows["measured"].astype(bool)].dropna(subset=["cold_share"])
    if measured.empty:
        return "partial data: no level in view is fully recorded, so no verdict"
    worst = measured.sort_values(["cold_share", "level"], ascending=[False, True]).iloc[0]
    params = results.params
    return (f"{LEVEL_LABELS[worst['level']]}: {_share_text(worst['no_choice_share'])} no "
            f"choice, {_share_text(worst['reduced_choice_share'])} reduced choice; on average "
            f"{_rate_text(worst['mean_providers'])} open-access providers within "
            f"{params.minutes} minutes, typical nearest {_minutes_text(worst['median_minutes'])}"
            f" (rule: fewer than {params.min_providers} or nearest over "
            f"{params.max_nearest_minutes} minutes is reduced choice)")


def reference_change_note(results, slug, levels):
    yoy = results.year_on_year
    rows = yoy.loc[(yoy["region_slug"] == slug) & yoy["level"].isin(levels)].dropna(
        subset=["offers_from", "offers_to"])
    if rows.empty or results.compare_year is None:
        return "no earlier year with data at these levels"
    named = _levels_text(tuple(level for level in LEVEL_LABELS if level in set(rows["level"])))
    offers_from, offers_to = int(rows["offers_from"].sum()), int(rows["offers_to"].sum())
    learners_from = rows["learners_from"].sum(min_count=1)
    learners_to = rows["learners_to"].sum(min_count=1)
    students = "students not recorded" if _is_missing(learners_from) or _is_missing(
        learners_to) else (f"students {int(learners_from):,} → {int(learners_to):,}"
                           f" ({_percent_change(learners_from, learners_to)})")
    return (f"{named} offers, {results.compare_year} → {results.year}: {offers_from:,} → "
            f"{offers_to:,} ({_percent_change(offers_from, offers_to)}); {students}")


def reference_lcpa_rows(results, levels):
    frame = results.region_level.drop_duplicates("region_slug")[
        ["region_slug", "region_name", "cohort"]].reset_index(drop=True)
    for key in presenters.MEASURE_COLUMNS:
        values = maps.region_values(
            key, results.region_level, results.guarantee_regions, results.year_on_year, levels)
        values = values.rename(columns={"value": key, "note": f"{key}_note"})
        frame = frame.merge(values, on="region_slug", how="left")
        notes = frame[f"{key}_note"].astype(object)
        frame[f"{key}_note"] = notes.where(notes.notna(), "")
        frame[f"{key}_text"] = [maps.format_value(v, maps.MEASURES[key]) for v in frame[key]]
    frame["cold_share_note"] = [reference_choice_note(results, slug, levels)
                                for slug in frame["region_slug"]]
    frame["options_per_1000_note"] = "offers at sites in the LCPA, not a within-reach count"
    frame["change_note"] = [reference_change_note(results, slug, levels)
                            for slug in frame["region_slug"]]
    return frame


def varied(inputs, data):
    """The case's offers with some learners known and some records derived or confirmed by
    their provider (on one of a few days, or with no day), so that the sums and counts have
    something to tell apart."""
    offers = inputs.offers.copy()
    count = len(offers)
    known = data.draw(st.lists(st.booleans(), min_size=count, max_size=count))
    numbers = data.draw(st.lists(st.integers(0, 300), min_size=count, max_size=count))
    labels = data.draw(st.lists(st.sampled_from(["published", "derived", "confirmed"]),
                                min_size=count, max_size=count))
    days = data.draw(st.lists(st.sampled_from([None, "2026-11-20", "2026-12-02", "2027-01-05"]),
                              min_size=count, max_size=count))
    offers["learners"] = [float(n) if k else np.nan for n, k in zip(numbers, known, strict=True)]
    offers["record_label"] = labels
    offers["last_confirmed"] = pd.to_datetime(pd.Series(days, index=offers.index, dtype=object))
    # The columns the provider table shows that the analysis' test counties leave out.
    sites = inputs.sites.copy()
    defaults = {"provider_name": [f"Provider {n % 3}" for n in range(len(sites))],
                "site_name": [f"Site {n}" for n in range(len(sites))],
                "provider_urn": pd.array([100 + n if n % 2 else pd.NA for n in range(len(sites))],
                                         dtype="Int64"),
                "provider_kind": "school_sixth_form", "out_of_county": False,
                "latitude": 51.2, "longitude": 0.8}
    for column, value in defaults.items():
        if column not in sites:
            sites[column] = value
    # The areas keep the test counties' columns (no district_code): the skills measures must
    # work without it (coldspots.skills.skills_measures).
    return dataclasses.replace(inputs, sites=sites, offers=offers)


@SETTINGS
@given(case=cases(), data=st.data())
def test_provider_rows_equal_the_groupby_version(case, data):
    inputs, params = case
    inputs = varied(inputs, data)
    results = compute_from_inputs(inputs, params)
    offers = presenters.selected_offers(results)
    if offers.empty:
        return
    pd.testing.assert_frame_equal(presenters.provider_rows(inputs, offers),
                                  reference_provider_rows(inputs, offers))


@SETTINGS
@given(case=cases(), data=st.data())
def test_lcpa_rows_equal_the_merge_version(case, data):
    inputs, params = case
    results = compute_from_inputs(varied(inputs, data), params)
    levels = analysis.measured_levels(params)
    pd.testing.assert_frame_equal(presenters.lcpa_rows(results, levels),
                                  reference_lcpa_rows(results, levels), check_dtype=False)


@pytest.mark.parametrize("query", [{}, {"level": "3"}, {"minutes": "30", "mode": "car"}])
def test_lcpa_rows_and_provider_rows_equal_the_references_on_the_page_data(kent, query):
    """On the pages' own data too (the small Kent database), for a few filter sets."""
    from coldspots.results import compute, load_inputs
    from offermap.forms import MapForm

    inputs = load_inputs()
    form = MapForm({"year": "2016/17", **query}, inputs.regions["region_slug"])
    results = compute(form.params)
    levels = analysis.measured_levels(form.params)
    pd.testing.assert_frame_equal(presenters.lcpa_rows(results, levels),
                                  reference_lcpa_rows(results, levels), check_dtype=False)
    offers = presenters.selected_offers(results)
    assert len(offers)
    pd.testing.assert_frame_equal(presenters.provider_rows(inputs, offers),
                                  reference_provider_rows(inputs, offers))


# ---------------------------------------------------------------------------------------------
# Work done once per data version

def test_boundaries_are_simplified_once_per_data_version(kent, monkeypatch):
    from coldspots.results import compute, load_inputs

    memo.clear()
    calls = []
    simplify = maps.simplify_geometry
    monkeypatch.setattr(maps, "simplify_geometry",
                        lambda geometry, *a, **k: calls.append(1) or simplify(geometry, *a, **k))
    inputs = load_inputs()
    rows = presenters.lcpa_rows(compute(), ("3",))
    first, _ = presenters.shaded_regions(inputs.regions, rows, "cold_share", "v1")
    assert len(calls) == len(inputs.regions)
    again, _ = presenters.shaded_regions(inputs.regions, rows, "guarantee", "v1")
    assert len(calls) == len(inputs.regions)  # not simplified again
    assert list(again["boundary"]) == list(first["boundary"])
    assert list(first["boundary"]) == [simplify(b) for b in inputs.regions["boundary"]]
    presenters.shaded_regions(inputs.regions, rows, "cold_share", "v2")  # a new data version
    assert len(calls) == 2 * len(inputs.regions)
    presenters.shaded_regions(inputs.regions, rows, "cold_share")  # no version: not kept
    presenters.shaded_regions(inputs.regions, rows, "cold_share")
    assert len(calls) == 4 * len(inputs.regions)
    memo.clear()


def test_only_the_last_few_data_versions_are_kept():
    memo.clear()
    for number in range(memo.KEPT_VERSIONS + 2):
        memo.per_version(f"v{number}", "x", lambda n=number: n)
    built = []
    assert memo.per_version("v0", "x", lambda: built.append(1) or "again") == "again"
    assert built == [1]
    assert memo.per_version(f"v{memo.KEPT_VERSIONS + 1}", "x", lambda: "no") \
        == memo.KEPT_VERSIONS + 1
    memo.clear()


# ---------------------------------------------------------------------------------------------
# The duplication list, capped on the page, whole in its CSV

@pytest.fixture
def many_pairs(kent):
    """Six East Kent providers with 3 learners on a Level 3 A Level in 2016/17: 15 pairs of
    duplicated small offers."""
    for number in range(4):
        make_provider(f"Extra School {number}", kent.areas[number % 3])
    Course.objects.filter(academic_year="2016/17", qualification_type="a_level",
                          site__area__region__slug="east-kent").update(learners=3)
    return kent


def test_duplication_list_is_capped_with_a_link_to_every_pair(client, many_pairs,
                                                              monkeypatch):
    monkeypatch.setattr(views, "DUPLICATION_SHOWN", 5)
    html = client.get("/lcpa/east-kent/?year=2016/17").content.decode()
    section = html.split('id="duplication"')[1].split('id="providers"')[0]
    assert section.count('<tr class="govuk-table__row">') == 1 + 5  # header and 5 pairs
    csv_url = "/lcpa/east-kent/download/duplication.csv?year=2016%2F17"
    assert "Showing the first 5 of 15 pairs" in section
    assert f'href="{csv_url}"' in section
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).content.decode())))
    assert len(rows) == 15
    assert {row["learners_a"] for row in rows} == {"c"}


def test_a_short_duplication_list_is_shown_whole(client, many_pairs):
    html = client.get("/lcpa/east-kent/?year=2016/17").content.decode()
    section = html.split('id="duplication"')[1].split('id="providers"')[0]
    assert section.count('<tr class="govuk-table__row">') == 1 + 15
    assert "Showing the first" not in section


# ---------------------------------------------------------------------------------------------
# Downloads cached like pages

@pytest.mark.parametrize("url", [
    "/download/cold-spots.csv?year=2016/17",
    "/download/map.geojson?year=2016/17&lcpa=east-kent",
    "/lcpa/east-kent/download/cold-spots.csv?year=2016/17",
])
def test_downloads_are_made_once_per_data_version_and_filters(client, kent, monkeypatch, url):
    calls = []
    table = presenters.cold_area_table
    monkeypatch.setattr(presenters, "cold_area_table",
                        lambda *a, **k: calls.append(1) or table(*a, **k))
    view_geojson = presenters.view_geojson
    monkeypatch.setattr(presenters, "view_geojson",
                        lambda *a, **k: calls.append(1) or view_geojson(*a, **k))
    first = client.get(url)
    made = len(calls)
    assert made >= 1
    second = client.get(url)
    assert len(calls) == made  # served from the cache
    assert second.content == first.content
    for header in ("Content-Type", "Content-Disposition"):
        assert second[header] == first[header]
    other = client.get(re.sub(r"year=2016/17", "year=2015/16", url))  # other filters
    assert other.status_code == 200 and len(calls) > made
    # A change to the data makes a new version: the download is made again.
    made = len(calls)
    Course.objects.filter(academic_year="2016/17").first().save()
    assert client.get(url).status_code == 200
    assert len(calls) > made
