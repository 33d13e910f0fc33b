"""GeoJSON helpers: simplify and round polygons so that the committed extract stays small."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from areas.importers.validation import ImportFileError, RowProblem, file_problem

COORDINATE_DECIMALS = 5  # about 1 m on the ground
# LCPA outlines are unions of small areas, simplified this much (areas.services rebuilds them).
REGION_SIMPLIFY_DEGREES = 0.0003

_to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
_to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def lon_lat_to_easting_northing(lon, lat):
    """WGS84 longitude/latitude to British National Grid metres (arrays or scalars)."""
    return _to_grid.transform(lon, lat)


def easting_northing_to_lon_lat(easting, northing):
    """British National Grid metres to WGS84 longitude/latitude (arrays or scalars)."""
    return _to_wgs84.transform(easting, northing)


def _round_coords(coords, decimals):
    if isinstance(coords, (int, float)):
        return round(float(coords), decimals)
    return [_round_coords(c, decimals) for c in coords]


def to_geojson_geometry(geom, decimals: int = COORDINATE_DECIMALS) -> dict:
    """A shapely geometry as a GeoJSON dict with rounded coordinates."""
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _round_coords(data["coordinates"], decimals)}


def simplify(geom, tolerance_degrees: float):
    """Simplify without breaking topology, snap to the rounding grid and keep it valid."""
    simple = shapely.set_precision(
        geom.simplify(tolerance_degrees, preserve_topology=True), 10**-COORDINATE_DECIMALS
    )
    if not simple.is_valid:
        simple = shapely.make_valid(simple)
    return simple


def union_of(geometries, tolerance_degrees: float = 0.0003):
    """The outline of several areas (e.g. an LCPA from its LSOAs), simplified.

    A tiny buffer out and back closes the slivers left between separately simplified neighbours.
    """
    geoms = [shape(g) if isinstance(g, dict) else g for g in geometries if g]
    if not geoms:
        return None
    merged = shapely.union_all([g.buffer(0) for g in geoms])
    merged = merged.buffer(0.00002).buffer(-0.00002)
    return simplify(merged, tolerance_degrees)


def read_feature_collection(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection; ImportFileError naming the file when it
    cannot be read, is not UTF-8 JSON or is not a FeatureCollection."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError([file_problem(path, error)]) from None
    except json.JSONDecodeError as error:
        raise ImportFileError([RowProblem(
            Path(path).name, error.lineno, "", f"not valid JSON ({error.msg}, column {error.colno})"
        )]) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ImportFileError([RowProblem(
            Path(path).name, None, "", "not a GeoJSON FeatureCollection (no list of features)"
        )])
    return features


def write_feature_collection(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(collection, handle, separators=(",", ":"), ensure_ascii=False)
        handle.write("\n")
