"""CSV import and export of providers, sites and courses (django-import-export).

Every row is validated with the model's own rules (`clean_model_instances`), so the admin import,
the `import_records` command and a hand edit all give the same messages. A file with any bad row is
rolled back whole; `import_file` returns every error with its line, field and reason (the file's
own line numbers: providers/import_report.py reads the file first).

Choices take their code or their label ("2" or "Level 2"), any case; booleans take only true,
false, yes, no, 1 or 0, any case (blank means the field's default).
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets

from areas import history
from areas.importers.geometry import easting_northing_to_lon_lat, lon_lat_to_easting_northing
from areas.models import Area
from providers.import_report import (
    BOOLEAN_HELP,
    RowError,
    duplicate_key_errors,
    parse_boolean,
    read_rows,
)
from providers.models import Course, Provider, Site

__all__ = ["RESOURCES", "ImportOutcome", "RowError", "import_file", "template_csv"]


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


class StrictBooleanWidget(widgets.BooleanWidget):
    """true/false, yes/no, 1/0 in any case; anything else is an error, not a silent False."""

    def __init__(self, default=False, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if _blank(value):
            return self.default
        parsed = parse_boolean(str(value))
        if parsed is None:
            raise ValueError(f"{value!r} is not a yes/no value. {BOOLEAN_HELP}.")
        return parsed


class ChoiceWidget(widgets.CharWidget):
    """A choice by its code or its label, any case ("l2_vocational" or "Level 2 vocational")."""

    def __init__(self, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.code_of = {}
        for code, label in self.choices:
            self.code_of[str(code).lower()] = code
            self.code_of[str(label).lower()] = code

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""  # the model says whether a blank is allowed
        code = self.code_of.get(text.lower())
        if code is None:
            allowed = "; ".join(f"{code} ({label})" for code, label in self.choices)
            raise ValueError(f"{text!r} is not one of: {allowed}.")
        return code


class OfficerResource(resources.ModelResource):
    """The rules every officers' import shares: strict booleans, codes or labels, history."""

    # Column groups that identify a record: a second row with the same values is refused.
    IMPORT_KEYS: tuple[tuple[str, ...], ...] = ()
    # One plausible row for the import page's template CSV.
    EXAMPLE_ROW: dict[str, str] = {}

    def __init__(self, *, history_user=None, change_reason="", progress=None, **kwargs):
        super().__init__(**kwargs)
        self.history_user = history_user
        self.change_reason = change_reason
        self.progress = progress

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if getattr(f, "choices", None):
            return ChoiceWidget
        if isinstance(f, models.BooleanField):
            return StrictBooleanWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if getattr(django_field, "choices", None):
            kwargs["choices"] = django_field.choices
        if isinstance(django_field, models.BooleanField):
            kwargs = {"default": django_field.default}
        return kwargs

    @classmethod
    def import_columns(cls) -> list[str]:
        return [field.column_name for field in cls().get_import_fields()]

    def before_save_instance(self, instance, row, **kwargs):
        history.stamp(instance, self.history_user, self.change_reason)

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0))


class ProviderResource(OfficerResource):
    IMPORT_KEYS = (("id",), ("urn",), ("ukprn",))
    EXAMPLE_ROW = {
        "urn": "100001", "name": "Example Sixth Form", "kind": "School sixth form",
        "admissions_policy": "non_selective", "specialist_send": "no", "out_of_county": "no",
        "la_code": "886", "status": "open", "source": "KCC officer, 2025",
    }

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


class SiteResource(OfficerResource):
    IMPORT_KEYS = (("id",), ("provider_urn", "name"))
    EXAMPLE_ROW = {
        "provider_urn": "100001", "name": "Example Sixth Form", "postcode": "CT1 1AA",
        "latitude": "51.2802", "longitude": "1.0789", "is_main": "yes",
        "source": "KCC officer, 2025",
    }
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


