"""The coldspots_report and import_travel_times commands, including bad input."""

import re

import pytest
from django.core.management import CommandError, call_command

from coldspots.models import TravelTime
from tests.factories import AreaFactory, CohortFigureFactory, CourseFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    area = AreaFactory(code="E01000001")
    CohortFigureFactory(area=area, value=50)
    site = SiteFactory(area=area)
    CourseFactory(provider=site.provider, site=site)
    return {"area": area, "site": site}


def test_report_prints_and_writes_csv(data, tmp_path, capsys):
    """The report prints the LCPA × level table and writes the same rows to CSV."""
    out = tmp_path / "report.csv"
    call_command("coldspots_report", "--year", "2016/17", "--minutes", "45", "--csv", str(out))
    printed = capsys.readouterr().out
    assert "within 45 minutes by public transport" in printed
    assert "Kent" in printed and "no data recorded: no verdict" in printed
    assert "fewer than 3 open-access providers within 45 minutes" in printed
    lines = out.read_text().splitlines()
    assert lines[0].startswith("region_slug,region_name,level,cohort,measured,no_choice_share,"
                               "reduced_choice_share")
    assert len(lines) == 1 + 2 * 4  # one LCPA and Kent, four levels


@pytest.mark.parametrize("args, message", [
    (["--year", "2016-17"], "--year"),
    (["--year", "2019/20"], "no course data for 2019/20"),
    (["--minutes", "500"], "--minutes"),
    (["--minutes", "0"], "--minutes"),
    (["--mode", "bus"], "invalid choice"),
    (["--minutes", "soon"], "invalid int value"),
    (["--csv", "/no/such/folder/report.csv"], "does not exist"),
])
def test_report_rejects_bad_arguments(data, args, message):
    """A bad argument gives a clear message and a failing exit, not a traceback."""
    with pytest.raises(CommandError, match=message):
        call_command("coldspots_report", *args)


def test_report_without_data_says_so():
    """With no courses loaded the report says what to do."""
    with pytest.raises(CommandError, match="no course data"):
        call_command("coldspots_report")


def test_import_travel_times_writes_good_rows(data, tmp_path):
    """Rows naming a site by id or by the provider's URN are stored; a rerun updates them."""
    path = tmp_path / "times.csv"
    urn = data["site"].provider.urn
    path.write_text(
        "area_code,site_id,urn,mode,minutes\n"
        f"E01000001,{data['site'].id},,pt,23.5\n"
        f"E01000001,,{urn},car,11\n"
    )
    call_command("import_travel_times", str(path))
    assert TravelTime.objects.count() == 2
    assert TravelTime.objects.get(mode="pt").minutes == 23.5
    path.write_text(f"area_code,site_id,mode,minutes\nE01000001,{data['site'].id},pt,30\n")
    call_command("import_travel_times", str(path))
    assert TravelTime.objects.get(mode="pt").minutes == 30


def test_import_travel_times_is_all_or_nothing(data, tmp_path):
    """One bad row means nothing is written, and every problem names file, line and field."""
    path = tmp_path / "bad.csv"
    site = data["site"].id
    path.write_text(
        "area_code,site_id,mode,minutes\n"
        f"E01000001,{site},pt,20\n"
        f"E09999999,{site},pt,20\n"
        f"E01000001,424242,pt,20\n"
        f"E01000001,{site},bus,20\n"
        f"E01000001,{site},car,-3\n"
        f"E01000001,{site},pt,25\n"
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_travel_times", str(path))
    message = str(caught.value)
    assert "Nothing imported: 5 problems" in message
    assert "bad.csv, line 3, field area_code" in message
    assert "bad.csv, line 4, field site_id" in message
    assert "bad.csv, line 5, field mode" in message
    assert "bad.csv, line 6, field minutes" in message
    assert "bad.csv, line 7, field minutes: repeats the pair on line 2" in message
    assert TravelTime.objects.count() == 0


def test_import_travel_times_missing_columns_and_file(tmp_path):
    """A file without the needed columns, or no file at all, is refused clearly."""
    path = tmp_path / "cols.csv"
    path.write_text("area,minutes\nE01000001,3\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_travel_times", str(path))
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_travel_times", str(tmp_path / "absent.csv"))


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"area_code,site_id,mode,minutes\n", "no journey times below the header"),
    (b"area_code,site_id,mode,minutes\nE01000001,SITE,pt,12\xe9\n", "not UTF-8 text (byte 0xe9)"),
    ("area_code,site_id,mode,minutes\nE01000001,²,pt,12\n".encode(), "line 2, field site_id"),
    ("area_code,urn,mode,minutes\nE01000001,١٢,pt,12\n".encode(), "line 2, field urn"),
])
def test_import_travel_times_unreadable_or_empty_files_are_refused(data, tmp_path, content,
                                                                    message):
    """An empty, header-only or non-UTF-8 file, or an id that only looks numeric, gives a clear
    command error (not a traceback or a silent 'imported 0') and writes nothing."""
    path = tmp_path / "times.csv"
    path.write_bytes(content.replace(b"SITE", str(data["site"].id).encode()))
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_travel_times", str(path))
    assert TravelTime.objects.count() == 0


def test_import_travel_times_refuses_a_source_longer_than_the_field(data, tmp_path):
    """A --source longer than the stored field is refused up front (PostgreSQL would otherwise
    fail mid-write with a database error); a long file name is only shortened as the label."""
    path = tmp_path / ("t" * 210 + ".csv")
    path.write_text(f"area_code,site_id,mode,minutes\nE01000001,{data['site'].id},pt,9\n")
    with pytest.raises(CommandError, match="source: at most 200 characters"):
        call_command("import_travel_times", str(path), "--source", "x" * 201)
    assert TravelTime.objects.count() == 0
    call_command("import_travel_times", str(path))
    assert TravelTime.objects.get().source == "t" * 200


def test_report_writes_nothing_to_the_database(data, tmp_path):
    """The report only reads: every table's row count is the same after it runs."""
    from django.apps import apps

    def counts():
        return {model: model.objects.count() for model in apps.get_models()
                if model._meta.app_label in {"areas", "providers", "coldspots"}}

    before = counts()
    call_command("coldspots_report", "--csv", str(tmp_path / "r.csv"))
    assert counts() == before
