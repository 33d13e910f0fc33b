"""Presentation of analysis results as maps: measures, colour scales, legends and folium maps.

Pure functions over DataFrames (no ORM): the views pass in frames and results from `coldspots`
and get back values to shade with, legend bands, and the `html` and `script` parts of a folium
map. Folium's own header is never used, because it loads Leaflet, jQuery and Bootstrap from
CDNs; the page loads Leaflet and Leaflet.markercluster from static/vendor instead.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster
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


@dataclass(frozen=True)
class MapParts:
    """What a page embeds: the map's container element and the script that draws into it."""

    html: str
    script: str


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
        frame = year_on_year.dropna(subset=["offers_from", "offers_to"])
        if levels:
            frame = frame.loc[frame["level"].isin(levels)]
        totals = frame.groupby("region_slug", as_index=False)[["offers_from", "offers_to"]].sum()
        before = totals["offers_from"].astype(float)
        after = totals["offers_to"].astype(float)
        change = (after - before) / before.where(before > 0)
        notes = [
            f"{int(a) - int(b):+,} offer{'' if abs(int(a) - int(b)) == 1 else 's'} "
            f"({int(b):,} to {int(a):,})"
            for b, a in zip(before, after, strict=True)
        ]
        return pd.DataFrame(
            {"region_slug": totals["region_slug"], "value": change, "note": notes}
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
    frame = frame.dropna(subset=["cold_share"])
    if frame.empty:
        return pd.DataFrame(columns=["region_slug", "value", "note"])
    worst = frame.sort_values(["cold_share", "level"], ascending=[False, True]).drop_duplicates(
        "region_slug"
    )
    several_levels = len(set(frame["level"])) > 1
    notes = [
        f"highest at {level_label(level)}" if several_levels and share > 0 else ""
        for level, share in zip(worst["level"], worst["cold_share"], strict=True)
    ]
    return pd.DataFrame(
        {
            "region_slug": worst["region_slug"].to_numpy(),
            "value": worst["cold_share"].astype(float).to_numpy(),
            "note": notes,
        }
    )


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


def _bounds(features: list[dict]) -> list[list[float]] | None:
    geometries = [shape(f["geometry"]) for f in features if f.get("geometry")]
    if not geometries:
        return None
    west, south, east, north = shapely.GeometryCollection(geometries).bounds
    return [[south, west], [north, east]]


# Builds each provider marker from a data row with DOM text nodes, so a provider's name can never
# be read as HTML. Row: [lat, lon, name, url, description].
_MARKER_CALLBACK = """
function (row) {
    var marker = L.marker(
        new L.LatLng(row[0], row[1]), {title: row[2], alt: row[2], keyboard: true}
    );
    var tip = document.createElement("span");
    tip.textContent = row[2];
    marker.bindTooltip(tip);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = row[3];
    link.textContent = row[2];
    box.appendChild(link);
    var detail = document.createElement("p");
    detail.textContent = row[4];
    box.appendChild(detail);
    marker.bindPopup(box);
    return marker;
}
"""


def region_features(regions: pd.DataFrame, focus: str = "") -> list[dict]:
    """GeoJSON features for shaded LCPAs; text properties are HTML-escaped for the tooltips.

    `regions` has region_slug, region_name, boundary, colour, no_data, value_text, band, note;
    the LCPA whose slug is `focus` is drawn with a heavy outline.
    """
    features = []
    for row in regions.itertuples(index=False):
        if not row.boundary:
            continue
        detail = row.value_text + (f" ({row.note})" if getattr(row, "note", "") else "")
        features.append(
            {
                "type": "Feature",
                "geometry": row.boundary,
                "properties": {
                    "name": html.escape(str(row.region_name)),
                    "value": html.escape(detail),
                    "band": html.escape(str(row.band)),
                    "colour": row.colour,
                    "no_data": bool(row.no_data),
                    "focus": row.region_slug == focus,
                },
            }
        )
    return features


# Small areas are drawn simplified by about 50–90 m (invisible at county zoom) and, when there
# are many, merged by description, so that the page stays light (issue 5: ≤ 800 KB).
SMALL_AREA_TOLERANCE = 0.0008
MAX_SEPARATE_AREAS = 200


def area_features(areas: pd.DataFrame, max_separate: int = MAX_SEPARATE_AREAS) -> list[dict]:
    """GeoJSON features for small-area cold spots from area_code, area_name, boundary (GeoJSON,
    may be None) and description (the levels and why, in words).

    Up to `max_separate` areas each get their own shape, named in its tooltip. Beyond that the
    areas with the same description are merged into one shape, whose tooltip says how many
    small areas it covers (the download lists them by name).
    """
    areas = areas.loc[[bool(b) for b in areas["boundary"]]] if len(areas) else areas
    if len(areas) <= max_separate:
        return [
            {
                "type": "Feature",
                "geometry": simplify_geometry(row.boundary, SMALL_AREA_TOLERANCE),
                "properties": {
                    "name": html.escape(f"{row.area_name} ({row.area_code})"),
                    "value": html.escape(str(row.description)),
                },
            }
            for row in areas.itertuples(index=False)
        ]
    features = []
    for description, group in areas.groupby("description", sort=True):
        merged = shapely.union_all([shape(boundary) for boundary in group["boundary"]])
        features.append({
            "type": "Feature",
            "geometry": simplify_geometry(mapping(merged), SMALL_AREA_TOLERANCE),
            "properties": {
                "name": f"{len(group)} small areas (listed in the cold-spot download)",
                "value": html.escape(str(description)),
            },
        })
    return features


def _region_style(feature: dict) -> dict:
    no_data = feature["properties"]["no_data"]
    return {
        "fillColor": feature["properties"]["colour"],
        "fillOpacity": 0.75,
        "color": OUTLINE_COLOUR,
        "weight": 5 if feature["properties"].get("focus") else 2,
        # A dashed outline marks "no data" without relying on colour.
        "dashArray": "6 4" if no_data else None,
    }


def _area_style(_feature: dict) -> dict:
    return {
        "fillColor": COLD_AREA_COLOUR,
        "fillOpacity": 0.35,
        "color": COLD_AREA_COLOUR,
        "weight": 1,
    }


def build_map(
    region_feature_list: list[dict],
    sites: pd.DataFrame,
    cold_area_features: list[dict] | None = None,
    *,
    measure_label: str,
    tiles_url: str = "",
    tiles_attribution: str = "",
    focus_features: list[dict] | None = None,
) -> folium.Map:
    """A folium map: LCPAs shaded, optional small-area cold spots, clustered provider markers.

    `sites` has latitude, longitude, name, url, description (one row per marker). With no
    `tiles_url` the map has no base tiles, so it needs no network.
    """
    fmap = folium.Map(
        location=[51.2, 0.8],
        zoom_start=9,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # Leaflet.markercluster needs the map's own zoom limits (there may be no tile layer to set
    # them); 7 shows all of Kent, 18 a single street.
    fmap.options["maxZoom"] = 18
    fmap.options["minZoom"] = 7
    # No zoom or fade animations: calmer for people who are sensitive to motion, and the map is
    # never caught half-way with markers on top of each other.
    fmap.options["zoomAnimation"] = False
    fmap.options["fadeAnimation"] = False
    fmap.options["markerZoomAnimation"] = False
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url, attr=tiles_attribution or "Base map", name="Base map"
        ).add_to(fmap)
    if region_feature_list:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": region_feature_list},
            name=f"LCPAs: {measure_label}",
            style_function=_region_style,
            highlight_function=lambda _f: {"weight": 4},
            tooltip=folium.GeoJsonTooltip(
                fields=["name", "value", "band"],
                aliases=["LCPA", measure_label, "Band"],
            ),
        ).add_to(fmap)
    if cold_area_features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": cold_area_features},
            name="Small-area cold spots",
            style_function=_area_style,
            tooltip=folium.GeoJsonTooltip(
                fields=["name", "value"], aliases=["Small area", "Cold spot at"]
            ),
        ).add_to(fmap)
    if not sites.empty:
        rows = sites[["latitude", "longitude", "name", "url", "description"]].to_numpy().tolist()
        FastMarkerCluster(
            rows, callback=_MARKER_CALLBACK, name="Providers", options={"animate": False}
        ).add_to(fmap)
    if region_feature_list or cold_area_features:
        folium.LayerControl(collapsed=False).add_to(fmap)
    bounds = _bounds(focus_features or region_feature_list or [])
    if bounds:
        fmap.fit_bounds(bounds)
    return fmap


def map_parts(fmap: folium.Map) -> MapParts:
    """The map's container HTML and drawing script, without folium's CDN-loading header."""
    root = fmap.get_root()
    root.render()
    # Folium declares some names with `let`; run in a function scope so that drawing the same
    # map again after an htmx swap cannot collide with the names of the map it replaces.
    script = "(function () {\n" + root.script.render() + "\n})();"
    return MapParts(html=root.html.render(), script=script)
