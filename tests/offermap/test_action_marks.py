"""offermap.maps.with_open_actions: open board actions added to a copy of the map document."""

import copy

from offermap import maps
from tests.offermap.conftest import square


def document():
    regions = [
        {"type": "Feature", "geometry": square(1.0, 51.1, 0.2),
         "properties": {"name": name, "tooltip": [maps.line(name, "LCPA")],
                        "popup": maps.popup(name, [], f"/lcpa/{slug}/")}}
        for name, slug in (("East Kent", "east-kent"), ("West Kent", "west-kent"))
    ]
    labels = [{"lat": 51.2, "lon": 1.1, "text": "East Kent", "kind": "lcpa"},
              {"lat": 51.2, "lon": 0.3, "text": "West Kent", "kind": "lcpa"},
              {"lat": 51.2, "lon": 1.0, "text": "Canterbury", "kind": "district"}]
    return maps.map_document(regions, _no_sites(), measure_label="Share", labels=labels)


def _no_sites():
    import pandas as pd

    return pd.DataFrame(columns=["latitude", "longitude", "name", "url", "description"])


AREA = {"code": "E01000001", "name": "Hostile <b>area</b>", "boundary": square(1.05, 51.15, 0.02),
        "count": 2, "levels": "Level 3", "link": "/reports/actions/?lcpa=east-kent"}


def test_marks_go_on_a_copy_and_the_cached_document_is_unchanged():
    """The input document (the cached one) is left exactly as it was."""
    original = document()
    before = copy.deepcopy(original)
    marked = maps.with_open_actions(original, {"East Kent": {"count": 1, "levels": ""}}, [AREA])
    assert original == before
    assert marked != original


def test_an_lcpa_with_open_actions_says_so_in_words_and_a_label():
    """Its tooltip and popup gain the count line, and a label of kind "action" sits at its name;
    an LCPA without actions is untouched."""
    marked = maps.with_open_actions(document(), {"East Kent": {"count": 3, "levels": "Level 2"}})
    features = {f["properties"]["name"]: f["properties"] for f in marked["layers"][0]["features"]}
    line = {"label": "Open board actions", "text": "3 open board actions (Level 2)"}
    assert line in features["East Kent"]["tooltip"]
    assert line in features["East Kent"]["popup"]["lines"]
    assert features["East Kent"]["popup"]["link"] == "/lcpa/east-kent/"
    assert "open_actions" not in features["West Kent"]
    labels = next(layer for layer in marked["layers"] if layer["id"] == "labels")["labels"]
    assert [(label["text"], label["lon"]) for label in labels if label["kind"] == "action"] == [
        ("3 open board actions", 1.1)]


def test_small_areas_with_open_actions_get_a_hatched_layer_under_the_labels():
    """The areas' layer is hatched (not colour alone), named in the layer control, drawn before
    the labels, and keeps hostile names as plain strings for textContent."""
    marked = maps.with_open_actions(document(), {}, [AREA, {**AREA, "boundary": None,
                                                           "code": "E01000002"}])
    ids = [layer["id"] for layer in marked["layers"]]
    assert ids.index("actions-areas") < ids.index("labels")
    layer = marked["layers"][ids.index("actions-areas")]
    assert layer["style"]["hatched"] is True and layer["style"]["weight"] >= 3
    assert marked["layer_control"] is True
    assert len(layer["features"]) == 1  # the area with no boundary is left out (it is in the table)
    properties = layer["features"][0]["properties"]
    assert properties["name"] == "Hostile <b>area</b> (E01000001)"
    assert properties["tooltip"][1]["text"] == "2 open board actions (Level 3)"
    assert properties["popup"]["link"] == "/reports/actions/?lcpa=east-kent"


def test_no_marks_returns_the_document_itself():
    """With no open actions to show, nothing is copied or added."""
    original = document()
    assert maps.with_open_actions(original, {}, []) is original
