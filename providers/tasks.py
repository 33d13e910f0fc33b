"""Running an ImportJob: in the request for a small file, as a django-tasks task for a large one."""

from django.utils import timezone
from django_tasks import task

from providers.import_jobs import ImportJob
from providers.resources import import_text, read_text

PROGRESS_EVERY = 500  # rows between two progress notes


def run_job(job: ImportJob) -> ImportJob:
    """Check (dry run) or import the job's file, keeping the outcome on the row."""
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    try:
        text = read_text(job.upload.path)
        outcome = import_text(
            job.kind, text, job.file_name, dry_run=job.stage == ImportJob.Stage.CHECK,
            user=job.user, reason=f"Imported from {job.file_name} in the admin",
            progress=lambda done, total: (
                job.write_progress(done, total) if done % PROGRESS_EVERY == 0 else None
            ),
        )
    except (OSError, UnicodeDecodeError) as exc:
        job.state, job.message = ImportJob.State.FAILED, f"The upload cannot be read: {exc}"
    else:
        job.errors = [error.as_dict() for error in outcome.errors]
        job.new, job.updated, job.unchanged = outcome.new, outcome.updated, outcome.unchanged
        if outcome.errors:
            job.state = ImportJob.State.REFUSED
        elif job.stage == ImportJob.Stage.CHECK:
            job.state = ImportJob.State.CHECKED
        else:
            job.state = ImportJob.State.IMPORTED
    job.finished_at = timezone.now()
    if job.state != ImportJob.State.CHECKED:
        job.remove_upload()  # nothing more will be done with it; the outcome stays on the row
    job.save()
    return job


@task()
def run_import_job(job_id: int) -> str:
    """The background form of run_job (`manage.py db_worker` runs it)."""
    # Each state change is committed as it happens, so the admin page sees it while it runs.
    return run_job(ImportJob.objects.get(pk=job_id)).state


def start(job: ImportJob, *, inline: bool) -> ImportJob:
    """Run the job now (small file) or queue it for the worker (large file)."""
    if inline:
        return run_job(job)
    job.state = ImportJob.State.QUEUED
    job.save(update_fields=["state"])
    result = run_import_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    return job
