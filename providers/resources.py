"""CSV import and export of providers, sites and courses (django-import-export).

Every row is validated with the model's own rules (`clean_model_instances`), so the admin preview,
the `import_records` command and a hand edit all give the same messages. A file with any bad row is
rolled back whole; `import_file` returns every error with its line, field and reason.
"""

from dataclasses import dataclass
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from areas.importers.geometry import easting_northing_to_lon_lat, lon_lat_to_easting_northing
from areas.models import Area
from providers.models import Course, Provider, Site


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key (URN, site id, LSOA code) that names what is missing."""

    def __init__(self, model, field, label):
        super().__init__(model, field)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.label} {value} is recorded.") from None
        except (ValueError, TypeError):
            raise ValueError(f"{value!r} is not a valid {self.label}.") from None


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


class ProviderResource(resources.ModelResource):
    class Meta:
        model = Provider
        fields = [
            "id", "urn", "ukprn", "name", "kind", "admissions_policy", "specialist_send",
            "out_of_county", "la_code", "status", "source",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def get_instance(self, instance_loader, row):
        # Officers' files rarely carry our database id: match on URN, then UKPRN.
        for key in ("id", "urn", "ukprn"):
            if not _blank(row.get(key)):
                return Provider.objects.filter(**{key: row[key]}).first()
        return None


class SiteResource(resources.ModelResource):
    provider = fields.Field(
        attribute="provider", column_name="provider_urn",
        widget=LookupWidget(Provider, "urn", "provider with URN"),
    )
    area = fields.Field(
        attribute="area", column_name="area_code",
        widget=LookupWidget(Area, "code", "small area with code"),
    )

    class Meta:
        model = Site
        fields = [
            "id", "provider", "name", "postcode", "latitude", "longitude", "easting", "northing",
            "area", "is_main", "source",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        # A site needs both coordinate systems; an officer usually has only one of them.
        has_lat_lon = not (_blank(row.get("latitude")) or _blank(row.get("longitude")))
        has_grid = not (_blank(row.get("easting")) or _blank(row.get("northing")))
        try:
            if has_lat_lon and not has_grid:
                easting, northing = lon_lat_to_easting_northing(
                    float(row["longitude"]), float(row["latitude"])
                )
                row["easting"], row["northing"] = round(easting, 1), round(northing, 1)
            elif has_grid and not has_lat_lon:
                lon, lat = easting_northing_to_lon_lat(
                    float(row["easting"]), float(row["northing"])
                )
                row["latitude"], row["longitude"] = round(lat, 6), round(lon, 6)
        except ValueError:
            pass  # the field's own validation reports the malformed number

    def get_instance(self, instance_loader, row):
        if not _blank(row.get("id")):
            return Site.objects.filter(pk=row["id"]).first()
        if _blank(row.get("provider_urn")) or _blank(row.get("name")):
            return None
        return Site.objects.filter(provider__urn=row["provider_urn"], name=row["name"]).first()


class CourseResource(resources.ModelResource):
    provider = fields.Field(
        attribute="provider", column_name="provider_urn",
        widget=LookupWidget(Provider, "urn", "provider with URN"),
    )
    site = fields.Field(
        attribute="site", column_name="site_id", widget=LookupWidget(Site, "pk", "site with id"),
    )

    # The columns that say which offer a row is, when it carries no database id.
    NATURAL_KEY = [
        "academic_year", "level", "qualification_type", "subject", "tlevel_route", "title",
    ]

    class Meta:
        model = Course
        fields = [
            "id", "provider", "site", "academic_year", "title", "level", "qualification_type",
            "subject", "tlevel_route", "places", "learners", "min_english_grade",
            "min_maths_grade", "min_gcse_passes", "ehcp_required", "withdrawn", "source",
            "record_label", "last_confirmed",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_instance(self, instance_loader, row):
        if not _blank(row.get("id")):
            return Course.objects.filter(pk=row["id"]).first()
        if _blank(row.get("provider_urn")):
            return None
        lookup = {key: row.get(key) or "" for key in self.NATURAL_KEY}
        lookup["site_id"] = None if _blank(row.get("site_id")) else row["site_id"]
        return Course.objects.filter(provider__urn=row["provider_urn"], **lookup).first()


RESOURCES = {"providers": ProviderResource, "sites": SiteResource, "courses": CourseResource}


@dataclass(frozen=True)
class RowError:
    file: str
    line: int  # line in the file, counting the header as line 1
    field: str
    message: str

    def __str__(self):
        return f"{self.file}, line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ImportOutcome:
    errors: list[RowError]
    new: int
    updated: int
    unchanged: int

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_errors(resource, result, file_name: str) -> list[RowError]:
    # Name the file's column (provider_urn), not the model attribute behind it (provider).
    column_of = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}
    errors = []
    for invalid in result.invalid_rows:
        line = invalid.number + 1
        for field, messages in invalid.error_dict.items():
            label = "row" if field == "__all__" else column_of.get(field, field)
            errors.extend(RowError(file_name, line, label, str(m)) for m in messages)
    for number, row_errors in result.row_errors():
        errors.extend(RowError(file_name, number + 1, "row", str(e.error)) for e in row_errors)
    for base_error in result.base_errors:
        errors.append(RowError(file_name, 1, "file", str(base_error.error)))
    return sorted(errors, key=lambda e: (e.line, e.field))


def import_file(kind: str, path: Path, *, dry_run: bool = False, user=None) -> ImportOutcome:
    """Import one CSV of `kind` (providers, sites or courses) all-or-nothing.

    A file with any bad row writes nothing; the outcome lists every error with its line and field.
    """
    resource = RESOURCES[kind]()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        dataset = tablib.Dataset().load(text, format="csv")
    except (OSError, UnicodeDecodeError, tablib.core.InvalidDimensions) as exc:
        return ImportOutcome([RowError(str(path), 1, "file", str(exc))], 0, 0, 0)
    try:
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True,
            rollback_on_validation_errors=True, user=user,
        )
    except ValidationError as exc:
        return ImportOutcome([RowError(str(path), 1, "file", "; ".join(exc.messages))], 0, 0, 0)
    errors = _row_errors(resource, result, Path(path).name)
    totals = result.totals
    return ImportOutcome(
        errors, totals.get("new", 0), totals.get("update", 0), totals.get("skip", 0)
    )
