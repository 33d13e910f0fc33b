from django.contrib import admin
from django.db.models import Count

from areas.history_admin import HistoryAdmin
from areas.models import Area, CohortFigure, District, Postcode, Region
from areas.services import rebuild_region_boundaries


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ["name", "code", "area_count", "provisional", "boundary_vintage"]
    list_filter = ["provisional"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    exclude = ["boundary"]  # rebuilt from the areas; a raw GeoJSON box helps nobody
    readonly_fields = ["boundary_note"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_areas=Count("areas"))

    @admin.display(description="small areas", ordering="num_areas")
    def area_count(self, region):
        return region.num_areas

    @admin.display(description="boundary")
    def boundary_note(self, region):
        return (
            "Built from the boundaries of its small areas. To change it, move small areas to or "
            "from this LCPA on the small areas page."
        )


@admin.register(District)
class DistrictAdmin(HistoryAdmin):
    list_display = ["name", "code", "la_code"]
    list_filter = ["la_code"]
    search_fields = ["name", "code"]
    exclude = ["boundary"]


@admin.register(Area)
class AreaAdmin(HistoryAdmin):
    list_display = ["code", "name", "district", "region", "imd_decile"]
    list_filter = ["region", "district", "imd_decile"]
    list_editable = ["region"]
    list_select_related = ["district", "region"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]

    def save_model(self, request, obj, form, change):
        previous_region = None
        if change and "region" in form.changed_data:
            previous_region = Area.objects.get(pk=obj.pk).region
        super().save_model(request, obj, form, change)
        if not change or "region" in form.changed_data:
            # An LCPA is the union of its areas: moving an area redraws both boundaries.
            rebuild_region_boundaries(previous_region, obj.region)


@admin.register(CohortFigure)
class CohortFigureAdmin(HistoryAdmin):
    list_display = [
        "measure", "geography", "place", "academic_year", "value", "is_estimate", "source",
    ]
    list_filter = ["measure", "geography", "academic_year", "is_estimate", "region"]
    list_select_related = ["area", "region"]
    search_fields = ["area__code", "area__name", "region__name", "source"]
    raw_id_fields = ["area"]


@admin.register(Postcode)
class PostcodeAdmin(HistoryAdmin):
    list_display = ["postcode", "area", "district_code", "latitude", "longitude"]
    search_fields = ["postcode"]
    raw_id_fields = ["area"]
    list_select_related = ["area"]
