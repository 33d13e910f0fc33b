"""Officers set the choice thresholds in the admin; pages use them and say so; changes are kept."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from coldspots.models import ChoiceThresholds
from tests.offermap.conftest import build_kent

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = get_user_model().objects.create_superuser("officer", "officer@example.org", "pw-123-x")
    client.force_login(user)
    return user


def test_defaults_hold_until_an_officer_saves_a_record():
    """With no record, the rule's defaults (3 providers, 30 minutes) are in force."""
    current = ChoiceThresholds.current()
    assert (current.pk, current.min_providers, current.max_nearest_minutes) == (None, 3, 30)


def test_an_officer_changes_the_thresholds_and_every_page_uses_them(client, officer):
    """Saved in the admin, the new N and X reach the map, the LCPA page and the CSV; the
    history keeps the change; a second record cannot be added."""
    build_kent()
    add = reverse("admin:coldspots_choicethresholds_add")
    response = client.post(add, {"min_providers": 2, "max_nearest_minutes": 45})
    assert response.status_code == 302
    record = ChoiceThresholds.objects.get()
    change = reverse("admin:coldspots_choicethresholds_change", args=[record.pk])
    client.post(change, {"min_providers": 1, "max_nearest_minutes": 45})
    assert list(record.history.values_list("min_providers", flat=True)) == [1, 2]
    assert client.get(add).status_code == 403
    page = client.get(reverse("offermap:map") + "?year=2016/17").content.decode()
    assert "fewer than 1 open-access providers within 60 minutes, or the nearest more than " \
           "45 minutes away" in page
    lcpa = client.get(reverse("offermap:lcpa", args=["east-kent"]) + "?year=2016/17")
    assert "nearest more than 45 minutes" in lcpa.content.decode()
    rows = client.get(reverse("offermap:download_cold_areas_csv") + "?year=2016/17&level=2")
    assert ",1,45\r\n" in rows.content.decode() or ",1,45\n" in rows.content.decode()


def test_thresholds_out_of_range_are_refused_in_the_admin(client, officer):
    """N below 1 or X beyond the travel-time range is refused with a message."""
    add = reverse("admin:coldspots_choicethresholds_add")
    response = client.post(add, {"min_providers": 0, "max_nearest_minutes": 500})
    assert response.status_code == 200 and not ChoiceThresholds.objects.exists()
    assert "Ensure this value is greater than or equal to 1" in response.content.decode()
