"""Presentation of analysis results as maps: measures, colour scales, legends and map data.

Pure functions over DataFrames (no ORM): the views pass in frames and results from `coldspots`
and get back values to shade with, legend bands, and the map as one JSON-ready document
(`map_document`). The page embeds that document with Django's `json_script` and
static/js/offer-map.js turns it into Leaflet layers, setting every piece of text with
`textContent`. No stored text is ever part of a template's source: the map used to be drawn by
folium, whose branca templates are rendered and then parsed again as Jinja2, so a provider named
`{{ 7*7 }}` ran on the server (issue 8). Folium is therefore not used at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

NO_DATA_COLOUR = "#ffffff"
NO_DATA_LABEL = "No data recorded"
OUTLINE_COLOUR = "#0b0c0c"
COLD_AREA_COLOUR = "#1d70b8"

# ColorBrewer schemes, chosen to be distinguishable with common colour-vision deficiencies.
ORANGES = ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603")
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
GREENS = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
DIVERGING = ("#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac")


@dataclass(frozen=True)
class Measure:
    """One way of shading the LCPAs."""

    key: str
    label: str
    legend_title: str
    colours: tuple[str, ...]
    # Upper edges of the first len(colours) - 1 bands (a value below edge i is in band i);
    # None = bands from the data's quintiles.
    edges: tuple[float, ...] | None
    kind: str  # "share", "rate" or "change": how values are written
    # Band labels for fixed edges (one per colour); None = written from the edges.
    labels: tuple[str, ...] | None = None
    # What a missing value means for this measure.
    no_data_label: str = "No data recorded"


MEASURES = {
    "cold_share": Measure(
        "cold_share",
        "No or reduced choice",
        "Share of 16–17 year olds (estimate) with no or reduced choice of open-access provider",
        ORANGES,
        (0.0001, 0.10, 0.25, 0.50),
        "share",
        ("None", "Under 10%", "10% to under 25%", "25% to under 50%", "50% or more"),
    ),
    "options_per_1000": Measure(
        "options_per_1000",
        "Offers at sites in the LCPA per 1,000",
        "Offers recorded at sites in the LCPA per 1,000 16–17 year olds (estimate); not a "
        "within-reach count",
        BLUES,
        None,
        "rate",
    ),
    "guarantee": Measure(
        "guarantee",
        "Guarantee coverage",
        "Share of 16–17 year olds (estimate) who can reach the whole Young Person’s Guarantee",
        GREENS,
        (0.50, 0.75, 0.90, 0.9999),
        "share",
        ("Under 50%", "50% to under 75%", "75% to under 90%", "90% to under 100%", "100%"),
        "Cannot be confirmed (parts with no data recorded)",
    ),
    # Secondary to "guarantee": it leaves out the parts with no data, and says so.
    "guarantee_checked": Measure(
        "guarantee_checked",
        "Guarantee, parts with data only",
        "Share of 16–17 year olds (estimate) who can reach every part of the guarantee that has "
        "data. Parts with no data recorded are left out, so this is not the whole guarantee",
        GREENS,
        (0.50, 0.75, 0.90, 0.9999),
        "share",
        ("Under 50%", "50% to under 75%", "75% to under 90%", "90% to under 100%", "100%"),
    ),
    "change": Measure(
        "change",
        "Change since previous year",
        "Change in the number of offers since the previous year with data (students are in "
        "each LCPA's note)",
        DIVERGING,
        (-0.20, -0.05, 0.05, 0.20),
        "change",
        (
            "Fell by more than 20%",
            "Fell by over 5% to 20%",
            "Within 5% either way",
            "Rose by 5% to under 20%",
            "Rose by 20% or more",
        ),
    ),
}
DEFAULT_MEASURE = "cold_share"


@dataclass(frozen=True)
class Band:
    colour: str
    label: str
    hatched: bool = False


def format_share(value: float) -> str:
    """0.234 -> '23%'; shares near 0 or 1 keep a decimal so they do not read as 0% or 100%."""
    percent = value * 100
    if 0 < percent < 1 or 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def format_value(value: float | None, measure: Measure) -> str:
    """The value as words and figures, so that it never depends on colour."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return measure.no_data_label
    if measure.kind == "share":
        return format_share(value)
    if measure.kind == "change":
        return format_change(value)
    return f"{value:,.1f}"


