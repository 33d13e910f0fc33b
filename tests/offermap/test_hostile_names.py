"""Names that look like templates, HTML or script are shown as the text they are, everywhere
(issue 8): on every page, fragment and download that shows them, never evaluated, never a 500."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.models import Postcode
from providers.spreadsheets import spreadsheet_safe

pytestmark = pytest.mark.django_db

YEAR = "year=2016%2F17"
HX = {"HTTP_HX_REQUEST": "true"}

# Pieces of template syntax (Django and Jinja2), HTML and script, quotes and backslashes.
FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "{{ 7*7 }}", "{{7*7}}", "{{ 7*'7' }}",
    "{{ lipsum.__globals__ }}", "{{ lipsum.__globals__.os.popen('id').read() }}",
    "{% for x in y %}", "{% endfor %}", "{% if 1 %}yes{% endif %}", "{# note #}", "${7*7}",
    "{{ request }}", "{% load static %}", "<img src=x onerror=alert(1)>", "\"><script>",
    "</script>", "<script>alert(1)</script>", "<!--", "]]>", "'", "\"", "\\", "\\n", "\\u003c",
    "&amp;", "&lt;", "&", "`", " ", "=1+1", "@x", "ŚŵįƬ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂", "\u202eevil", "日本語",
]
PLAIN_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=8
)
LONG_UNICODE = st.text(
    alphabet=st.characters(min_codepoint=0x100, exclude_categories=("Cc", "Cs")),
    min_size=60, max_size=90,
)
NAMES = (
    st.lists(st.sampled_from(FRAGMENTS) | PLAIN_TEXT, min_size=1, max_size=6).map("".join)
    | LONG_UNICODE
).map(lambda name: name[:90]).filter(lambda name: name.strip() and name != "West Kent")

JINJA_SUM = re.compile(r"\{\{\s*7\s*\*\s*7\s*\}\}")


def json_strings(value) -> set[str]:
    """Every string in a parsed JSON value (keys and values)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set(value) | {s for item in value.values() for s in json_strings(item)}
    if isinstance(value, list):
        return {s for item in value for s in json_strings(item)}
    return set()


