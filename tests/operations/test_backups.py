"""Backup and restore on whichever database the suite runs (PostgreSQL or SQLite)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from operations.backups import row_counts
from providers.models import Course, Provider
from tests.offermap.conftest import build_kent


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in counts.items() if n}


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_every_row(tmp_path, capsys):
    """Load a small dataset, back up, wipe, restore: every table has its rows again."""
    build_kent()
    get_user_model().objects.create_user("officer", password="x-secret-1")
    before = row_counts()
    names_before = sorted(Provider.objects.values_list("name", flat=True))
    assert before["providers_course"] > 0 and before["areas_area"] == 6

    dump = tmp_path / ("kent.dump" if connection.vendor == "postgresql" else "kent.sqlite3")
    call_command("backup_database", str(dump))
    assert dump.stat().st_size > 0

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert _nonzero(row_counts()) == {}

    call_command("restore_database", str(dump), "--yes")
    after = row_counts()
    assert after == before
    assert sorted(Provider.objects.values_list("name", flat=True)) == names_before
    # The restored sequences go on from where they were: a new row does not collide.
    provider = Provider.objects.first()
    Course.objects.create(provider=provider, site=provider.sites.first(), academic_year="2023/24",
                          level="3", qualification_type="a_level", title="Added after restore")
    assert Course.objects.count() == before["providers_course"] + 1
    assert "Restored" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_missing_file_and_changes_nothing(tmp_path):
    """A restore from a file that is not there fails plainly and leaves the rows alone."""
    build_kent()
    before = row_counts()
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore_database", str(tmp_path / "missing.dump"), "--yes")
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first(tmp_path, monkeypatch):
    """Without --yes, anything but 'y' restores nothing."""
    build_kent()
    dump = tmp_path / "kent.backup"
    call_command("backup_database", str(dump))
    Provider.objects.all().delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore_database", str(dump))
    assert Provider.objects.count() == 0