def format_change(value: float) -> str:
    """-0.004 -> '-0.4%', 0 -> 'No change', 0.25 -> '+25%': a small change never reads as 0%."""
    percent = value * 100
    if percent == 0:
        return "No change"
    if abs(percent) < 1:
        return f"{percent:+.1f}%"
    return f"{percent:+.0f}%"


def _edge_text(value: float, measure: Measure) -> str:
    if measure.kind == "share":
        return format_share(value)
    if measure.kind == "change":
        return f"{value * 100:+.0f}%"
    return f"{value:,.1f}"


def band_edges(values: pd.Series, measure: Measure) -> tuple[float, ...]:
    """The measure's fixed edges, or quintile edges of the data (distinct, ascending)."""
    if measure.edges is not None:
        return measure.edges
    known = values.dropna()
    if known.empty:
        return ()
    quantiles = known.quantile([0.2, 0.4, 0.6, 0.8]).round(1)
    return tuple(sorted(set(quantiles.tolist())))


def legend_bands(edges: Sequence[float], measure: Measure) -> list[Band]:
    """One labelled band per colour in use, then the no-data band."""
    colours = _colours_for(len(edges) + 1, measure)
    bands: list[Band] = []
    for index, colour in enumerate(colours):
        if measure.labels is not None and len(measure.labels) == len(colours):
            label = measure.labels[index]
        elif index == 0:
            label = f"Below {_edge_text(edges[0], measure)}" if edges else "All LCPAs"
        elif index == len(edges):
            label = f"{_edge_text(edges[-1], measure)} or more"
        else:
            lower = _edge_text(edges[index - 1], measure)
            label = f"{lower} to under {_edge_text(edges[index], measure)}"
        bands.append(Band(colour, label))
    bands.append(Band(NO_DATA_COLOUR, measure.no_data_label, hatched=True))
    return bands


