from django.contrib import admin

from areas.history_admin import HistoryAdmin
from coldspots.models import BoardAction, ChoiceThresholds, TravelTime


@admin.register(BoardAction)
class BoardActionAdmin(HistoryAdmin):
    list_display = [
        "remit", "region", "level", "status", "owner", "due", "created_by", "created_at",
    ]
    list_filter = ["remit", "region", "level", "status"]
    search_fields = ["note", "action", "owner"]
    raw_id_fields = ["area"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TravelTime)
class TravelTimeAdmin(admin.ModelAdmin):
    """Imported journey times; they come in by `manage.py import_travel_times`, not by hand."""

    list_display = ["area", "site", "mode", "minutes", "source", "imported_at"]
    list_filter = ["mode", "source"]
    list_select_related = ["area", "site", "site__provider"]
    search_fields = ["area__code", "area__name", "site__name", "site__provider__name"]
    raw_id_fields = ["area", "site"]


@admin.register(ChoiceThresholds)
class ChoiceThresholdsAdmin(HistoryAdmin):
    """One record: the N and X of the choice rule. History shows who changed them and when."""

    list_display = ["__str__", "min_providers", "max_nearest_minutes", "changed_at"]

    def has_add_permission(self, request):
        return not ChoiceThresholds.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
