"""The round's records in the admin, read-mostly: rounds are opened, closed, deleted and
reviewed on the round's own pages (which keep the states in order and write the year's
records), so the admin only shows them. The one edit is a round's deadline (an officer may
extend it); everything else is read-only here, and nothing is added or deleted."""

from django.contrib import admin

from areas.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin
from offerround.models import OfferRound, Submission, SubmittedOffer


@admin.register(OfferRound)
class OfferRoundAdmin(HistoryAdmin):
    list_display = ["academic_year", "deadline", "state", "opened_at", "closed_at"]
    list_filter = ["state"]
    search_fields = ["academic_year"]
    readonly_fields = ["academic_year", "state", "opened_by", "opened_at", "closed_at"]
    fields = ["academic_year", "deadline", "state", "opened_by", "opened_at", "closed_at"]

    def has_add_permission(self, request):
        return False  # "Open a round" pre-fills every provider's submission

    def has_delete_permission(self, request, obj=None):
        return False  # the round's delete page refuses a round with accepted submissions


class SubmittedOfferInline(admin.TabularInline):
    model = SubmittedOffer
    extra = 0
    fields = ["title", "level", "qualification_type", "subject", "site", "places", "action",
              "previous"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["provider", "round", "state", "submitted_at", "reviewed_at", "updated_at"]
    list_filter = ["round", "state"]
    search_fields = ["provider__name", "provider__urn"]
    list_select_related = ["provider", "round"]
    inlines = [SubmittedOfferInline]


@admin.register(SubmittedOffer)
class SubmittedOfferAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "submission", "level", "qualification_type", "action", "places"]
    list_filter = ["submission__round", "submission__state", "action", "level"]
    search_fields = ["title", "subject", "submission__provider__name"]
    list_select_related = ["submission__provider", "submission__round"]
