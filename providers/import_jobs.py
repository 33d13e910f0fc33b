"""An officer's CSV import in the admin: checked first, then imported once confirmed.

Each upload is an ImportJob row. Small files are checked and imported in the request; a large
one (more than settings.IMPORT_INLINE_ROWS rows) is run by a background task (django-tasks,
`manage.py db_worker`), and the admin page polls the row (htmx) for its state and progress. The
row keeps the result (counts, or every problem by line and field) after the upload is deleted.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        PROVIDERS = "providers", "Providers"
        SITES = "sites", "Sites"
        COURSES = "courses", "Courses"

    class Stage(models.TextChoices):
        CHECK = "check", "Check"
        IMPORT = "import", "Import"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        CHECKED = "checked", "Checked: ready to import"
        REFUSED = "refused", "Refused: the file has problems"
        IMPORTED = "imported", "Imported"
        FAILED = "failed", "Stopped by an unexpected error"
        EXPIRED = "expired", "Not confirmed: upload removed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    upload = models.FileField(upload_to="imports/", blank=True)
    file_name = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.CHECK)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(null=True, blank=True)
    updated = models.PositiveIntegerField(null=True, blank=True)
    unchanged = models.PositiveIntegerField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "CSV import"
        default_permissions = ()  # reached through each record type's import page

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name} ({self.get_state_display()})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    # Progress is written beside the upload, not in this row: the rows are checked inside the
    # import's transaction, which other connections cannot see into until it ends.
    @property
    def progress_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / f"job-{self.pk}.progress"

    def write_progress(self, done: int, total: int) -> None:
        path = self.progress_path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps({"done": done, "total": total}))
        partial.replace(path)

    def rows_done(self) -> int:
        if not self.in_progress:
            return self.rows_total
        try:
            return int(json.loads(self.progress_path.read_text())["done"])
        except (OSError, ValueError, KeyError):
            return 0

    def remove_upload(self) -> None:
        if self.upload:
            self.upload.delete(save=False)
        self.progress_path.unlink(missing_ok=True)


def remove_unconfirmed_uploads(now=None) -> int:
    """Delete the uploads of checks never confirmed within IMPORT_PREVIEW_HOURS; keep the rows."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    stale = ImportJob.objects.filter(state=ImportJob.State.CHECKED, created_at__lt=cutoff)
    count = 0
    for job in stale:
        job.remove_upload()
        job.state = ImportJob.State.EXPIRED
        job.save(update_fields=["upload", "state"])
        count += 1
    return count
