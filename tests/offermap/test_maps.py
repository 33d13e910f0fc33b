"""offermap.maps: measures, colour bands, legends and the map document, on hand-built frames."""

import json
import math

import pandas as pd
import pytest
from shapely.geometry import shape

from offermap import maps

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[0.5, 51.0], [1.0, 51.0], [1.0, 51.3], [0.5, 51.3], [0.5, 51.0]]],
}


def test_cold_share_bands_label_every_value_in_words():
    """Each cold-spot share gets the band whose words describe it, and a missing one says so."""
    values = pd.Series([0.0, 0.05, 0.3, math.nan, 0.7])
    frame, bands = maps.shade(values, maps.MEASURES["cold_share"])
    assert frame["band"].tolist() == [
        "None", "Under 10%", "25% to under 50%", "No data recorded", "50% or more",
    ]
    assert frame["value_text"].tolist() == ["0%", "5%", "30%", "No data recorded", "70%"]
    assert frame["no_data"].tolist() == [False, False, False, True, False]
    assert [band.label for band in bands][-1] == "No data recorded"
    assert bands[-1].hatched


def test_quintile_bands_come_from_the_data():
    """Options per 1,000 are banded by the data's own quintiles, lowest band first."""
    values = pd.Series([1.0, 5.0, 9.0, 12.0, 40.0, 41.0])
    frame, bands = maps.shade(values, maps.MEASURES["options_per_1000"])
    assert frame["colour"].iloc[0] == maps.BLUES[0]
    assert frame["colour"].iloc[-1] == maps.BLUES[-1]
    assert bands[0].label.startswith("Below ")


def test_quintile_bands_with_one_distinct_value_still_label_it():
    """When every LCPA has the same value there is one band, not an error."""
    frame, bands = maps.shade(pd.Series([3.0, 3.0, 3.0]), maps.MEASURES["options_per_1000"])
    assert frame["no_data"].sum() == 0
    assert len(bands) == 3  # below the single edge, at or above it, and no data


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.004, "0.4%"), (0.5, "50%"), (0.995, "99.5%"), (1.0, "100%"), (None, "No data recorded")],
)
def test_shares_near_the_ends_keep_a_decimal(value, text):
    """A share that is nearly 0 or nearly 100 is not rounded to look like 0% or 100%."""
    assert maps.format_value(value, maps.MEASURES["cold_share"]) == text


def test_change_is_written_with_its_sign():
    """A fall reads as minus and a rise as plus, so the sign never depends on colour."""
    assert maps.format_value(-0.125, maps.MEASURES["change"]) == "-12%"
    assert maps.format_value(0.25, maps.MEASURES["change"]) == "+25%"
    assert maps.format_value(-0.004, maps.MEASURES["change"]) == "-0.4%"
    assert maps.format_value(0.0, maps.MEASURES["change"]) == "No change"


def _region_level():
    return pd.DataFrame(
        {
            "region_slug": ["a", "a", "b", "b"],
            "level": ["2", "3", "2", "3"],
            "cohort": [100.0, 100.0, 50.0, 50.0],
            "cold_share": [0.1, 0.4, 0.0, math.nan],
            "options_per_1000": [5.0, 7.0, 3.0, math.nan],
            "no_data": [False, False, False, True],
        }
    )


def test_cold_share_over_several_levels_is_the_highest_and_names_the_level():
    """With two levels the LCPA shows its worst level's share, and says which level that is."""
    values = maps.region_values("cold_share", _region_level(), pd.DataFrame(), pd.DataFrame())
    by_slug = values.set_index("region_slug")
    assert by_slug.loc["a", "value"] == pytest.approx(0.4)
    assert by_slug.loc["a", "note"] == "highest at Level 3"
    assert by_slug.loc["b", "value"] == pytest.approx(0.0)


def test_cold_share_for_one_level_has_no_note():
    """With a single level selected the value is that level's share."""
    values = maps.region_values(
        "cold_share", _region_level(), pd.DataFrame(), pd.DataFrame(), ["2"]
    )
    assert values.set_index("region_slug")["value"].to_dict() == {"a": 0.1, "b": 0.0}
    assert set(values["note"]) == {""}


def test_options_per_1000_add_up_over_levels_with_data():
    """Options per 1,000 at several levels are summed; a level with no data adds nothing."""
    values = maps.region_values("options_per_1000", _region_level(), pd.DataFrame(), pd.DataFrame())
    assert values.set_index("region_slug")["value"].to_dict() == {"a": 12.0, "b": 3.0}


def test_guarantee_is_the_covered_share():
    """Guarantee coverage is each row's covered share, Kent's included."""
    guarantee = pd.DataFrame(
        {"region_slug": ["a", "kent"], "cohort": [1.0, 2.0], "covered_share": [0.8, 0.9],
         "weakest_component": ["t_level", "t_level"]}
    )
    values = maps.region_values("guarantee", pd.DataFrame(), guarantee, pd.DataFrame())
    assert values.set_index("region_slug")["value"].to_dict() == {"a": 0.8, "kent": 0.9}


