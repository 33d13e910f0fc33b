"""A large CSV in the admin: checked and imported by the background worker, with progress.

The worker is django-tasks' own `db_worker`, run here for the queued tasks (--batch); the test
checks completion and counts, never how long it took.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from providers.import_jobs import ImportJob, remove_unconfirmed_uploads
from providers.models import Course
from tests.factories import ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

ROWS = 50_000
HEADER = "provider_urn,site_id,academic_year,title,level,qualification_type,learners,source\n"


@pytest.fixture
def officer(client):
    user = User.objects.create_user("officer", password="x" * 14, is_staff=True)
    user.groups.add(Group.objects.get(name="KCC officer"))
    client.force_login(user)
    return user


def large_file() -> bytes:
    provider = ProviderFactory(urn=131000)
    site = SiteFactory(provider=provider)
    rows = "".join(
        f"131000,{site.pk},2025/26,Course {i},{'3' if i % 2 else 'Level 2'},"
        f"{'a_level' if i % 2 else 'Level 2 vocational'},{i % 300},KCC officer\n"
        for i in range(ROWS)
    )
    return (HEADER + rows).encode()


@pytest.fixture
def run_worker(monkeypatch):
    """Run django-tasks' db_worker until no task is waiting.

    The worker closes "old" connections between tasks, which would end the test's own
    transaction; here the test database is rolled back after the test instead.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def upload(client, data: bytes, name="courses.csv", model="course"):
    return client.post(reverse(f"admin:providers_{model}_import"),
                       {"import_file": SimpleUploadedFile(name, data, "text/csv")})


def test_a_50000_row_file_is_checked_and_imported_by_the_worker(client, officer, run_worker):
    """The upload queues a task; the page polls; the worker checks, then imports after confirm."""
    response = upload(client, large_file())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.state, job.stage, job.rows_total) == ("queued", "check", ROWS)
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()

    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and f"0 of {ROWS} rows" in page

    run_worker()
    job.refresh_from_db()
    assert (job.state, job.new, job.updated, job.errors) == ("checked", ROWS, 0, [])
    assert not Course.objects.exists()  # the check writes nothing
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "hx-trigger" not in fragment.content.decode()  # finished: polling stops
    assert "Confirm import" in fragment.content.decode()

    confirm = client.post(reverse("admin:providers_course_process_import"), {"job": job.pk})
    assert confirm.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.stage) == ("queued", "import")
    run_worker()
    job.refresh_from_db()
    assert (job.state, job.new) == ("imported", ROWS)
    assert Course.objects.count() == ROWS
    assert Course.objects.filter(level="2", qualification_type="l2_vocational").count() == ROWS // 2
    sample = Course.objects.get(title="Course 12345")
    assert sample.history.get().history_user == officer
    assert not job.upload  # the upload is removed; the result stays on the row
    assert not job.progress_path.exists()


def test_a_large_file_with_bad_rows_is_refused_with_every_row_by_the_worker(
    client, officer, run_worker
):
    """In the background too, every bad row is listed by its line and nothing is written."""
    data = large_file().decode().splitlines(keepends=True)
    bad_lines = [2, 20_000, 50_001]
    for line in bad_lines:
        data[line - 1] = data[line - 1].replace(",KCC officer", ",").replace(",3,", ",4,")
    upload(client, "".join(data).encode())
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "refused"
    assert sorted({error["line"] for error in job.errors}) == bad_lines
    assert not Course.objects.exists()


def test_unconfirmed_uploads_are_removed_and_the_result_kept(client, officer, settings):
    """A check never confirmed loses its upload after IMPORT_PREVIEW_HOURS; its row remains."""
    provider = ProviderFactory(urn=131001)
    data = f"{HEADER}131001,,2025/26,A Levels,3,a_level,10,KCC\n".encode()
    del provider
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.state == "checked"  # a small file is checked at once
    stored = Path(job.upload.path)
    assert stored.exists()
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.IMPORT_PREVIEW_HOURS + 1)
    )
    assert remove_unconfirmed_uploads() == 1
    job.refresh_from_db()
    assert job.state == "expired" and not stored.exists()
    refused = client.post(reverse("admin:providers_course_process_import"), {"job": job.pk})
    assert refused.status_code == 302
    assert not Course.objects.exists()


def test_each_import_page_offers_a_template_that_imports(client, officer):
    """Each import page links a template CSV (header + one example row) that imports cleanly."""
    for model in ("provider", "site", "course"):
        page = client.get(reverse(f"admin:providers_{model}_import")).content.decode()
        template_url = reverse(f"admin:providers_{model}_import_template")
        assert f'href="{template_url}"' in page
        template = client.get(template_url)
        assert template["Content-Type"] == "text/csv"
        lines = template.content.decode().splitlines()
        assert len(lines) == 2
        response = upload(client, template.content, name=f"{model}-template.csv", model=model)
        job = ImportJob.objects.order_by("-pk").first()
        assert job.state == "checked", job.errors
        client.post(reverse(f"admin:providers_{model}_process_import"), {"job": job.pk})
        job.refresh_from_db()
        assert (job.state, job.new) == ("imported", 1), response


def test_thirteen_bad_rows_are_all_listed_on_the_admin_page(client, officer):
    """The admin's import lists every bad row with its line, not just the first."""
    provider = ProviderFactory(urn=131002)
    site = SiteFactory(provider=provider)
    rows = [f"131002,{site.pk},2025/26,Course {i},3,a_level,{-i if i % 2 else i},KCC\n"
            for i in range(26)]
    response = upload(client, (HEADER + "".join(rows)).encode())
    page = client.get(response["Location"]).content.decode()
    for i in range(1, 26, 2):
        assert f"<tr><td>{i + 2}</td><td>learners</td>" in page
    assert "Nothing was imported: 13 problems." in page
    assert not Course.objects.exists()


def test_adding_a_course_picks_the_provider_by_name(client, officer):
    """The course form's provider and site are autocomplete selects, searched by name."""
    ProviderFactory(name="Hartsdown Academy", urn=131003)
    page = client.get(reverse("admin:providers_course_add")).content.decode()
    assert 'class="admin-autocomplete' in page and 'name="provider"' in page
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "providers", "model_name": "course", "field_name": "provider",
        "term": "Hartsdown",
    }).json()
    assert [item["text"] for item in found["results"]] == ["Hartsdown Academy"]
