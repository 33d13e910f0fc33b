from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from rules.contrib.admin import ObjectPermissionsModelAdmin

from areas.history_admin import HistoryAdmin
from coldspots.models import (
    LSIP_SOURCE,
    BoardAction,
    ChoiceThresholds,
    PrioritySector,
    TravelTime,
)


class VisibleActionsChangeList(ChangeList):
    """The list holds only the actions this person may see (asked of the permission backend)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if request.user.is_superuser:
            return queryset
        visible = [
            action.pk for action in queryset.only("pk", "remit", "region")
            if request.user.has_perm("coldspots.view_boardaction", action)
        ]
        return queryset.filter(pk__in=visible)


@admin.register(BoardAction)
class BoardActionAdmin(ObjectPermissionsModelAdmin, HistoryAdmin):
    """Who may see and record which action is decided per record by the rules (accounts)."""

    list_display = [
        "remit", "region", "level", "status", "owner", "due", "created_by", "created_at",
    ]
    list_filter = ["remit", "region", "level", "status"]
    search_fields = ["note", "action", "owner"]
    raw_id_fields = ["area", "provider"]

    def get_changelist(self, request, **kwargs):
        return VisibleActionsChangeList

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        permission = "coldspots.change_boardaction" if obj else "coldspots.add_boardaction"
        user = request.user

        class ScopedActionForm(base):
            def clean(self):
                data = super().clean()
                # The action as it would be saved must still be one this person may record.
                proposed = BoardAction(remit=data.get("remit") or "")
                proposed.region_id = getattr(data.get("region"), "pk", None)
                if not user.has_perm(permission, proposed):
                    raise forms.ValidationError(
                        "You can record actions only for your own remit or your own LCPA."
                    )
                return data

        return ScopedActionForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TravelTime)
class TravelTimeAdmin(HistoryAdmin):
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


@admin.register(PrioritySector)
class PrioritySectorAdmin(HistoryAdmin):
    """The priority sectors the skills report measures the offer against. Seeded with the
    Kent & Medway Local Skills Improvement Plan's five (see LSIP_SOURCE); officers keep them."""

    list_display = ["name", "order", "areas_covered", "routes_covered", "changed_at"]
    list_editable = ["order"]
    search_fields = ["name", "ssa_areas", "tlevel_routes"]
    fieldsets = [
        (None, {"fields": ["name", "order"],
                "description": "Seeded from the " + LSIP_SOURCE + ". Which sector subject "
                               "areas and T Level routes each sector covers is the project's "
                               "reading: correct it here; every change is kept in the history."}),
        ("What counts for the sector", {"fields": ["ssa_areas", "tlevel_routes"]}),
        ("Source", {"fields": ["source_note"]}),
    ]

    @admin.display(description="sector subject areas")
    def areas_covered(self, obj):
        return "; ".join(obj.area_list())

    @admin.display(description="T Level routes")
    def routes_covered(self, obj):
        return "; ".join(obj.route_list())