def test_guarantee_with_parts_without_data_cannot_be_confirmed():
    """Where parts have no data the whole-guarantee share is not shown as 0% but as 'cannot be
    confirmed', with how many parts lack data and the share reaching the parts with data."""
    guarantee = pd.DataFrame({
        "region_slug": ["a", "b"], "cohort": [1.0, 1.0], "covered_share": [0.0, 0.85],
        "covered_share_checked_parts": [0.97, 0.85], "parts_without_data": [3, 0],
        "weakest_component": ["", "a_level"],
    })
    values = maps.region_values("guarantee", pd.DataFrame(), guarantee, pd.DataFrame())
    by_slug = values.set_index("region_slug")
    assert math.isnan(by_slug.loc["a", "value"])
    assert by_slug.loc["a", "note"] == (
        "3 of 5 parts have no data recorded; 97% reach the parts that have data"
    )
    assert by_slug.loc["b", "value"] == pytest.approx(0.85) and by_slug.loc["b", "note"] == ""
    frame, bands = maps.shade(values["value"], maps.MEASURES["guarantee"])
    assert frame["value_text"].iloc[0].startswith("Cannot be confirmed")
    assert bands[-1].label.startswith("Cannot be confirmed")
    checked = maps.region_values("guarantee_checked", pd.DataFrame(), guarantee, pd.DataFrame())
    checked = checked.set_index("region_slug")
    assert checked.loc["a", "value"] == pytest.approx(0.97)
    assert checked.loc["a", "note"] == "leaves out 3 of 5 parts with no data"


def test_change_is_the_change_in_offers_at_the_selected_levels():
    """Year-on-year change adds offers over levels recorded in both years, then takes the change."""
    yoy = pd.DataFrame(
        {
            "region_slug": ["a", "a", "a", "b"],
            "level": ["2", "3", "E", "3"],
            "offers_from": [10, 10, math.nan, 0],
            "offers_to": [5, 10, 3, 4],
        }
    )
    values = maps.region_values("change", pd.DataFrame(), pd.DataFrame(), yoy).set_index(
        "region_slug"
    )
    assert values.loc["a", "value"] == pytest.approx(-0.25)
    assert values.loc["a", "note"] == "-5 offers (20 to 15)"
    assert values.loc["b", "note"] == "+4 offers (0 to 4)"
    assert math.isnan(values.loc["b", "value"])  # no offers before: no percentage change


def test_simplify_geometry_rounds_and_keeps_shape():
    """Boundaries sent to the browser are rounded to 4 decimals and stay valid polygons."""
    detailed = {
        "type": "Polygon",
        "coordinates": [[[0.512345678, 51.0], [0.75, 51.00001], [1.0, 51.0], [1.0, 51.3],
                         [0.512345678, 51.3], [0.512345678, 51.0]]],
    }
    simple = maps.simplify_geometry(detailed)
    ring = simple["coordinates"][0]
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in ring)
    assert len(ring) == 5  # the near-collinear point is gone
    assert maps.simplify_geometry(None) is None


def test_simplify_geometry_keeps_only_areas_when_rounding_breaks_a_ring():
    """A ring that rounding folds onto itself is repaired to polygons, never a collection."""
    bow_tie_after_rounding = {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [0.001, 0.001], [0.00101, 0.0], [0.0, 0.00102],
                         [0.0, 0.0]]],
    }
    simple = maps.simplify_geometry(bow_tie_after_rounding, tolerance=0.0, digits=3)
    assert simple["type"] == "MultiPolygon"  # the two triangles of the bow tie
    assert shape(simple).is_valid and shape(simple).area > 0


def _sites(names=("Highworth <Grammar>",)):
    return pd.DataFrame(
        {
            "latitude": [51.14] * len(names),
            "longitude": [0.87] * len(names),
            "name": list(names),
            "url": ["/providers/1/"] * len(names),
            "description": ["School sixth form"] * len(names),
        }
    )


def _regions(name="Ashford & <Co>", no_data=False):
    return pd.DataFrame(
        {
            "region_slug": ["a"], "region_name": [name], "boundary": [SQUARE],
            "colour": [maps.NO_DATA_COLOUR if no_data else "#fdbe85"], "no_data": [no_data],
            "value_text": ["5%"], "band": ["Under 10%"], "note": ["highest at Level 3"],
        }
    )


def test_map_document_is_plain_data_with_no_other_host():
    """The map is JSON-ready data: no HTML, script, CDN address or iframe anywhere in it."""
    document = maps.map_document(
        maps.region_features(_regions(), measure_label="Cold-spot share"), _sites(),
        measure_label="Cold-spot share",
    )
    text = json.dumps(document, allow_nan=False)
    assert "http://" not in text and "https://" not in text
    assert "<iframe" not in text and "function" not in text
    assert [layer["kind"] for layer in document["layers"]] == ["areas", "markers"]
    assert document["layers"][1]["cluster"] is True
    assert document["view"]["bounds"] == [[51.0, 0.5], [51.3, 1.0]]


