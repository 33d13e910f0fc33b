"""Small geometry helpers: grid references and region boundaries (no PostGIS: GeoJSON + shapely)."""

from functools import cache

from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

# Region boundaries are for display: 0.0005° (about 40 m) keeps them light but faithful.
REGION_BOUNDARY_TOLERANCE_DEGREES = 0.0005


@cache
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def lat_lon_to_grid(latitude: float, longitude: float) -> tuple[float, float]:
    """Return (easting, northing) on the British National Grid for a WGS84 point."""
    easting, northing = _to_grid().transform(longitude, latitude)
    return round(easting, 1), round(northing, 1)


def grid_to_lat_lon(easting: float, northing: float) -> tuple[float, float]:
    """Return (latitude, longitude) in WGS84 for a British National Grid point."""
    longitude, latitude = _to_wgs84().transform(easting, northing)
    return round(latitude, 6), round(longitude, 6)


def union_boundary(geometries: list[dict]) -> dict | None:
    """Dissolve GeoJSON geometries into one simplified GeoJSON geometry (None if there are none)."""
    shapes = [shape(g) for g in geometries if g]
    if not shapes:
        return None
    merged = unary_union([s.buffer(0) for s in shapes])
    simplified = merged.simplify(REGION_BOUNDARY_TOLERANCE_DEGREES, preserve_topology=True)
    return mapping(simplified)
