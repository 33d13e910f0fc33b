import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import shape

from areas.models import Area, Region
from coldspots.models import BoardAction, TravelTime
from providers.models import Course, Provider
from tests.factories import (
    AreaFactory,
    CohortFigureFactory,
    CourseFactory,
    EnrolmentFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "areas.region", "areas.district", "areas.area", "areas.cohortfigure", "areas.postcode",
    "providers.provider", "providers.site", "providers.course", "providers.enrolment",
    "coldspots.boardaction", "coldspots.traveltime", "coldspots.choicethresholds",
]


@pytest.fixture
def officer(client):
    user = get_user_model().objects.create_superuser("officer", "officer@example.org", "pw-123-x")
    client.force_login(user)
    return user


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_list_add_and_change_page_renders(client, officer, model):
    """Each model's list (with its filters), add and, for a record, change page open."""
    course = CourseFactory()
    CohortFigureFactory(area=course.site.area)
    BoardAction.objects.create(remit="level_3", region=course.site.area.region, note="Thin")
    EnrolmentFactory(provider=course.provider)
    TravelTime.objects.create(
        area=course.site.area, site=course.site, mode="pt", minutes=12, source="test"
    )
    app, name = model.split(".")
    assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{name}_add")).status_code == 200
    record = apps.get_model(app, name).objects.first()
    if record is not None:
        url = reverse(f"admin:{app}_{name}_change", args=[record.pk])
        assert client.get(url).status_code == 200


def test_course_list_filters_by_level_type_lcpa_kind_and_year(client, officer):
    """The course list narrows to one LCPA's Level 3 A Levels in a year."""
    wanted = CourseFactory()
    CourseFactory(title="Elsewhere")
    url = reverse("admin:providers_course_changelist")
    response = client.get(url, {
        "level": "3", "qualification_type": "a_level", "academic_year": "2016/17",
        "lcpa": wanted.site.area.region.slug, "provider__kind": "school_sixth_form",
    })
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_history_records_which_officer_changed_a_course(client, officer):
    """Editing a course through the admin leaves a history entry naming the officer."""
    course = CourseFactory(learners=100)
    url = reverse("admin:providers_course_change", args=[course.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(provider=course.provider_id, site=course.site_id, learners=90)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = course.history.latest()
    assert latest.learners == 90
    assert latest.history_user == officer
    history_page = client.get(reverse("admin:providers_course_history", args=[course.pk]))
    assert "officer" in history_page.content.decode()


def test_admin_csv_import_preview_shows_every_bad_row_and_writes_nothing(client, officer):
    """Uploading a file with bad rows shows each error by line and field; nothing is saved."""
    csv = (
        b"urn,name,kind,la_code\n"
        b"150010,Good Academy,school_sixth_form,886\n"
        b"150011,,school_sixth_form,886\n"
        b"150012,Odd Place,wizard_school,886\n"
    )
    response = client.post(
        reverse("admin:providers_provider_import"),
        {"import_file": SimpleUploadedFile("providers.csv", csv)}, follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>3</td><td>name</td><td>This field cannot be blank.</td>" in page
    assert "<td>4</td><td>kind</td><td>&#x27;wizard_school&#x27; is not one of:" in page
    assert "Confirm import" not in page  # no way to go ahead with this file
    assert not Provider.objects.exists()


def test_admin_csv_import_of_a_clean_file_previews_then_confirms(client, officer):
    """A clean file is checked first (writes nothing), then the confirm step saves it."""
    csv = b"urn,name,kind,la_code\n150020,Good Academy,school_sixth_form,886\n"
    preview = client.post(
        reverse("admin:providers_provider_import"),
        {"import_file": SimpleUploadedFile("providers.csv", csv)}, follow=True,
    )
    assert preview.status_code == 200
    assert "add 1 new" in preview.content.decode()
    assert not Provider.objects.exists()
    job = preview.context["job"]
    response = client.post(reverse("admin:providers_provider_process_import"), {"job": job.pk})
    assert response.status_code == 302
    assert Provider.objects.get(urn=150020).name == "Good Academy"


def test_admin_export_gives_csv(client, officer):
    """The course list exports to CSV with the import's column names."""
    CourseFactory()
    response = client.post(
        reverse("admin:providers_course_export"),
        {"format": "0", "resource": "0", "export_items": [],
         **{f"courseresource_{f}": "on" for f in ("id", "provider", "title", "level")}},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "provider_urn" in response.content.decode().splitlines()[0]


def test_moving_an_area_to_another_lcpa_redraws_both_boundaries(client, officer):
    """When an officer reassigns a small area, both LCPAs' boundaries follow."""
    east, west = RegionFactory(), RegionFactory()
    moving = AreaFactory(region=east, boundary=square(1.00, 51.20))
    AreaFactory(region=east, boundary=square(1.01, 51.20))
    AreaFactory(region=west, boundary=square(0.50, 51.20))
    url = reverse("admin:areas_area_changelist")
    response = client.post(url, {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": moving.pk,
        "form-0-region": west.pk, "_save": "Save",
    })
    assert response.status_code == 302
    assert Area.objects.get(pk=moving.pk).region == west
    east_box = Region.objects.get(pk=east.pk).boundary
    west_box = Region.objects.get(pk=west.pk).boundary
    assert shape(east_box).bounds[0] == pytest.approx(1.01)
    assert shape(west_box).bounds[2] == pytest.approx(1.01)
    assert Area.objects.get(pk=moving.pk).history.latest().history_user == officer


def test_board_action_records_its_author(client, officer):
    """A note added in the admin remembers who wrote it."""
    region = RegionFactory()
    response = client.post(reverse("admin:coldspots_boardaction_add"), {
        "remit": "level_2", "region": region.pk, "level": "2", "note": "No L2 construction",
        "status": "noted",
    })
    assert response.status_code == 302
    assert BoardAction.objects.get().created_by == officer


def test_admin_requires_sign_in(client):
    """Anonymous visitors are sent to the sign-in page."""
    response = client.get(reverse("admin:providers_course_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Course.objects.count() == 0
