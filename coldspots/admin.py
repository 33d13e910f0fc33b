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
    SavedScenario,
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


def _action_as_seen_by(user):
    """A column (and read-only field) for a saved scenario's board action that names the action
    only to those who may read it, as the what-if page's list does: a lead sees that a scenario
    informs another LCPA's action, not what the action says."""

    @admin.display(description="board action")
    def board_action_seen(saved):
        action = saved.board_action
        if action is None:
            return "None"
        if user.has_perm("coldspots.view_boardaction", action):
            return str(action)
        return "An action you cannot read"

    return board_action_seen


class ScenarioYearFilter(admin.SimpleListFilter):
    """The year the scenario was run on (in its parameters, so not a plain field filter)."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (model_admin.get_queryset(request).order_by()
                 .values_list("params__year", flat=True).distinct())
        return [(year, year) for year in sorted({y for y in years if isinstance(y, str)},
                                               reverse=True)]

    def queryset(self, request, queryset):
        return queryset.filter(params__year=self.value()) if self.value() else queryset


@admin.register(SavedScenario)
class SavedScenarioAdmin(HistoryAdmin):
    """What-if scenarios saved from the scenario page, which checks the changes and the board
    action before saving: so none is added here, and what the page computed (the parameters,
    the changes, who saved it and when) is read-only. A superuser may rename one or change the
    action it informs; the board and officers only read them (their permissions)."""

    list_filter = [ScenarioYearFilter, ("board_action", admin.EmptyFieldListFilter),
                   "created_at"]
    search_fields = ["name", "created_by__username"]
    list_select_related = ["created_by", "board_action__region"]
    raw_id_fields = ["board_action"]
    date_hierarchy = "created_at"
    COMPUTED = ["params", "changes", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def _action_seen(self, request):
        # One display per request: get_fields and get_readonly_fields must name the same one
        # (the admin and simple-history's version page leave read-only fields out of the form).
        if not hasattr(request, "_scenario_action_seen"):
            request._scenario_action_seen = _action_as_seen_by(request.user)
        return request._scenario_action_seen

    def get_list_display(self, request):
        return ["name", "year", "change_count", self._action_seen(request), "created_by",
                "created_at"]

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return ["name", "board_action", *self.COMPUTED]
        return ["name", self._action_seen(request), *self.COMPUTED]

    def get_readonly_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.COMPUTED
        return [self._action_seen(request), *self.COMPUTED]

    @admin.display(description="year", ordering="params__year")
    def year(self, saved):
        return saved.params.get("year", "") if isinstance(saved.params, dict) else ""

    @admin.display(description="changes")
    def change_count(self, saved):
        return len(saved.changes) if isinstance(saved.changes, list) else 0
