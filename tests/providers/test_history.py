"""History with who and why: imports, hand edits, travel times, users and groups."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from areas.history import STARTING_REASON, SYSTEM_USERNAME, recorded_as, starting_history
from coldspots.models import TravelTime
from providers.models import Enrolment, Provider
from tests.factories import AreaFactory, EnrolmentFactory, ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

HEADER = "urn,name,kind,la_code,source\n"


def write(tmp_path: Path, text: str, name="providers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_records_writes_history_as_the_given_user(tmp_path):
    """Each imported record's history names --user and the file; a re-import that changes a
    value adds a '~' entry."""
    officer = User.objects.create_user("officer.jones", password="x" * 14)
    call_command("import_records", "providers",
                 str(write(tmp_path, HEADER + "150100,Herne Bay High,school_sixth_form,886,KCC\n")),
                 "--user", "officer.jones")
    provider = Provider.objects.get(urn=150100)
    (first,) = provider.history.all()
    assert (first.history_type, first.history_user) == ("+", officer)
    assert first.history_change_reason == "Imported from providers.csv (import_records)"
    call_command("import_records", "providers",
                 str(write(tmp_path, HEADER + "150100,Herne Bay High School,school_sixth_form,"
                           "886,KCC\n", name="rename.csv")),
                 "--user", "officer.jones", "--reason", "Name as on GIAS")
    latest = provider.history.order_by("-history_id").first()
    assert (latest.history_type, latest.name, latest.history_user,
            latest.history_change_reason) == ("~", "Herne Bay High School", officer,
                                              "Name as on GIAS")


def test_import_records_without_user_is_recorded_as_the_system_user(tmp_path):
    """With no --user the named system account is the one in the history."""
    call_command("import_records", "providers",
                 str(write(tmp_path, HEADER + "150101,Spires Academy,school_sixth_form,886,KCC\n")))
    entry = Provider.objects.get(urn=150101).history.get()
    assert entry.history_user.username == SYSTEM_USERNAME
    assert not entry.history_user.has_usable_password()
    assert not entry.history_user.is_active


def test_an_admin_edit_is_recorded_with_the_signed_in_officer(client):
    """Saving a record in the admin writes a history entry naming the officer."""
    officer = User.objects.create_superuser("officer", "o@example.org", "x" * 14)
    client.force_login(officer)
    enrolment = EnrolmentFactory(students_16_18=150)
    url = reverse("admin:providers_enrolment_change", args=[enrolment.pk])
    response = client.post(url, {
        "provider": enrolment.provider_id, "academic_year": enrolment.academic_year,
        "students_16_18": 175, "source": enrolment.source,
    })
    assert response.status_code == 302
    latest = Enrolment.history.filter(id=enrolment.pk).order_by("-history_id").first()
    assert (latest.history_type, latest.students_16_18, latest.history_user) == (
        "~", 175, officer)


def test_import_travel_times_writes_history_as_the_given_user(tmp_path):
    """Imported journey times carry who imported them and from which file."""
    officer = User.objects.create_user("analyst", password="x" * 14)
    area = AreaFactory()
    site = SiteFactory(provider=ProviderFactory(), area=area)
    path = write(tmp_path, f"area_code,site_id,mode,minutes\n{area.code},{site.pk},pt,23\n",
                 name="r5py.csv")
    call_command("import_travel_times", str(path), "--user", "analyst")
    entry = TravelTime.history.get()
    assert (entry.history_type, entry.history_user, entry.minutes) == ("+", officer, 23)
    assert entry.history_change_reason == "Imported from r5py.csv (import_travel_times)"


def test_records_held_before_history_get_a_starting_entry():
    """Rows written without history (as bulk loads once were) get one '+' entry, once."""
    Provider.objects.bulk_create(
        [Provider(urn=150200 + i, name=f"School {i}", kind="school_sixth_form") for i in range(3)]
    )
    assert not Provider.history.exists()
    loader = User.objects.create_user("loader", password="x" * 14)
    with recorded_as(loader, "anything"):
        assert starting_history([Provider]) == {"providers.Provider": 3}
        assert starting_history([Provider]) == {}
    entries = Provider.history.all()
    assert {(e.history_type, e.history_change_reason, e.history_user) for e in entries} == {
        ("+", STARTING_REASON, loader)}


def test_giving_a_user_a_role_is_in_their_history(client):
    """Adding someone to a role group in the admin is recorded with who did it."""
    root = User.objects.create_superuser("root", "r@example.org", "x" * 14)
    lead = User.objects.create_user("lead", password="x" * 14)
    client.force_login(root)
    group = Group.objects.get(name="LCPA lead")
    url = reverse("admin:auth_user_change", args=[lead.pk])
    response = client.post(url, {
        "username": "lead", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "is_staff": "on", "groups": [group.pk], "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2025-01-06", "date_joined_1": "09:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-remit": "", "profile-0-region": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = lead.history.order_by("-history_id").first()
    assert latest.history_user == root and latest.is_staff
    assert list(latest.groups.values_list("group__name", flat=True)) == ["LCPA lead"]


def test_role_groups_start_with_a_history_entry():
    """The groups the migration made have their starting entry, so later edits show."""
    for name in ("KCC officer", "Board champion", "LCPA lead"):
        assert Group.objects.get(name=name).history.filter(history_type="+").exists()
