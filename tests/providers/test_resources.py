from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from providers.models import Course, Provider, Site
from providers.resources import import_file
from tests.factories import AreaFactory, ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

COURSE_HEADER = (
    "provider_urn,site_id,academic_year,title,level,qualification_type,subject,learners,"
    "ehcp_required,source\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_course_file_with_one_bad_row_writes_nothing_and_lists_every_error(tmp_path):
    """Good rows are not kept when another row is bad; each bad row is named by line and field."""
    provider = ProviderFactory(urn=118888)
    site = SiteFactory(provider=provider)
    csv = write(tmp_path, "courses.csv", COURSE_HEADER + (
        f"118888,{site.pk},2024/25,A Levels,3,a_level,,150,0,Officer\n"
        f"118888,{site.pk},2024/25,A Levels in maths,2,a_level,Maths,20,0,Officer\n"
        f"999999,,2024-25,Plumbing,2,l2_vocational,Construction,-4,0,Officer\n"
        f"118888,{site.pk},2024/25,Supported internship,E,supported_internship,,8,0,Officer\n"
    ))
    outcome = import_file("courses", csv)

    assert Course.objects.count() == 0
    where = {(e.line, e.field) for e in outcome.errors}
    assert (3, "level") in where  # A Level at Level 2, on the file's third line
    assert (4, "provider_urn") in where  # unknown URN
    assert (4, "academic_year") in where
    assert (4, "learners") in where
    assert (5, "ehcp_required") in where
    assert all(e.file == "courses.csv" for e in outcome.errors)
    assert not any(e.line == 2 for e in outcome.errors)
    messages = " ".join(str(e) for e in outcome.errors)
    assert "No provider with URN 999999 is recorded." in messages
    assert "courses.csv, line 3, level: A Level is offered at Level 3, not Level 2." in messages


def test_good_course_file_imports_and_a_second_import_changes_nothing(tmp_path):
    """A clean file creates its offers; importing it again matches them instead of duplicating."""
    provider = ProviderFactory(urn=118888)
    site = SiteFactory(provider=provider)
    csv = write(tmp_path, "courses.csv", COURSE_HEADER + (
        f"118888,{site.pk},2024/25,A Levels,3,a_level,,150,0,Officer\n"
        f"118888,{site.pk},2024/25,Motor vehicle,2,l2_vocational,Automotive,,0,Officer\n"
    ))
    first = import_file("courses", csv)
    assert first.ok and first.new == 2
    second = import_file("courses", csv)
    assert second.ok and second.new == 0
    assert Course.objects.count() == 2
    assert Course.objects.get(subject="Automotive").learners is None


def test_dry_run_checks_without_writing(tmp_path):
    """A dry run reports what would be imported and writes nothing."""
    csv = write(
        tmp_path, "providers.csv", "urn,name,kind,la_code\n150001,New College,fe_college,886\n"
    )
    outcome = import_file("providers", csv, dry_run=True)
    assert outcome.ok and outcome.new == 1
    assert not Provider.objects.exists()


def test_site_import_fills_the_grid_reference_from_latitude_and_longitude(tmp_path):
    """A site given only latitude and longitude gets its British National Grid position."""
    ProviderFactory(urn=150002)
    AreaFactory(code="E01024000")
    csv = write(tmp_path, "sites.csv", (
        "provider_urn,name,postcode,latitude,longitude,area_code\n"
        "150002,Town centre campus,ct1 1qu,51.2802,1.0789,E01024000\n"
    ))
    outcome = import_file("sites", csv)
    assert outcome.ok, outcome.errors
    site = Site.objects.get()
    assert site.postcode == "CT1 1QU"
    assert abs(site.easting - 615_000) < 1_500 and abs(site.northing - 157_800) < 1_500


def test_site_import_names_an_unknown_area_and_a_point_outside_kent(tmp_path):
    """An unknown LSOA code and a point in Scotland are reported on their own fields."""
    ProviderFactory(urn=150003)
    csv = write(tmp_path, "sites.csv", (
        "provider_urn,name,latitude,longitude,area_code\n"
        "150003,Far away,56.0,-3.2,E01999999\n"
    ))
    outcome = import_file("sites", csv)
    fields = {e.field for e in outcome.errors}
    assert {"area_code", "latitude", "longitude"} <= fields
    assert not Site.objects.exists()


def test_import_records_command_fails_loudly_on_bad_rows(tmp_path):
    """The command prints each bad row and exits non-zero, leaving the database unchanged."""
    csv = write(tmp_path, "providers.csv", (
        "urn,name,kind,la_code\n150004,Good School,school_sixth_form,886\n"
        "150005,,wizard_school,886\n"
    ))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_records", "providers", str(csv))
    assert not Provider.objects.exists()


def test_import_records_command_reports_counts(tmp_path, capsys):
    """A clean file is imported and the command says how many records are new."""
    csv = write(
        tmp_path, "providers.csv",
        "urn,name,kind,la_code\n150006,Good School,school_sixth_form,886\n",
    )
    call_command("import_records", "providers", str(csv))
    assert "imported 1 new" in capsys.readouterr().out
    assert Provider.objects.get(urn=150006).name == "Good School"
