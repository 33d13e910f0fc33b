"""Writes that span several models of the areas app."""

from areas.geometry import union_boundary
from areas.models import Region


def rebuild_region_boundaries(*regions: Region | None) -> None:
    """Make each region's boundary the union of its small areas' polygons again."""
    for region in regions:
        if region is None:
            continue
        polygons = list(region.areas.exclude(boundary=None).values_list("boundary", flat=True))
        region.boundary = union_boundary(polygons)
        region.save(update_fields=["boundary"])
