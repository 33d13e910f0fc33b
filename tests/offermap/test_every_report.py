"""Every remit's report, through the same pages and downloads: it opens for Kent and each LCPA,
each table on the page has a CSV with the same cells, learner counts from 1 to 5 never appear
in a learner column (page or CSV), and a hostile provider name stays text everywhere.

The Level 3 report's own figures are checked in test_reports.py, the other builders' figures in
test_report_level2.py, test_report_semh_send.py and test_report_skills.py; this file checks the
pages and downloads every remit shares."""

import html as html_module
import re

import pytest
from django.urls import reverse

from coldspots.results import load_inputs
from offermap.reports import REMITS, build_report, report_tables
from providers.models import Course, Provider
from tests.offermap.test_reports import (
    HOSTILE,
    get_page,
    page_table,
    read_csv,
    results_for,
    shown,
)

pytestmark = pytest.mark.django_db

SMALL = {"1", "2", "3", "4", "5"}


def report_urls(slug):
    return ((reverse("offermap:report", args=[slug]), None),
            (reverse("offermap:report_lcpa", args=[slug, "east-kent"]), "east-kent"))


@pytest.mark.parametrize("slug", sorted(REMITS))
def test_every_table_downloads_with_the_pages_cells_and_no_small_counts(client, kent, slug):
    Course.objects.filter(provider__name="East School").update(learners=3)
    for url, lcpa in report_urls(slug):
        html = get_page(client, url + "?year=2016/17&minutes=45")
        links = [html_module.unescape(h)
                 for h in re.findall(r'href="([^"]*/download/[^"]*\.csv[^"]*)"', html)]
        tables = report_tables(build_report(REMITS[slug], results_for(45, "2016/17"),
                                            load_inputs(), lcpa))
        keys = {re.search(r"/download/([a-z0-9-]+)\.csv", link).group(1) for link in links}
        assert set(tables) <= keys, set(tables) - keys
        for key, table in tables.items():
            link = next(link for link in links if f"/download/{key}.csv" in link)
            rows = read_csv(client, link)
            assert len(rows) == len(table.rows), key
            for row in rows:
                assert row["academic_year"] == "2016/17"
                for name in table.learner_columns:
                    assert row.get(name, "") not in SMALL, (slug, key, name, row)
            for cells in table.cells():
                for (name, _), value in zip(table.columns, cells, strict=True):
                    if name in table.learner_columns:
                        assert str(value) not in SMALL, (slug, key, name, cells)
            if f'id="table-{key}"' in html and rows:
                skip = len(rows[0]) - len(table.columns)
                assert page_table(html, key) == [[shown(v) for v in list(row.values())[skip:]]
                                                 for row in rows], (slug, key)


@pytest.mark.parametrize("slug", sorted(REMITS))
def test_hostile_names_are_text_on_every_report(client, kent, slug):
    Provider.objects.update(name=HOSTILE)
    for url, _ in report_urls(slug):
        html = get_page(client, url + "?year=2016/17")
        assert "<script>alert(1)</script>" not in html
        # Shown as typed wherever the page names a provider: never run as template source.
        if "alert(1)" in html:
            assert "{{ 7|add:1 }}" in html_module.unescape(html)
        for link in re.findall(r'href="([^"]*/download/[^"]*\.csv[^"]*)"', html):
            raw = client.get(html_module.unescape(link)).content.decode()
            assert "\n=HYPERLINK" not in raw and ",=HYPERLINK" not in raw, link
