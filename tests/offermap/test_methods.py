"""Public pages answer GET and HEAD (uptime probes use HEAD) and refuse methods that write."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

QUERY = "?year=2016%2F17"


def public_urls(place):
    return [
        reverse("offermap:map") + QUERY,
        reverse("offermap:lcpa", args=["east-kent"]) + QUERY,
        reverse("offermap:provider", args=[place.providers[0].urn]),
        reverse("offermap:guarantee"),
        reverse("offermap:about_data"),
        reverse("offermap:accessibility"),
        reverse("offermap:download_lcpas_csv") + QUERY,
        reverse("offermap:download_providers_csv") + QUERY,
        reverse("offermap:download_cold_areas_csv") + QUERY,
        reverse("offermap:download_geojson") + QUERY,
    ]


def test_head_on_every_public_page_answers_200_without_a_body(client, kent):
    """HEAD gets the GET's status and headers, and no body."""
    for url in public_urls(kent):
        get = client.get(url)
        head = client.head(url)
        assert head.status_code == 200 == get.status_code, url
        assert head["Content-Type"] == get["Content-Type"], url
        assert head.content == b"", url


def test_methods_that_write_are_refused_with_405(client, kent):
    """POST, PUT and DELETE on a public page answer 405 and say which methods are allowed."""
    for url in public_urls(kent)[:3]:
        for method in (client.post, client.put, client.delete):
            response = method(url)
            assert response.status_code == 405, (url, method)
            assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
