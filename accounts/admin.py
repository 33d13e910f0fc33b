from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from accounts.models import Profile
from areas.history_admin import HistoryAdmin


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["remit", "region", "providers"]
    filter_horizontal = ["providers"]


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class OfficerUserAdmin(UserAdmin, HistoryAdmin):
    """Users with their role's scope; every change (and role given) is in the user's history."""

    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin, HistoryAdmin):
    pass
