"""Writes that span several models of the areas app."""

from areas.importers.geometry import REGION_SIMPLIFY_DEGREES, to_geojson_geometry, union_of
from areas.models import Region


def rebuild_region_boundaries(*regions: Region | None) -> None:
    """Make each region's boundary the union of its small areas' polygons again.

    The same outline the Kent loader draws, so a moved area looks no different from a loaded one.
    """
    for region in regions:
        if region is None:
            continue
        polygons = list(region.areas.exclude(boundary=None).values_list("boundary", flat=True))
        outline = union_of(polygons, REGION_SIMPLIFY_DEGREES)
        region.boundary = to_geojson_geometry(outline) if outline is not None else None
        region.save(update_fields=["boundary"])
