"""The admin's holes found in issue 8: import/export permissions, formula-safe CSV export, and
non-numeric ids in history addresses."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.models import Provider
from providers.spreadsheets import SpreadsheetSafeCSV, spreadsheet_safe, spreadsheet_unescaped
from tests.factories import CourseFactory, ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

IMPORT_EXPORT_MODELS = ["provider", "site", "course"]
FORMULA_NAMES = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def staff(client, *permissions):
    """A signed-in staff user holding exactly these providers permissions (e.g. 'view_site')."""
    user = get_user_model().objects.create_user("clerk", "clerk@example.org", "pw-123-x",
                                                is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="providers", codename__in=permissions)
    )
    client.force_login(user)
    return user


def upload(model):
    body = b"urn,name,kind,la_code\n150030,Good Academy,school_sixth_form,886\n"
    return {"import_file": SimpleUploadedFile(f"{model}.csv", body), "format": "0",
            "resource": "0"}


@pytest.mark.parametrize("model", IMPORT_EXPORT_MODELS)
def test_staff_without_permissions_cannot_import_or_export(client, model):
    """A staff user with no permission on the model gets 403 from every import and export
    address, whatever the method, and nothing is written."""
    staff(client)
    for name in ("import", "process_import", "export"):
        url = reverse(f"admin:providers_{model}_{name}")
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, upload(model)).status_code == 403, url
    assert not Provider.objects.exists()


@pytest.mark.parametrize("model", IMPORT_EXPORT_MODELS)
def test_view_permission_allows_export_but_not_import(client, model):
    """With only the view permission the list shows Export but not Import; export works and
    import answers 403."""
    staff(client, f"view_{model}")
    page = client.get(reverse(f"admin:providers_{model}_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="export_link"' in html and 'class="import_link"' not in html
    assert client.get(reverse(f"admin:providers_{model}_export")).status_code == 200
    assert client.get(reverse(f"admin:providers_{model}_import")).status_code == 403
    assert client.post(reverse(f"admin:providers_{model}_import"), upload(model)).status_code == 403


def test_add_permission_alone_allows_neither_import_nor_export(client):
    """Adding records is not viewing them: add alone gives no export and no import."""
    staff(client, "add_provider")
    assert client.get(reverse("admin:providers_provider_export")).status_code == 403
    assert client.get(reverse("admin:providers_provider_import")).status_code == 403


@pytest.mark.parametrize("model", IMPORT_EXPORT_MODELS)
def test_import_needs_both_add_and_change(client, model):
    """Add alone, or change alone, is not enough to import; add and change together are."""
    user = staff(client, f"view_{model}", f"add_{model}")
    import_url = reverse(f"admin:providers_{model}_import")
    assert client.get(import_url).status_code == 403
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="providers", codename__in=[f"view_{model}", f"change_{model}"]
    ))
    user = get_user_model().objects.get(pk=user.pk)  # drop the permission cache
    client.force_login(user)
    assert client.get(import_url).status_code == 403
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="providers",
        codename__in=[f"view_{model}", f"add_{model}", f"change_{model}"],
    ))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    assert client.get(import_url).status_code == 200
    html = client.get(reverse(f"admin:providers_{model}_changelist")).content.decode()
    assert 'class="import_link"' in html and 'class="export_link"' in html


def check_and_confirm(client, model, data: bytes, name="p.csv"):
    """Upload a file to the admin's import (it is checked) and confirm it; returns the job."""
    from providers.import_jobs import ImportJob

    checked = client.post(reverse(f"admin:providers_{model}_import"),
                          {"import_file": SimpleUploadedFile(name, data)}, follow=True)
    assert checked.status_code == 200
    job = checked.context["job"]
    assert job.state == ImportJob.State.CHECKED, job.errors
    confirm = client.post(reverse(f"admin:providers_{model}_process_import"), {"job": job.pk})
    assert confirm.status_code == 302
    job.refresh_from_db()
    return job


def test_staff_with_import_permissions_can_import_a_file(client):
    """A clerk holding view, add and change on providers checks and confirms an import."""
    staff(client, "view_provider", "add_provider", "change_provider")
    check_and_confirm(client, "provider", upload("provider")["import_file"].read())
    assert Provider.objects.get(urn=150030).name == "Good Academy"


