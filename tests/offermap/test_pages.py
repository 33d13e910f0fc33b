"""The static-ish pages: about the data, accessibility statement, provider page, and the layout."""

import re

import pytest
from django.urls import reverse

from areas.models import CohortFigure
from providers.models import Course, RecordLabel
from tests.factories import CohortFigureFactory, CourseFactory, ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_layout_has_skip_link_phase_banner_attribution_and_no_other_host(client):
    """Every page carries the skip link, beta banner, attribution and loads nothing off-site."""
    response = client.get(reverse("offermap:accessibility"))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="govuk-skip-link[ "]', html) and 'href="#main-content"' in html
    assert "govuk-phase-banner" in html and "Beta" in html
    assert "Open Government Licence v3.0" in html
    assert "Contains Royal Mail data" in html
    assert "martinjc/UK-GeoJSON" in html
    assert 'class="govuk-generic-header' in html and "Kent post-16 offer map" in html
    # Links to licences are fine; nothing may be *loaded* from another host.
    for attribute in ('src="http', "src='http", 'href="//', "@import"):
        assert attribute not in html
    assert '<link rel="stylesheet" href="http' not in html


def test_inline_scripts_carry_this_responses_nonce(client):
    """Every inline script has the nonce named in the response's Content-Security-Policy."""
    response = client.get(reverse("offermap:accessibility"))
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce}"')


def test_about_data_lists_sources_estimates_and_travel_method(client):
    """About the data names each source with vintage and licence, estimates, and the method."""
    CohortFigureFactory(source="ONS Census 2021 shared out", method="Shared out by age band.")
    response = client.get(reverse("offermap:about_data"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Get Information About Schools", "24 May 2025", "Open Government Licence v3.0",
                 "Census 2021", "OS Code-Point Open", "provisional", "no data recorded",
                 "Detour factor", "public transport"):
        assert text.lower() in html.lower(), text
    assert "Shared out by age band." in html
    assert "1 are estimates" in html


def test_accessibility_statement_names_standard_and_known_limits(client):
    """The statement names WCAG 2.2 AA, how it was tested, and the map's known limitation."""
    html = client.get(reverse("offermap:accessibility")).content.decode()
    assert "WCAG" in html or "Web Content Accessibility Guidelines version 2.2" in html
    assert "table" in html and "keyboard" in html


def test_provider_page_lists_sites_and_offers_by_year(client):
    """A provider page shows its sites, and its offers grouped by academic year with labels."""
    provider = ProviderFactory(name="Oakwood <Sixth> Form")
    site = SiteFactory(provider=provider)
    CourseFactory(provider=provider, site=site, academic_year="2016/17", title="A Levels")
    CourseFactory(provider=provider, site=site, academic_year="2015/16", title="Old BTEC",
                  qualification_type=Course.QualificationType.APPLIED_GENERAL,
                  learners=None, record_label=RecordLabel.ILLUSTRATIVE)
    response = client.get(reverse("offermap:provider", args=[provider.urn]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oakwood &lt;Sixth&gt; Form" in html and "<Sixth>" not in html
    assert html.index("2016/17") < html.index("2015/16")
    assert "Not known" in html  # unknown learners are not shown as zero
    assert "Illustrative, not a fact" in html
    assert site.area.region.name in html


def test_provider_page_shows_16_to_18_students_by_year_with_source(client):
    """The institution's 16–18 headcount is shown for each year it is recorded, with its source."""
    from providers.models import Enrolment

    provider = ProviderFactory()
    Enrolment.objects.create(provider=provider, academic_year="2016/17", students_16_18=1234,
                             source="DfE 16-18 performance tables 2016/17")
    html = client.get(reverse("offermap:provider", args=[provider.urn])).content.decode()
    assert "2016/17: 1,234" in html and "DfE 16-18 performance tables 2016/17" in html


def test_provider_page_without_offers_says_no_data_recorded(client):
    """A provider with no course records says no data is recorded, not that it offers nothing."""
    provider = ProviderFactory()
    html = client.get(reverse("offermap:provider", args=[provider.urn])).content.decode()
    assert "no data has been recorded" in html


def test_unknown_provider_is_404(client):
    """A URN that no provider has gives 404, not a server error."""
    assert client.get(reverse("offermap:provider", args=[999])).status_code == 404


def test_provider_page_query_count_does_not_grow_with_offers(client, django_assert_max_num_queries):
    """The provider page runs a fixed number of queries however many offers it lists."""
    provider = ProviderFactory()
    site = SiteFactory(provider=provider)
    for _ in range(12):
        CourseFactory(provider=provider, site=site)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("offermap:provider", args=[provider.urn])).status_code == 200


@pytest.mark.parametrize("name", ["about_data", "accessibility", "provider"])
def test_pages_refuse_post(client, name):
    """Read-only pages answer 405 to a POST."""
    provider = ProviderFactory()
    args = [provider.urn] if name == "provider" else []
    assert client.post(reverse(f"offermap:{name}", args=args)).status_code == 405


def test_cohort_estimate_counts_only_estimates(client):
    """The about page counts estimates and published figures apart."""
    CohortFigureFactory(is_estimate=False, measure=CohortFigure.Measure.NEET_16_17)
    html = client.get(reverse("offermap:about_data")).content.decode()
    assert "1, of which 0 are estimates" in html


def test_not_found_page_uses_the_service_layout(client):
    """A missing page answers 404 with the service's own page and links back to the map."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "govuk-skip-link" in html


def test_server_error_page_renders_without_a_request(db):
    """The 500 page renders with no context at all (Django renders it that way)."""
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert "<script" not in html
