"""offermap.maps: measures, colour bands, legends and the folium map parts, on hand-built frames."""

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


def test_map_parts_hold_no_cdn_and_no_iframe():
    """The map's html and script never load anything from another host, and use no iframe."""
    regions = pd.DataFrame(
        {
            "region_slug": ["a"], "region_name": ["Ashford & <Co>"], "boundary": [SQUARE],
            "colour": ["#fff"], "no_data": [False], "value_text": ["5%"], "band": ["Under 10%"],
            "note": [""],
        }
    )
    fmap = maps.build_map(maps.region_features(regions), _sites(), measure_label="Cold-spot share")
    parts = maps.map_parts(fmap)
    combined = parts.html + parts.script
    assert "http://" not in combined and "https://" not in combined
    assert "<iframe" not in combined
    assert 'class="folium-map"' in parts.html
    assert "L.markerClusterGroup" in parts.script
    assert "L.AwesomeMarkers" not in parts.script  # not vendored, so never used


def test_names_reach_tooltips_escaped():
    """An LCPA or provider name with markup is shown as text, never run as HTML."""
    regions = pd.DataFrame(
        {
            "region_slug": ["a"], "region_name": ["<img src=x onerror=alert(1)>"],
            "boundary": [SQUARE], "colour": ["#fff"], "no_data": [False], "value_text": ["5%"],
            "band": ["Under 10%"], "note": [""],
        }
    )
    features = maps.region_features(regions)
    assert features[0]["properties"]["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    script = maps.map_parts(
        maps.build_map(features, _sites(["<b>bold</b>"]), measure_label="x")
    ).script
    assert "<img" not in script and "<b>" not in script
    assert "textContent = row[2]" in script  # marker names are set as text


def test_no_tiles_by_default_and_configured_tiles_when_given():
    """The map has no base tiles unless a tile URL is configured."""
    plain = maps.map_parts(maps.build_map([], _sites(), measure_label="x")).script
    assert "L.tileLayer" not in plain
    tiled = maps.map_parts(
        maps.build_map([], _sites(), measure_label="x", tiles_url="/tiles/{z}/{x}/{y}.png")
    ).script
    assert "/tiles/{z}/{x}/{y}.png" in tiled


def test_no_data_regions_are_dashed():
    """An LCPA with no data gets a dashed outline as well as its own fill."""
    no_data = {"properties": {"colour": maps.NO_DATA_COLOUR, "no_data": True}}
    assert maps._region_style(no_data)["dashArray"]
    assert not maps._region_style({"properties": {"colour": "#fff", "no_data": False}})[
        "dashArray"
    ]


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


def test_few_cold_areas_are_drawn_one_by_one_with_escaped_names():
    """A handful of cold spots each get a shape named (as text) in its tooltip."""
    features = maps.area_features(_cold_areas(3))
    assert len(features) == 3
    assert features[0]["properties"]["name"] == "Area &lt;0&gt; (E00000000)"


def test_many_cold_areas_are_merged_by_description():
    """Past the limit, areas with the same reason become one shape that says how many it holds."""
    features = maps.area_features(_cold_areas(10), max_separate=4)
    assert len(features) == 2
    names = sorted(f["properties"]["name"] for f in features)
    assert names == ["5 small areas (listed in the cold-spot download)"] * 2
    merged = next(f for f in features if "Level 3" in f["properties"]["value"])
    assert shape(merged["geometry"]).area == pytest.approx(5 * 0.0001, rel=0.05)