def export_rows(client, model, fields):
    response = client.post(
        reverse(f"admin:providers_{model}_export"),
        {"format": "0", "resource": "0", "export_items": [],
         **{f"{model}resource_{field}": "on" for field in fields}},
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_admin_export_makes_formula_cells_text_and_keeps_numbers(client):
    """Names starting =, +, -, @, tab or CR are exported with a leading apostrophe; a negative
    longitude stays a number."""
    staff(client, "view_provider", "view_site")
    for urn, name in enumerate(FORMULA_NAMES, start=990000):
        ProviderFactory(urn=urn, name=name)
    rows = export_rows(client, "provider", ["urn", "name"])
    assert sorted(row["name"] for row in rows) == sorted("'" + name for name in FORMULA_NAMES)
    SiteFactory(name="=cmd|' /C calc'!A0", longitude=-0.1234, latitude=51.5)
    site = export_rows(client, "site", ["name", "longitude", "latitude"])[0]
    assert site["name"] == "'=cmd|' /C calc'!A0"
    assert site["longitude"] == "-0.1234" and site["latitude"] == "51.5"


def test_an_exported_file_imports_back_unchanged(client):
    """Exporting and importing again leaves formula-like names exactly as they were."""
    staff(client, "view_provider", "add_provider", "change_provider")
    # Not "\rCR": the upload is read as text, which turns a carriage return into a newline.
    names = [name for name in FORMULA_NAMES if "\r" not in name]
    for urn, name in enumerate(names, start=990000):
        ProviderFactory(urn=urn, name=name)
    response = client.post(
        reverse("admin:providers_provider_export"),
        {"format": "0", "resource": "0", "export_items": [],
         **{f"providerresource_{field}": "on" for field in ("urn", "name", "kind", "la_code")}},
    )
    Provider.objects.all().delete()
    check_and_confirm(client, "provider", response.content)
    assert sorted(Provider.objects.values_list("name", flat=True)) == sorted(names)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=30) | st.sampled_from(FORMULA_NAMES) | st.from_regex(r"[=+\-@\t\r'].*"))
def test_spreadsheet_escape_is_safe_and_reversible(text):
    """No escaped text starts with a formula character unless it is a plain number, and
    unescaping gives back exactly the text."""
    safe = spreadsheet_safe(text)
    assert spreadsheet_unescaped(safe) == text or safe == text
    if safe.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(safe)  # only a plain number is left as it is


def test_spreadsheet_csv_round_trip():
    """The admin's CSV format writes escaped cells and reads them back as they were."""
    import tablib

    data = tablib.Dataset(*[(name, "-1.5") for name in FORMULA_NAMES], headers=["name", "x"])
    text = SpreadsheetSafeCSV().export_data(data)
    back = SpreadsheetSafeCSV().create_dataset(text)
    assert [row[0] for row in back] == FORMULA_NAMES
    assert {row[1] for row in back} == {"-1.5"}


def test_import_check_shows_a_hostile_value_as_text(client):
    """The import check's list of problems shows a value with markup as escaped text."""
    staff(client, "view_provider", "add_provider", "change_provider")
    body = "urn,name,kind,la_code\n150040,Old name,<img src=x onerror=alert(1)> {{ 7*7 }},886\n"
    checked = client.post(reverse("admin:providers_provider_import"),
                          {"import_file": SimpleUploadedFile("p.csv", body.encode())},
                          follow=True)
    html = checked.content.decode()
    assert checked.status_code == 200 and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; {{ 7*7 }}" in html
    assert not Provider.objects.exists()


def test_export_page_has_no_inline_event_handler(client):
    """The export page's "Select all" box is bound by a static script, not an inline onchange
    that the Content-Security-Policy refuses."""
    staff(client, "view_provider")
    html = client.get(reverse("admin:providers_provider_export")).content.decode()
    assert 'class="select-toggle"' in html
    assert "onchange=" not in html.lower() and "onclick=" not in html.lower()
    assert "js/admin-export.js" in html


HISTORY_ADMINS = [
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if hasattr(model_admin, "history_view") and hasattr(model, "history")
]
ALL_ADMINS = [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123-x")
    client.force_login(user)
    return user


def test_history_admins_are_found():
    """The models with history pages include the providers' (so the next test covers them)."""
    assert ("providers", "provider") in HISTORY_ADMINS and len(HISTORY_ADMINS) >= 6


@pytest.mark.parametrize(("app", "model"), HISTORY_ADMINS)
def test_history_of_a_non_numeric_id_is_404(client, superuser, app, model):
    """/admin/<app>/<model>/abc/history/ (and one version of it) answer 404, not 500."""
    CourseFactory()
    base = f"/admin/{app}/{model}"
    assert client.get(f"{base}/abc/history/").status_code == 404
    assert client.get(f"{base}/abc/history/1/").status_code == 404
    assert client.get(f"{base}/1/history/abc/").status_code == 404
    assert client.get(f"{base}/999999/history/").status_code == 404


@pytest.mark.parametrize(("app", "model"), ALL_ADMINS)
def test_change_and_delete_of_a_non_numeric_id_never_fail(client, superuser, app, model):
    """Every admin's change and delete addresses with a non-numeric id answer without a 500
    (Django's admin redirects to the list with a message)."""
    for action in ("change", "delete"):
        response = client.get(f"/admin/{app}/{model}/abc/{action}/")
        assert response.status_code < 500, (action, response.status_code)
