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
from providers.signals import records_imported
from providers.spreadsheets import spreadsheet_unescaped

__all__ = ["RESOURCES", "ImportOutcome", "RowError", "import_file", "template_csv"]


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural key (URN, site id, LSOA code) that names what is missing.

    Each value is looked up once per import (a 50,000-row file names the same few providers).
    """

    def __init__(self, model, field, label):
        super().__init__(model, field)
        self.label = label
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        key = str(value).strip() if value is not None else ""
        if key in self.found:
            return self.found[key]
        try:
            result = super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.label} {value} is recorded.") from None
        except (ValueError, TypeError):
            raise ValueError(f"{value!r} is not a valid {self.label}.") from None
        self.found[key] = result
        return result


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

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, LookupWidget):
                resource_field.widget.found = {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # A foreign key set by a LookupWidget was found by that lookup: full_clean need not
        # look each one up again (a query per row and key on a large file).
        errors = dict(import_validation_errors or {})
        already_found = {
            f.attribute for f in self.fields.values()
            if isinstance(f.widget, LookupWidget) and f.attribute not in errors
            and getattr(instance, f"{f.attribute}_id", None) is not None
        }
        try:
            instance.full_clean(exclude=set(errors) | already_found,
                                validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        history.stamp(instance, self.history_user, self.change_reason)

    # New rows are written in batches (use_bulk), which send no save signal: their history is
    # written with simple-history's bulk helper, and `records_imported` tells other apps.
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                with history.recorded_as(self.history_user, self.change_reason):
                    history.bulk_create(self._meta.model, self.create_instances,
                                        batch_size=batch_size or 1000)
            except Exception as exc:  # reported as the file's error, as upstream does
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        # Changed records are saved one by one: Django's bulk_update builds a CASE per row and
        # field and is slower than single UPDATEs here. save() writes their history entry with
        # the user and reason stamped on them (before_save_instance).
        if self.update_instances and (using_transactions or not dry_run):
            try:
                for instance in self.update_instances:
                    instance.save()
            except Exception as exc:  # as upstream: reported as the file's error
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()


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
        use_bulk = True
        skip_diff = True  # no row-by-row preview diff: our pages list problems and counts
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.existing = {
            (key, str(getattr(provider, key))): provider
            for provider in Provider.objects.all() for key in ("id", "urn", "ukprn")
            if getattr(provider, key) is not None
        }

    def get_instance(self, instance_loader, row):
        # Officers' files rarely carry our database id: match on URN, then UKPRN.
        for key in ("id", "urn", "ukprn"):
            if not _blank(row.get(key)):
                return self.existing.get((key, str(row[key]).strip()))
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
        use_bulk = True
        skip_diff = True  # no row-by-row preview diff: our pages list problems and counts
        batch_size = 1000

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

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        sites = list(Site.objects.select_related("provider"))
        self.by_id = {str(site.pk): site for site in sites}
        self.by_name = {(str(site.provider.urn), site.name): site for site in sites}

    def get_instance(self, instance_loader, row):
        if not _blank(row.get("id")):
            return self.by_id.get(str(row["id"]).strip())
        if _blank(row.get("provider_urn")) or _blank(row.get("name")):
            return None
        return self.by_name.get((str(row["provider_urn"]).strip(), row["name"]))


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
        use_bulk = True
        skip_diff = True  # no row-by-row preview diff: our pages list problems and counts
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The courses this file may update, loaded once: its providers' courses and its ids.
        column = dataset.headers.index
        urns = {str(v).strip() for v in dataset.get_col(column("provider_urn"))} if (
            "provider_urn" in dataset.headers) else set()
        ids = {str(v).strip() for v in dataset.get_col(column("id"))} if (
            "id" in dataset.headers) else set()
        candidates = Course.objects.filter(
            models.Q(provider__urn__in=[int(u) for u in urns if u.isascii() and u.isdigit()])
            | models.Q(pk__in=[int(i) for i in ids if i.isascii() and i.isdigit()])
        ).annotate(provider_urn=models.F("provider__urn"))
        self.by_id, self.by_key = {}, {}
        for course in candidates:
            self.by_id[str(course.pk)] = course
            values = {name: getattr(course, name) for name in self.NATURAL_KEY}
            self.by_key[self._key(course.provider_urn, course.site_id, values)] = course

    def _key(self, urn, site_id, values) -> tuple:
        return (str(urn).strip(), "" if _blank(site_id) else str(site_id).strip(),
                *(str(values.get(name) or "").strip() for name in self.NATURAL_KEY))

    def get_instance(self, instance_loader, row):
        if not _blank(row.get("id")):
            return self.by_id.get(str(row["id"]).strip())
        if _blank(row.get("provider_urn")):
            return None
        values = {name: row.get(name) for name in self.NATURAL_KEY}
        for name in ("level", "qualification_type"):  # a label matches the stored code
            try:
                values[name] = self.fields[name].widget.clean(values[name])
            except ValueError:
                return None  # the row's own error names the bad value
        return self.by_key.get(self._key(row["provider_urn"], row.get("site_id"), values))


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


def _row_errors(resource, result, file_name: str, lines: list[int]) -> list[RowError]:
    # Name the file's column (provider_urn), not the model attribute behind it (provider), and
    # the file's own line (import-export numbers data rows from 1).
    column_of = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}

    def line_of(number: int) -> int:
        return lines[number - 1] if 0 < number <= len(lines) else 1

    errors = []
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            label = "row" if field_name == "__all__" else column_of.get(field_name, field_name)
            errors.extend(RowError(file_name, line_of(invalid.number), label, str(m))
                          for m in messages)
    for number, row_errors in result.row_errors():
        errors.extend(RowError(file_name, line_of(number), "row", str(e.error))
                      for e in row_errors)
    for base_error in result.base_errors:
        errors.append(RowError(file_name, 1, "file", str(base_error.error)))
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
    # The admin's export writes a formula-like cell with a leading apostrophe: read it back.
    parsed.rows = [[spreadsheet_unescaped(cell) for cell in row] for row in parsed.rows]
    if not parsed.rows:
        return ImportOutcome(sorted(parsed.errors, key=lambda e: e.line), 0, 0, 0)
    errors = list(parsed.errors)
    repeats = duplicate_key_errors(parsed, resource_class.IMPORT_KEYS, blank=_blank)
    errors += repeats
    total = len(parsed.rows)
    resource = resource_class(
        history_user=user, change_reason=reason or f"Imported from {file_name}",
        progress=(lambda done: progress(done, total)) if progress else None,
    )
    # A repeated record is named once, with the line it repeats, and left out of the check
    # (its insert would only fail again, as a file-wide database error).
    repeated_lines = {error.line for error in repeats}
    kept = [i for i, line in enumerate(parsed.lines) if line not in repeated_lines]
    checked_lines = [parsed.lines[i] for i in kept]
    dataset = tablib.Dataset(*(parsed.rows[i] for i in kept), headers=parsed.headers)
    try:
        result = resource.import_data(
            dataset, dry_run=dry_run or bool(errors), use_transactions=True,
            rollback_on_validation_errors=True, user=user,
        )
    except ValidationError as exc:
        return ImportOutcome([RowError(file_name, 1, "file", "; ".join(exc.messages))], 0, 0, 0)
    errors += _row_errors(resource, result, parsed.name, checked_lines)
    if errors:
        # import_data rolls back when it finds an error; the file-level ones found here too.
        return ImportOutcome(sorted(set(errors), key=lambda e: (e.line, e.field)), 0, 0, 0)
    totals = result.totals
    if not dry_run and (totals.get("new") or totals.get("update")):
        records_imported.send(sender=resource_class, kind=kind)
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