def map_data(html: str, map_id: str) -> dict:
    """The map's json_script document, parsed (it must be one intact JSON block)."""
    blocks = re.findall(
        rf'<script id="{map_id}-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert len(blocks) == 1, f"{map_id}: {len(blocks)} data blocks"
    return json.loads(blocks[0])


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code < 500, (url, response.status_code)
    assert response.status_code == 200, (url, response.status_code)
    return response


def evaluated_form(name: str) -> str | None:
    """The name as a template engine would print it with `{{ 7*7 }}` worked out, when that is
    distinctive enough to look for (a bare "49" is in any page's figures)."""
    evaluated = JINJA_SUM.sub("49", name)
    if evaluated == name or len(evaluated.replace("49", "").strip()) < 3:
        return None
    return evaluated


def assert_shown_as_text(html: str, name: str, where: str):
    """The name is in the HTML escaped exactly once over, and no evaluated form of it is."""
    assert escape(name) in html, f"{where}: {name!r} not shown as text"
    evaluated = evaluated_form(name)
    if evaluated:
        assert escape(evaluated) not in html, f"{where}: {name!r} was evaluated"


def assert_in_json(strings: set[str], name: str, where: str):
    assert name in strings, f"{where}: {name!r} not carried verbatim"
    evaluated = evaluated_form(name)
    if evaluated:
        assert not any(evaluated in s for s in strings), f"{where}: {name!r} was evaluated"


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


@pytest.fixture
def named_place(kent):
    """The small Kent database with a postcode in East Kent's first small area."""
    area = kent.areas[0]
    Postcode.objects.create(postcode="CT1 1QU", latitude=area.latitude, longitude=area.longitude,
                            easting=area.easting, northing=area.northing, area=area)
    return kent


def rename(place, name: str, site_name: str):
    """East Kent, every small area, East School and its site (by another name), and East
    College (whose site keeps the provider's name) take the hostile names."""
    east = place.regions[0]
    east.name = name
    east.save()
    for area in place.areas:
        area.name = name
        area.save()
    college, school = place.providers[0], place.providers[1]
    for provider in (college, school):
        provider.name = name
        provider.save()
    college_site = college.sites.get()
    college_site.name = name
    college_site.save()
    school_site = school.sites.get()
    school_site.name = site_name
    school_site.save()
    return college, school


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=NAMES, site_name=NAMES)
def test_hostile_names_are_shown_as_stored_everywhere(client, named_place, name, site_name):
    """Provider, site, LCPA and small-area names drawn from template syntax, HTML, script,
    quotes and long Unicode appear exactly as stored on the map page and its htmx fragment
    (table and map data), the LCPA page, the provider page, the postcode check, the CSV
    downloads and the GeoJSON, with no 5xx and no `{{ 7*7 }}` turned into 49."""
    _college, school = rename(named_place, name, site_name)
    # A marker is named "provider: site", or just the provider when the site has its name.
    school_marker = name if site_name == name else f"{name}: {site_name}"

    for url, headers in ((f"/?{YEAR}", {}), (f"/?{YEAR}&lcpa=east-kent&cold_areas=1", HX)):
        html = get(client, url, **headers).content.decode()
        assert_shown_as_text(html, name, url)
        assert_shown_as_text(html, site_name, url)
        strings = json_strings(map_data(html, "offer-map"))
        assert_in_json(strings, name, url)  # the LCPA and East College's marker
        assert_in_json(strings, school_marker, url)
    cold_map = map_data(get(client, f"/?{YEAR}&cold_areas=1").content.decode(), "offer-map")
    small_areas = [
        line["text"] for layer in cold_map["layers"] if layer["id"] == "cold-areas"
        for feature in layer["features"] for line in feature["properties"]["tooltip"]
        if line["label"] == "Small area"
    ]
    assert small_areas and all(text.startswith(f"{name} (") for text in small_areas)

    lcpa = get(client, reverse("offermap:lcpa", args=["east-kent"]) + f"?{YEAR}")
    html = lcpa.content.decode()
    assert_shown_as_text(html, name, "LCPA page")
    strings = json_strings(map_data(html, "lcpa-map"))
    assert_in_json(strings, name, "LCPA map")
    assert_in_json(strings, school_marker, "LCPA map")

    html = get(client, reverse("offermap:provider", args=[school.urn])).content.decode()
    assert_shown_as_text(html, name, "provider page")
    assert_shown_as_text(html, site_name, "provider page")

    html = get(client, reverse("offermap:guarantee") + f"?postcode=CT1+1QU&{YEAR}").content
    html = html.decode()
    assert_shown_as_text(html, name, "postcode check")  # its small area and LCPA

    lcpas = csv_rows(get(client, reverse("offermap:download_lcpas_csv") + f"?{YEAR}"))
    assert spreadsheet_safe(name) in {row["region_name"] for row in lcpas}
    providers = csv_rows(get(client, reverse("offermap:download_providers_csv") + f"?{YEAR}"))
    assert spreadsheet_safe(name) in {row["provider_name"] for row in providers}
    assert spreadsheet_safe(site_name) in {row["site_name"] for row in providers}
    assert spreadsheet_safe(name) in {row["lcpa"] for row in providers}
    cold = csv_rows(get(client, reverse("offermap:download_cold_areas_csv") + f"?{YEAR}"))
    assert cold and {row["area_name"] for row in cold} == {spreadsheet_safe(name)}

    geojson = json.loads(get(client, reverse("offermap:download_geojson") + f"?{YEAR}").content)
    properties = [feature["properties"] for feature in geojson["features"]]
    assert name in {p.get("name") for p in properties if p["feature_type"] == "lcpa"}
    assert name in {p.get("provider") for p in properties if p["feature_type"] == "site"}
    assert site_name in {p.get("site") for p in properties if p["feature_type"] == "site"}


@pytest.mark.parametrize("name", [
    "Probe {{ 7*7 }} X", "St Mary {{ Academy", "North {{7*7}} Kent",
    "{{ lipsum.__globals__.os.popen('echo PWNED').read() }}", "{% if %}", "</script><b>x",
])
def test_the_reported_names_are_text_on_the_map(client, named_place, name):
    """The names from the issue's report show as typed on the map page and in its data."""
    rename(named_place, name, name)
    html = get(client, f"/?{YEAR}&lcpa=east-kent").content.decode()
    assert_shown_as_text(html, name, "map")
    # The command's output would be PWNED on its own; the name itself is text or JSON.
    assert "PWNED" not in html.replace(escape(name), "").replace(name, "")
    assert_in_json(json_strings(map_data(html, "offer-map")), name, "map data")
