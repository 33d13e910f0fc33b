from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.db.models import Count
from import_export.admin import ImportExportModelAdmin

from areas.history_admin import HistoryAdmin, ReadOnlyHistoryAdmin
from areas.models import Region
from providers.admin_import import CsvImportMixin
from providers.models import (
    ApprenticeshipStandard,
    Course,
    Enrolment,
    NoOfferConfirmation,
    Provider,
    ProviderStandard,
    Site,
)
from providers.resources import CourseResource, ProviderResource, SiteResource
from providers.spreadsheets import SpreadsheetSafeCSV


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["name", "postcode", "latitude", "longitude", "easting", "northing", "area", "is_main"]
    raw_id_fields = ["area"]
    show_change_link = True


class CourseInline(admin.TabularInline):
    model = Course
    extra = 0
    fields = [
        "academic_year", "title", "level", "qualification_type", "subject", "site", "learners",
        "record_label", "withdrawn",
    ]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this provider's own sites.
        if db_field.name == "site":
            provider_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Site.objects.filter(provider_id=provider_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["academic_year", "students_16_18", "source"]


class RegionOfSiteFilter(admin.SimpleListFilter):
    """Filter by LCPA through the small area a provider's sites fall in."""

    title = "LCPA"
    parameter_name = "lcpa"

    def lookups(self, request, model_admin):
        return [(region.slug, region.name) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        path = {
            Provider: "sites__area__region__slug",
            Site: "area__region__slug",
            Course: "site__area__region__slug",
            Enrolment: "provider__sites__area__region__slug",
            NoOfferConfirmation: "provider__sites__area__region__slug",
        }[queryset.model]
        return queryset.filter(**{path: self.value()}).distinct()


class CsvImportExportAdmin(CsvImportMixin, ImportExportModelAdmin, HistoryAdmin):
    """Officers exchange records as CSV: one format keeps the import form simple. A cell that a
    spreadsheet would run as a formula is exported as text (and imported back as it was).
    The import pages are providers/admin_import.py's (every bad row by its line; large files in
    the background); export is django-import-export's.

    Import adds and changes records, so it needs both permissions on the model; export shows
    every record, so it needs the admin's view permission (view, or change, which includes it).
    Without them the buttons are not shown and the import and export addresses answer 403.
    """

    import_formats = [SpreadsheetSafeCSV]
    export_formats = [SpreadsheetSafeCSV]

    def _has_model_permissions(self, request, *actions) -> bool:
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in actions
        )

    def has_import_permission(self, request):
        return self._has_model_permissions(request, "add", "change")

    def has_export_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Provider)
class ProviderAdmin(CsvImportExportAdmin):
    resource_classes = [ProviderResource]
    list_display = [
        "name", "urn", "kind", "admissions_policy", "specialist_send", "out_of_county", "status",
        "site_count", "course_count",
    ]
    list_filter = [
        "kind", RegionOfSiteFilter, "admissions_policy", "status", "out_of_county",
        "specialist_send",
    ]
    search_fields = ["name", "urn", "ukprn"]
    inlines = [SiteInline, CourseInline, EnrolmentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_sites=Count("sites", distinct=True))
            .annotate(num_courses=Count("courses", distinct=True))
            # A GROUP BY drops Meta.ordering; the course form's provider search pages by name.
            .order_by("name", "pk")
        )

    @admin.display(description="sites", ordering="num_sites")
    def site_count(self, provider):
        return provider.num_sites

    @admin.display(description="courses", ordering="num_courses")
    def course_count(self, provider):
        return provider.num_courses


@admin.register(Site)
class SiteAdmin(CsvImportExportAdmin):
    resource_classes = [SiteResource]
    list_display = ["name", "provider", "postcode", "area", "is_main"]
    list_filter = [RegionOfSiteFilter, "provider__kind", "is_main"]
    list_select_related = ["provider", "area"]
    search_fields = ["name", "postcode", "provider__name", "provider__urn"]
    raw_id_fields = ["provider", "area"]


@admin.register(Course)
class CourseAdmin(CsvImportExportAdmin):
    resource_classes = [CourseResource]
    list_display = [
        "title", "provider", "site", "academic_year", "level", "qualification_type", "subject",
        "learners", "record_label",
    ]
    list_filter = [
        "level", "qualification_type", "academic_year", RegionOfSiteFilter, "provider__kind",
        "record_label", "withdrawn", "ehcp_required",
    ]
    list_select_related = ["provider", "site", "site__provider"]
    search_fields = ["title", "subject", "tlevel_route", "provider__name", "provider__urn"]
    # Officers pick the provider and site by name, not by typing a database id.
    autocomplete_fields = ["provider", "site"]
    fieldsets = [
        (None, {"fields": ["provider", "site", "academic_year", "title"]}),
        ("The offer", {"fields": [
            "level", "qualification_type", "subject", "tlevel_route", "places", "learners",
            "withdrawn",
        ]}),
        ("Entry requirements", {"fields": [
            "min_english_grade", "min_maths_grade", "min_gcse_passes", "ehcp_required",
        ]}),
        ("Where the record comes from", {"fields": ["source", "record_label", "last_confirmed"]}),
    ]


@admin.register(Enrolment)
class EnrolmentAdmin(HistoryAdmin):
    list_display = ["provider", "academic_year", "students_16_18", "source"]
    list_filter = ["academic_year", RegionOfSiteFilter, "provider__kind", "provider__status"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "provider__urn"]
    raw_id_fields = ["provider"]


@admin.register(ApprenticeshipStandard)
class ApprenticeshipStandardAdmin(HistoryAdmin):
    """Standards as the DfE apprenticeships dashboard publishes them (loaded by load_kent)."""

    list_display = ["name", "level", "kind", "ssa_tier1", "ssa_tier2"]
    list_filter = ["level", "kind", "ssa_tier1"]
    search_fields = ["name", "ssa_tier1", "ssa_tier2"]


@admin.register(ProviderStandard)
class ProviderStandardAdmin(HistoryAdmin):
    """Which standards a provider started apprentices on each year, in England (national, not
    where in Kent: pages that place them in a district label that derived)."""

    list_display = ["provider_name", "standard", "academic_year", "starts", "provisional"]
    list_filter = ["academic_year", "standard__level", "standard__ssa_tier1", "provisional"]
    list_select_related = ["standard"]
    search_fields = ["provider_name", "provider_ukprn", "standard__name"]
    raw_id_fields = ["provider", "standard"]


@admin.register(NoOfferConfirmation)
class NoOfferConfirmationAdmin(ReadOnlyHistoryAdmin):
    """Providers that confirmed no post-16 offer for a year. Only the offer round writes these
    (accepting a submission that withdrew every offer; accepting a later one replaces it), so
    the admin shows them and their history but does not add, change or delete them."""

    list_display = ["provider", "academic_year", "confirmed_on", "source"]
    list_filter = ["academic_year", "provider__kind", RegionOfSiteFilter]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "provider__urn", "provider__ukprn", "source"]
    date_hierarchy = "confirmed_on"