def _colours_for(count: int, measure: Measure) -> tuple[str, ...]:
    """Spread `count` colours over the measure's scheme (fewer quintile bands than colours)."""
    scheme = measure.colours
    if count >= len(scheme):
        return scheme
    if count <= 1:
        return (scheme[len(scheme) // 2],)
    step = (len(scheme) - 1) / (count - 1)
    return tuple(scheme[round(i * step)] for i in range(count))


def band_index(value: float, edges: Sequence[float]) -> int | None:
    """Which band a value falls in (None for a missing value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for index, edge in enumerate(edges):
        if value < edge:
            return index
    return len(edges)


def shade(values: pd.Series, measure: Measure) -> tuple[pd.DataFrame, list[Band]]:
    """Band, colour and label for each value; returns (frame indexed like values, legend bands)."""
    edges = band_edges(values, measure)
    bands = legend_bands(edges, measure)
    rows = []
    for value in values:
        index = band_index(value, edges)
        band = bands[-1] if index is None else bands[index]
        rows.append(
            {
                "band": band.label,
                "colour": band.colour,
                "no_data": index is None,
                "hatched": band.hatched,
                "value_text": format_value(value, measure),
            }
        )
    return pd.DataFrame(rows, index=values.index), bands


def region_values(
    measure_key: str,
    region_level: pd.DataFrame,
    guarantee_regions: pd.DataFrame,
    year_on_year: pd.DataFrame,
    levels: Iterable[str] = (),
) -> pd.DataFrame:
    """One value per LCPA (and the "kent" row) for the chosen measure and levels:
    region_slug, value, note.

    With several levels, the cold-spot share is the highest among them (the note names the
    level), options per 1,000 are added up, and the change is that of all their offers together
    (over the levels recorded in both years).
    """
    levels = tuple(levels)
    if measure_key == "guarantee":
        return _guarantee_values(guarantee_regions)
    if measure_key == "guarantee_checked":
        return _guarantee_checked_values(guarantee_regions)
    if measure_key == "change":
        # Plain Python over a few dozen rows (this runs on every cache miss): offers are whole
        # numbers, so adding them up in any order gives the same totals as a groupby.
        totals: dict[str, list[float]] = {}
        for slug, level, before, after in zip(
            year_on_year["region_slug"], year_on_year["level"], year_on_year["offers_from"],
            year_on_year["offers_to"], strict=True,
        ):
            if pd.isna(before) or pd.isna(after) or (levels and level not in levels):
                continue
            total = totals.setdefault(slug, [0.0, 0.0])
            total[0] += float(before)
            total[1] += float(after)
        slugs = sorted(totals)  # groupby's order
        before = np.array([totals[slug][0] for slug in slugs], dtype=float)
        after = np.array([totals[slug][1] for slug in slugs], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(before > 0, (after - before) / np.where(before > 0, before, 1),
                              np.nan)
        notes = [
            f"{int(a) - int(b):+,} offer{'' if abs(int(a) - int(b)) == 1 else 's'} "
            f"({int(b):,} to {int(a):,})"
            for b, a in zip(before, after, strict=True)
        ]
        return pd.DataFrame(
            {"region_slug": pd.Series(slugs, dtype=year_on_year["region_slug"].dtype),
             "value": change, "note": notes}
        )
    frame = region_level
    if levels:
        frame = frame.loc[frame["level"].isin(levels)]
    if "no_data" in frame.columns:
        frame = frame.loc[~frame["no_data"].astype(bool)]
    if measure_key == "options_per_1000":
        totals = frame.groupby("region_slug", as_index=False)["options_per_1000"].sum(
            min_count=1
        )
        return pd.DataFrame(
            {"region_slug": totals["region_slug"], "value": totals["options_per_1000"], "note": ""}
        )
    rows = [
        (slug, level, float(share)) for slug, level, share in zip(
            frame["region_slug"], frame["level"], frame["cold_share"], strict=True)
        if not pd.isna(share)
    ]
    if not rows:
        return pd.DataFrame(columns=["region_slug", "value", "note"])
    # Highest share first, the lower level first at a tie (a stable sort, like the frame's),
    # and each LCPA's first row kept: plain Python over a few dozen rows.
    ordered = sorted(rows, key=_highest_share_first)
    worst, seen = [], set()
    for row in ordered:
        if row[0] not in seen:
            seen.add(row[0])
            worst.append(row)
    several_levels = len({level for _, level, _ in rows}) > 1
    notes = [
        f"highest at {level_label(level)}" if several_levels and share > 0 else ""
        for _, level, share in worst
    ]
    return pd.DataFrame(
        {
            "region_slug": np.array([slug for slug, _, _ in worst], dtype=object),
            "value": np.array([share for _, _, share in worst], dtype=float),
            "note": notes,
        }
    )


def _highest_share_first(row: tuple) -> tuple:
    return (-row[2], row[1])


GUARANTEE_PARTS = 5


def _guarantee_values(guarantee_regions: pd.DataFrame) -> pd.DataFrame:
    """The share meeting the WHOLE guarantee. Where some parts have no data recorded it cannot
    be confirmed: the value is missing (never shown as a plain 0%) and the note says how many
    parts have no data and what share reaches the parts that have data."""
    frame = guarantee_regions
    missing = (frame["parts_without_data"] if "parts_without_data" in frame
               else pd.Series(0, index=frame.index)).fillna(0).astype(int)
    covered = frame["covered_share"].astype(float)
    checked = (frame["covered_share_checked_parts"].astype(float)
               if "covered_share_checked_parts" in frame else covered)
    notes = [
        f"{n} of {GUARANTEE_PARTS} parts have no data recorded; "
        f"{format_share(share) if not math.isnan(share) else 'no share'} reach the parts "
        "that have data" if n else ""
        for n, share in zip(missing, checked, strict=True)
    ]
    return pd.DataFrame({
        "region_slug": frame["region_slug"].to_numpy(),
        "value": covered.where(missing == 0).to_numpy(),
        "note": notes,
    })


def _guarantee_checked_values(guarantee_regions: pd.DataFrame) -> pd.DataFrame:
    """The share reaching every part that has data, with a note naming how many parts are left
    out for having no data."""
    frame = guarantee_regions
    column = ("covered_share_checked_parts" if "covered_share_checked_parts" in frame
              else "covered_share")
    missing = (frame["parts_without_data"] if "parts_without_data" in frame
               else pd.Series(0, index=frame.index)).fillna(0).astype(int)
    return pd.DataFrame({
        "region_slug": frame["region_slug"].to_numpy(),
        "value": frame[column].astype(float).to_numpy(),
        "note": [f"leaves out {n} of {GUARANTEE_PARTS} parts with no data" if n else ""
                 for n in missing],
    })


LEVEL_LABELS = {"E": "Entry level", "1": "Level 1", "2": "Level 2", "3": "Level 3"}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(str(level), str(level))


def simplify_geometry(geometry: dict | None, tolerance: float = 0.0004, digits: int = 4):
    """A lighter copy of a GeoJSON geometry for the web: simplified, with rounded coordinates.

    0.0004° is about 30 m in Kent, below what the map can show at county scale; 4 decimal
    places keep about 10 m. Returns None for a missing or empty geometry.
    """
    if not geometry:
        return None
    geom = shape(geometry)
    if geom.is_empty:
        return None
    geom = geom.simplify(tolerance, preserve_topology=True)
    geom = shapely.transform(geom, lambda coords: coords.round(digits))
    if not geom.is_valid:
        # Rounding can make a ring touch itself; repairing it may leave slivers of line or
        # point, which are not areas: keep only the polygons.
        geom = shapely.make_valid(geom)
        polygons = [
            part for part in shapely.get_parts(geom)
            if part.geom_type in ("Polygon", "MultiPolygon")
        ]
        geom = shapely.union_all(polygons) if polygons else shapely.Polygon()
        if geom.is_empty:
            return None
    return mapping(geom)


# ---------------------------------------------------------------------------------------------
# The map as data. `map_document` returns a JSON-ready dict; static/js/offer-map.js draws it.
#
# Every feature and marker carries:
#   name     the record's name (a marker's title and alt text);
#   tooltip  lines shown on hover, each {"label": str | None, "text": str} (a marker without
#            one shows its name);
#   popup    optional {"title": str, "link": same-site path | None, "lines": [line, ...]},
#            shown on click or Enter;
# and a feature may carry `style` (Leaflet path options, plus "hatched": fill with hatching),
# which overrides its layer's `style`. Text is only ever set with textContent in the browser,
# so any string is safe here; a later change adds a tooltip or popup line without touching the
# script.

# Kent at county scale. Leaflet.markercluster needs the map's own zoom limits (there may be no
# tile layer to set them); 7 shows all of Kent, 18 a single street.
MAP_VIEW = {"center": [51.2, 0.8], "zoom": 9, "minZoom": 7, "maxZoom": 18}


def line(text, label: str | None = None) -> dict:
    """One line of a tooltip or popup: an optional label and its text."""
    return {"label": label, "text": str(text)}


def same_site_path(url) -> str | None:
    """The URL if it is a path on this site ("/providers/1/"), else None: a popup never links
    to another host or to a `javascript:` address, whatever a record holds."""
    if not isinstance(url, str) or not url.startswith("/") or url[1:2] in ("/", "\\"):
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    return url


def popup(title, lines: Sequence[dict] = (), link=None) -> dict:
    return {"title": str(title), "link": same_site_path(link), "lines": list(lines)}


def _bounds(features: list[dict]) -> list[list[float]] | None:
    # The least and greatest of the coordinates themselves (what shapely's bounds are),
    # without making a shape of every feature on each cache miss.
    geometries = [f["geometry"] for f in features if f.get("geometry")]
    if any("coordinates" not in geometry for geometry in geometries):  # a collection
        west, south, east, north = shapely.GeometryCollection(
            [shape(geometry) for geometry in geometries]).bounds
        return [[south, west], [north, east]]
    points = [np.asarray(ring, dtype=float).reshape(-1, 2)
              for geometry in geometries for ring in _rings(geometry["coordinates"])]
    points = [p for p in points if len(p)]
    if not points:
        return None
    every = np.concatenate(points)
    (west, south), (east, north) = every.min(axis=0), every.max(axis=0)
    return [[float(south), float(west)], [float(north), float(east)]]


def _rings(coordinates):
    """The innermost lists of positions of a GeoJSON coordinates array (any geometry type)."""
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield [coordinates]
    elif coordinates and isinstance(coordinates[0][0], (int, float)):
        yield coordinates
    else:
        for part in coordinates or ():
            yield from _rings(part)


def _region_style(colour: str, hatched: bool, focus: bool) -> dict:
    return {
        "fillColor": colour,
        "fillOpacity": 0.75,
        "color": OUTLINE_COLOUR,
        "weight": 5 if focus else 2,
        # A hatched fill and a dashed outline mark "no data" without relying on colour.
        "dashArray": "6 4" if hatched else None,
        "hatched": bool(hatched),
    }


AREA_STYLE = {
    "fillColor": COLD_AREA_COLOUR,
    "fillOpacity": 0.35,
    "color": COLD_AREA_COLOUR,
    "weight": 1,
    "dashArray": None,
    "hatched": False,
}


def region_features(
    regions: pd.DataFrame, *, measure_label: str = "", focus: str = "", link_for=None
) -> list[dict]:
    """Map features for shaded LCPAs.

    `regions` has region_slug, region_name, boundary, colour, no_data, value_text, band, note
    (and optionally hatched); the LCPA whose slug is `focus` is drawn with a heavy outline.
    `link_for(slug)` gives the path its popup links to (None: no link).
    """
    features = []
    for row in regions.itertuples(index=False):
        if not row.boundary:
            continue
        note = getattr(row, "note", "")
        detail = str(row.value_text) + (f" ({note})" if note else "")
        lines = [
            line(row.region_name, "LCPA"),
            line(detail, measure_label or None),
            line(row.band, "Band"),
        ]
        hatched = bool(getattr(row, "hatched", row.no_data))
        is_focus = row.region_slug == focus
        features.append(
            {
                "type": "Feature",
                "geometry": row.boundary,
                "properties": {
                    "name": str(row.region_name),
                    "tooltip": lines,
                    "popup": popup(
                        row.region_name, lines[1:],
                        link_for(row.region_slug) if link_for else None,
                    ),
                    "style": _region_style(row.colour, hatched, is_focus),
                    "no_data": bool(row.no_data),
                    "focus": is_focus,
                },
            }
        )
    return features


# Small areas are drawn simplified by about 50–90 m (invisible at county zoom) and, when there
# are many, merged by description, so that the page stays light (issue 5: ≤ 800 KB).
SMALL_AREA_TOLERANCE = 0.0008
MAX_SEPARATE_AREAS = 200


def _area_feature(geometry: dict, name: str, description: str) -> dict:
    # Drawn with the layer's style (AREA_STYLE); no popup, so that hundreds of areas stay light.
    return {
        "type": "Feature",
        "geometry": simplify_geometry(geometry, SMALL_AREA_TOLERANCE),
        "properties": {
            "name": name,
            "tooltip": [line(name, "Small area"), line(description, "No or reduced choice")],
        },
    }


def area_features(areas: pd.DataFrame, max_separate: int = MAX_SEPARATE_AREAS) -> list[dict]:
    """Map features for small-area cold spots from area_code, area_name, boundary (GeoJSON,
    may be None) and description (the levels and why, in words).

    Up to `max_separate` areas each get their own shape, named in its tooltip. Beyond that the
    areas with the same description are merged into one shape, whose tooltip says how many
    small areas it covers (the download lists them by name).
    """
    areas = areas.loc[[bool(b) for b in areas["boundary"]]] if len(areas) else areas
    if len(areas) <= max_separate:
        return [
            _area_feature(row.boundary, f"{row.area_name} ({row.area_code})",
                          str(row.description))
            for row in areas.itertuples(index=False)
        ]
    features = []
    for description, group in areas.groupby("description", sort=True):
        merged = shapely.union_all([shape(boundary) for boundary in group["boundary"]])
        features.append(_area_feature(
            mapping(merged), f"{len(group)} small areas (listed in the cold-spot download)",
            str(description),
        ))
    return features


def markers(sites: pd.DataFrame) -> list[dict]:
    """One marker per row of `sites` (latitude, longitude, name, url, description); a row
    without finite coordinates is left out (it is still in the table beside the map)."""
    result = []
    for row in sites.itertuples(index=False):
        lat, lon = float(row.latitude), float(row.longitude)
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        name = str(row.name)
        result.append({
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "name": name,
            "popup": popup(name, [line(row.description)], row.url),
        })
    return result


def map_document(
    region_feature_list: list[dict],
    sites: pd.DataFrame,
    cold_area_features: list[dict] | None = None,
    *,
    measure_label: str,
    bands: Sequence[Band] = (),
    tiles_url: str = "",
    tiles_attribution: str = "",
    focus_features: list[dict] | None = None,
    labels: Sequence[dict] = (),
) -> dict:
    """The whole map as data: view, optional base tiles, layers (LCPAs shaded, optional
    small-area cold spots, clustered provider markers) and the legend bands it is shaded with.

    `sites` has latitude, longitude, name, url, description (one row per marker); `labels` are
    place names drawn as text ({lat, lon, text, kind "lcpa" | "district"}). With no
    `tiles_url` the map has no base tiles, so it needs no network.
    """
    layers = []
    if region_feature_list:
        layers.append({
            "id": "lcpas", "name": f"LCPAs: {measure_label}", "kind": "areas",
            "highlight": True, "features": region_feature_list,
        })
    if cold_area_features:
        layers.append({
            "id": "cold-areas", "name": "Small-area cold spots", "kind": "areas",
            "highlight": False, "style": AREA_STYLE, "features": cold_area_features,
        })
    site_markers = markers(sites) if len(sites) else []
    if site_markers:
        layers.append({
            "id": "providers", "name": "Providers", "kind": "markers", "cluster": True,
            "markers": site_markers,
        })
    if labels:
        # Last, so that the names are written over the shapes and markers.
        layers.append({"id": "labels", "name": "Place names", "kind": "labels",
                       "labels": [dict(label) for label in labels]})
    return {
        "view": {**MAP_VIEW, "bounds": _bounds(focus_features or region_feature_list or [])},
        "tiles": {"url": tiles_url, "attribution": tiles_attribution or "Base map"}
        if tiles_url else None,
        "layer_control": bool(region_feature_list or cold_area_features),
        "layers": layers,
        "legend": [
            {"colour": band.colour, "label": band.label, "hatched": band.hatched}
            for band in bands
        ],
    }


# ---------------------------------------------------------------------------------------------
# Open board actions on the map. They are added to a copy of the (cached) document per request,
# never cached with it: they change whenever the board records an action (which does not bump
# the data version, so no analysis is thrown away) and depend on who may read which action.
#
# A small area with open actions is drawn hatched with a heavy outline, in a layer of its own
# ("actions-areas"), with a tooltip naming how many and at which levels; an LCPA with open
# actions gets the same line in its tooltip and popup, and a text label on the map under its
# name ("2 open board actions", label kind "action"), so the mark never rests on colour alone.

ACTION_COLOUR = "#912b88"
ACTION_AREA_STYLE = {
    "fillColor": ACTION_COLOUR,
    "fillOpacity": 0.45,
    "color": ACTION_COLOUR,
    "weight": 3,
    "dashArray": None,
    "hatched": True,
}
ACTION_LINE_LABEL = "Open board actions"


def open_actions_text(count: int, levels: str = "") -> str:
    """'2 open board actions (Level 3, all levels)'."""
    text = f"{count} open board action{'' if count == 1 else 's'}"
    return f"{text} ({levels})" if levels else text


def action_area_features(rows: Iterable[dict]) -> list[dict]:
    """Features for small areas with open actions, from rows with code, name, boundary, count
    and levels (an area without a boundary is left out; it is still in the table)."""
    features = []
    for row in rows:
        geometry = simplify_geometry(row.get("boundary"), SMALL_AREA_TOLERANCE)
        if geometry is None:
            continue
        name = f"{row['name']} ({row['code']})"
        text = open_actions_text(int(row["count"]), str(row.get("levels", "")))
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "name": name,
                "tooltip": [line(name, "Small area"), line(text, ACTION_LINE_LABEL)],
                "popup": popup(name, [line(text, ACTION_LINE_LABEL)], row.get("link")),
            },
        })
    return features


def with_open_actions(document: dict, region_marks: dict[str, dict],
                      area_rows: Sequence[dict] = ()) -> dict:
    """A copy of `document` with open board actions marked: `region_marks` maps an LCPA's name
    to {count, levels}; `area_rows` are small areas (see action_area_features). The input
    document (perhaps from the cache) is not changed."""
    if not region_marks and not area_rows:
        return document
    layers = []
    for layer in document.get("layers", []):
        if layer.get("id") == "lcpas":
            layer = {**layer, "features": [
                _marked_region(feature, region_marks.get(feature["properties"]["name"]))
                for feature in layer["features"]
            ]}
        elif layer.get("id") == "labels":
            layer = {**layer, "labels": [*layer["labels"], *_action_labels(
                layer["labels"], region_marks)]}
        layers.append(layer)
    area_features_list = action_area_features(area_rows)
    if area_features_list:
        # Under the markers and the labels, over the shading.
        position = next((i for i, layer in enumerate(layers)
                         if layer.get("kind") in ("markers", "labels")), len(layers))
        layers.insert(position, {
            "id": "actions-areas", "name": "Small areas with open board actions",
            "kind": "areas", "highlight": False, "style": ACTION_AREA_STYLE,
            "features": area_features_list,
        })
    return {**document, "layers": layers,
            "layer_control": bool(document.get("layer_control") or area_features_list)}


def _marked_region(feature: dict, mark: dict | None) -> dict:
    if not mark:
        return feature
    properties = feature["properties"]
    mark_line = line(open_actions_text(int(mark["count"]), str(mark.get("levels", ""))),
                     ACTION_LINE_LABEL)
    marked = {**properties, "tooltip": [*properties.get("tooltip", []), mark_line],
              "open_actions": int(mark["count"])}
    if properties.get("popup"):
        marked["popup"] = {**properties["popup"],
                           "lines": [*properties["popup"].get("lines", []), mark_line]}
    return {**feature, "properties": marked}


def _action_labels(labels: Sequence[dict], region_marks: dict[str, dict]) -> list[dict]:
    """A text label under each marked LCPA's name (same point; CSS moves it below)."""
    return [
        {"lat": label["lat"], "lon": label["lon"], "kind": "action",
         "text": open_actions_text(int(region_marks[label["text"]]["count"]))}
        for label in labels
        if label.get("kind") == "lcpa" and label.get("text") in region_marks
    ]