def test_names_reach_the_map_as_the_same_text():
    """An LCPA or provider name with markup or template syntax is carried verbatim, as data
    (the browser sets it with textContent), never escaped twice or evaluated."""
    name = "<img src=x onerror=alert(1)> {{ 7*7 }}"
    features = maps.region_features(
        _regions(name), measure_label="Cold-spot share", link_for=lambda slug: f"/lcpa/{slug}/"
    )
    properties = features[0]["properties"]
    assert properties["name"] == name
    assert properties["tooltip"] == [
        {"label": "LCPA", "text": name},
        {"label": "Cold-spot share", "text": "5% (highest at Level 3)"},
        {"label": "Band", "text": "Under 10%"},
    ]
    assert properties["popup"] == {
        "title": name, "link": "/lcpa/a/", "lines": properties["tooltip"][1:],
    }
    marker = maps.map_document([], _sites([name]), measure_label="x")["layers"][0]["markers"][0]
    assert marker["name"] == name and "tooltip" not in marker  # the script shows the name
    assert marker["popup"] == {
        "title": name, "link": "/providers/1/",
        "lines": [{"label": None, "text": "School sixth form"}],
    }


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/", "/\\evil.example/", "https://x.org/",
            "/a b/", "", None],
)
def test_popup_links_are_only_paths_on_this_site(url):
    """A popup links only to a path on this site; anything else gets no link at all."""
    assert maps.same_site_path(url) is None
    assert maps.popup("Name", link=url)["link"] is None
    assert maps.same_site_path("/providers/12/") == "/providers/12/"


def test_no_tiles_by_default_and_configured_tiles_when_given():
    """The map has no base tiles unless a tile URL is configured."""
    assert maps.map_document([], _sites(), measure_label="x")["tiles"] is None
    tiled = maps.map_document(
        [], _sites(), measure_label="x", tiles_url="/tiles/{z}/{x}/{y}.png",
    )
    assert tiled["tiles"] == {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "Base map"}


def test_no_data_regions_are_hatched_and_dashed():
    """An LCPA with no data gets a hatched fill and a dashed outline as well as its colour."""
    missing = maps.region_features(_regions(no_data=True))[0]["properties"]["style"]
    known = maps.region_features(_regions())[0]["properties"]["style"]
    assert missing["hatched"] and missing["dashArray"]
    assert not known["hatched"] and not known["dashArray"]


def test_legend_is_exactly_what_the_map_draws():
    """Every fill the LCPA layer uses is a legend band with the same hatching, and the map's
    legend is the bands the page lists."""
    values = pd.Series([0.0, 0.3, math.nan])
    shading, bands = maps.shade(values, maps.MEASURES["cold_share"])
    regions = pd.concat([
        pd.DataFrame({"region_slug": ["a", "b", "c"], "region_name": ["A", "B", "C"],
                      "boundary": [SQUARE] * 3, "note": [""] * 3}),
        shading,
    ], axis=1)
    document = maps.map_document(
        maps.region_features(regions), _sites(), measure_label="x", bands=bands
    )
    legend = {(band["colour"], band["hatched"]) for band in document["legend"]}
    drawn = {(f["properties"]["style"]["fillColor"], f["properties"]["style"]["hatched"])
             for f in document["layers"][0]["features"]}
    assert drawn <= legend
    assert document["legend"] == [
        {"colour": b.colour, "label": b.label, "hatched": b.hatched} for b in bands
    ]


def test_markers_without_coordinates_are_left_out():
    """A site with no coordinates is not drawn (its JSON would not parse), the others are."""
    sites = _sites(["A", "B"]).assign(latitude=[51.1, math.nan])
    assert [m["name"] for m in maps.markers(sites)] == ["A"]


def _cold_areas(count):
    return pd.DataFrame({
        "area_code": [f"E0{i:07d}" for i in range(count)],
        "area_name": [f"Area <{i}>" for i in range(count)],
        "boundary": [{"type": "Polygon", "coordinates": [[[i * 0.01, 51.0], [i * 0.01 + 0.01, 51.0],
                      [i * 0.01 + 0.01, 51.01], [i * 0.01, 51.01], [i * 0.01, 51.0]]]}
                     for i in range(count)],
        "description": ["Level 3 (nothing within reach)" if i % 2 else "Level 2 (below)"
                        for i in range(count)],
    })


def test_few_cold_areas_are_drawn_one_by_one_with_their_names():
    """A handful of cold spots each get a shape named, verbatim, in its tooltip."""
    features = maps.area_features(_cold_areas(3))
    assert len(features) == 3
    assert features[0]["properties"]["name"] == "Area <0> (E00000000)"
    assert features[0]["properties"]["tooltip"][0] == {
        "label": "Small area", "text": "Area <0> (E00000000)",
    }


def test_many_cold_areas_are_merged_by_description():
    """Past the limit, areas with the same reason become one shape that says how many it holds."""
    features = maps.area_features(_cold_areas(10), max_separate=4)
    assert len(features) == 2
    names = sorted(f["properties"]["name"] for f in features)
    assert names == ["5 small areas (listed in the cold-spot download)"] * 2
    merged = next(f for f in features if "Level 3" in f["properties"]["tooltip"][1]["text"])
    assert shape(merged["geometry"]).area == pytest.approx(5 * 0.0001, rel=0.05)