class CourseResource(OfficerResource):
    EXAMPLE_ROW = {
        "provider_urn": "100001", "academic_year": "2025/26", "title": "A Levels",
        "level": "Level 3", "qualification_type": "A Level", "subject": "Mathematics",
        "places": "40", "min_english_grade": "5", "min_maths_grade": "6",
        "ehcp_required": "no", "withdrawn": "no", "source": "KCC officer, 2025",
        "record_label": "published",
    }
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
    IMPORT_KEYS = (("id",), ("provider_urn", "site_id", *NATURAL_KEY))

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
KIND_OF_MODEL = {Provider: "providers", Site: "sites", Course: "courses"}


@dataclass(frozen=True)
class ImportOutcome:
    errors: list[RowError]
    new: int
    updated: int
    unchanged: int

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv(kind: str) -> str:
    """A CSV with the import's header and one example row (columns it does not fill are blank)."""
    resource_class = RESOURCES[kind]
    columns = resource_class.import_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([resource_class.EXAMPLE_ROW.get(column, "") for column in columns])
    return out.getvalue()


def _row_errors(resource, result, parsed) -> list[RowError]:
    # Name the file's column (provider_urn), not the model attribute behind it (provider), and
    # the file's own line (import-export numbers data rows from 1).
    column_of = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}

    def line_of(number: int) -> int:
        return parsed.lines[number - 1] if 0 < number <= len(parsed.lines) else 1

    errors = []
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            label = "row" if field_name == "__all__" else column_of.get(field_name, field_name)
            errors.extend(RowError(parsed.name, line_of(invalid.number), label, str(m))
                          for m in messages)
    for number, row_errors in result.row_errors():
        errors.extend(RowError(parsed.name, line_of(number), "row", str(e.error))
                      for e in row_errors)
    for base_error in result.base_errors:
        errors.append(RowError(parsed.name, 1, "file", str(base_error.error)))
    return errors


def import_text(
    kind: str, text: str, file_name: str, *, dry_run: bool = False, user=None,
    reason: str = "", progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Import CSV text of `kind` all-or-nothing; every problem is listed by line and field.

    `progress(done, total)` is called as rows are checked; `user` and `reason` go into each
    record's history.
    """
    resource_class = RESOURCES[kind]
    parsed = read_rows(text, file_name, resource_class.import_columns())
    if not parsed.rows:
        return ImportOutcome(sorted(parsed.errors, key=lambda e: e.line), 0, 0, 0)
    errors = list(parsed.errors)
    errors += duplicate_key_errors(parsed, resource_class.IMPORT_KEYS, blank=_blank)
    total = len(parsed.rows)
    resource = resource_class(
        history_user=user, change_reason=reason or f"Imported from {file_name}",
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    dataset = tablib.Dataset(*parsed.rows, headers=parsed.headers)
    try:
        result = resource.import_data(
            dataset, dry_run=dry_run or bool(errors), use_transactions=True,
            rollback_on_validation_errors=True, user=user,
        )
    except ValidationError as exc:
        return ImportOutcome([RowError(file_name, 1, "file", "; ".join(exc.messages))], 0, 0, 0)
    errors += _row_errors(resource, result, parsed)
    if errors:
        # import_data rolls back when it finds an error; the file-level ones found here too.
        return ImportOutcome(sorted(set(errors), key=lambda e: (e.line, e.field)), 0, 0, 0)
    totals = result.totals
    return ImportOutcome(
        [], totals.get("new", 0), totals.get("update", 0), totals.get("skip", 0)
    )


def read_text(path: Path) -> str:
    return Path(path).read_text(encoding="utf-8-sig")


def import_file(kind: str, path: Path, *, dry_run: bool = False, user=None, reason: str = "",
                progress=None) -> ImportOutcome:
    """Import one CSV file of `kind` (providers, sites or courses); see import_text."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        message = (
            "The file is not UTF-8 text. Save it as CSV UTF-8."
            if isinstance(exc, UnicodeDecodeError) else str(exc)
        )
        return ImportOutcome([RowError(Path(path).name, 1, "file", message)], 0, 0, 0)
    return import_text(kind, text, Path(path).name, dry_run=dry_run, user=user, reason=reason,
                       progress=progress)
