"""The admin's CSV import pages, in place of django-import-export's own (export is unchanged).

Upload -> check (every problem by line and field, or what would change) -> confirm -> import.
The same import_text() runs as `manage.py import_records`. A file with more than
settings.IMPORT_INLINE_ROWS rows is checked and imported by a background task, and the page
polls the job (htmx) for progress. Each import page offers a template CSV.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from providers import tasks
from providers.import_jobs import ImportJob, remove_unconfirmed_uploads
from providers.resources import KIND_OF_MODEL, RESOURCES, template_csv

MAX_LISTED_ERRORS = 1000  # beyond this the page says how many more there are


class UploadForm(forms.Form):
    import_file = forms.FileField(
        label="CSV file", help_text="UTF-8 CSV with commas, a header row, one record a row."
    )


def count_records(data: bytes) -> int:
    """Rows after the header, not counting blank lines (for choosing inline or background)."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        return max(0, sum(1 for row in rows if any(cell.strip() for cell in row)) - 1)
    except csv.Error:
        return 0


class CsvImportMixin:
    """Replaces ImportExportModelAdmin's import views for a model with a resource in RESOURCES."""

    def _kind(self) -> str:
        return KIND_OF_MODEL[self.model]

    def _names(self, view: str) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        ours = [
            path("import/template.csv", wrap(self.import_template),
                 name=f"{prefix}_import_template"),
            path("import/<int:job_id>/", wrap(self.import_job_view), name=f"{prefix}_import_job"),
        ]
        return ours + super().get_urls()

    def _require_import_permission(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "kind": self._kind(),
            "columns": RESOURCES[self._kind()].import_columns(),
            "template_url": reverse(self._names("import_template")),
            "title": f"Import {self.opts.verbose_name_plural} from CSV",
            **extra,
        }

    def import_action(self, request, **kwargs):
        self._require_import_permission(request)
        remove_unconfirmed_uploads()
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            data = upload.read()
            upload.seek(0)
            job = ImportJob.objects.create(
                kind=self._kind(), upload=upload, file_name=upload.name[:255],
                user=request.user, rows_total=count_records(data),
            )
            tasks.start(job, inline=job.rows_total <= settings.IMPORT_INLINE_ROWS)
            return redirect(self._names("import_job"), job_id=job.pk)
        recent = ImportJob.objects.filter(kind=self._kind()).select_related("user")[:10]
        return TemplateResponse(
            request, "admin/providers/csv_import.html",
            self._context(request, form=form, recent=recent),
        )

    def import_job_view(self, request, job_id: int):
        self._require_import_permission(request)
        job = get_object_or_404(ImportJob, pk=job_id, kind=self._kind())
        template = (
            "admin/providers/includes/import_job_state.html" if request.htmx
            else "admin/providers/csv_import_job.html"
        )
        return TemplateResponse(request, template, self._context(
            request, job=job, rows_done=job.rows_done(),
            listed_errors=job.errors[:MAX_LISTED_ERRORS],
            more_errors=max(0, len(job.errors) - MAX_LISTED_ERRORS),
            confirm_url=reverse(self._names("process_import")),
            job_url=reverse(self._names("import_job"), args=[job.pk]),
            import_url=reverse(self._names("import")),
        ))

    def process_import(self, request, **kwargs):
        """Confirm a checked file: import it (all-or-nothing, checked again as it is written)."""
        return require_POST(self._confirm)(request)

    def _confirm(self, request):
        self._require_import_permission(request)
        job_id = request.POST.get("job", "")
        job = get_object_or_404(
            ImportJob, pk=int(job_id) if job_id.isascii() and job_id.isdigit() else 0,
            kind=self._kind(),
        )
        if job.state != ImportJob.State.CHECKED or job.user_id != request.user.pk:
            self.message_user(request, "That import cannot be confirmed (again).", level="error")
            return redirect(self._names("import_job"), job_id=job.pk)
        job.stage = ImportJob.Stage.IMPORT
        job.save(update_fields=["stage"])
        tasks.start(job, inline=job.rows_total <= settings.IMPORT_INLINE_ROWS)
        return redirect(self._names("import_job"), job_id=job.pk)

    def import_template(self, request):
        self._require_import_permission(request)
        response = HttpResponse(template_csv(self._kind()), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{self._kind()}-template.csv"'
        return response
