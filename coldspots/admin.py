from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coldspots.models import BoardAction


@admin.register(BoardAction)
class BoardActionAdmin(SimpleHistoryAdmin):
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
