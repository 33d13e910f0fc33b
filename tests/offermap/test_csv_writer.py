"""The one CSV writer of the pages (offermap.views._csv_response): whole numbers stay whole after
pandas has widened them to floats, missing values are empty cells, text is formula-safe, and
the map, LCPA and report downloads all write through it."""

import csv
import io

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse

from offermap.views import _csv_response
from providers.models import Course, Provider

HOSTILE = '=HYPERLINK("http://x","y")'


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_an_integer_column_widened_by_pandas_is_written_as_integers():
    """An integer column with a gap (pandas stores it as 2.0, NaN) is written "2" and empty."""
    table = pd.DataFrame({"name": ["a", "b"]}).assign(
        learners=pd.Series([2, None], dtype=object).astype(float))
    assert table["learners"].dtype == np.float64
    assert rows_of(_csv_response(table, "x.csv")) == [["name", "learners"], ["a", "2"], ["b", ""]]


def test_a_column_with_fractions_keeps_them_and_missing_is_empty():
    """A float column that is not all whole is written as it is; NaN and None are empty."""
    table = pd.DataFrame({"minutes": [2.0, 30.5, np.nan], "label": ["x", None, np.nan]})
    assert rows_of(_csv_response(table, "x.csv"))[1:] == [["2.0", "x"], ["30.5", ""], ["", ""]]


def test_object_cells_are_written_as_given_without_being_widened():
    """Values as a page shows them (ints, a one-decimal share, "c") are not turned into floats."""
    table = pd.DataFrame([[3, 100.0, "c"], [None, 0.5, 7]], columns=["a", "share", "learners"],
                         dtype=object)
    assert rows_of(_csv_response(table, "x.csv"))[1:] == [["3", "100.0", "c"], ["", "0.5", "7"]]


def test_a_hostile_cell_is_neutralised_and_plain_numbers_are_not():
    """A formula-like cell gets a leading apostrophe; "-0.25" stays a number."""
    table = pd.DataFrame({"name": [HOSTILE, "-0.25", "+fine"]})
    response = _csv_response(table, "x.csv")
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert [row[0] for row in rows_of(response)[1:]] == ["'" + HOSTILE, "-0.25", "'+fine"]


@pytest.mark.django_db
def test_every_kind_of_download_writes_whole_numbers_and_safe_names(client, kent):
    """The providers (map), LCPA and report CSVs: learners "480" not "480.0", names safe."""
    Provider.objects.filter(name="East College").update(name=HOSTILE)
    providers = rows_of(client.get(reverse("offermap:download_providers_csv") + "?year=2016/17"))
    header = providers[0]
    college = next(row for row in providers if row[header.index("provider_name")] == "'" + HOSTILE)
    assert college[header.index("learners")] == "480"
    cohort = rows_of(client.get(reverse("offermap:lcpa_download_csv",
                                        args=["east-kent", "cohort-figures"]) + "?year=2016/17"))
    assert cohort[1][cohort[0].index("value")] == "150"
    report = rows_of(client.get(reverse("offermap:report_download_csv",
                                        args=["level-3", "cold-areas"]) + "?year=2016/17"))
    assert report[0][:2] == ["academic_year", "travel"]
    assert "'" + HOSTILE in {cell for row in report[1:] for cell in row}
    assert HOSTILE not in {cell for row in report[1:] for cell in row}
    shares = rows_of(client.get(reverse("offermap:report_download_csv",
                                        args=["level-3", "choice-by-lcpa"]) + "?year=2016/17"))
    east = dict(zip(shares[0], shares[1], strict=True))
    assert (east["cohort"], east["no_choice_pct"]) == ("150", "0.0")  # as the report page


@pytest.mark.django_db
def test_the_map_providers_csv_shows_learners_1_to_5_as_c_as_the_page_does(client, kent):
    """A site of 3 known learners is "c" in the download, never "3"; a site of 480 is 480."""
    school = Course.objects.filter(site__name="West School", academic_year="2016/17")
    first = school.order_by("pk").first()
    school.exclude(pk=first.pk).update(learners=None)
    school.filter(pk=first.pk).update(learners=3)
    providers = rows_of(client.get(reverse("offermap:download_providers_csv") + "?year=2016/17"))
    header = providers[0]
    learners = {row[header.index("site_name")]: row[header.index("learners")]
                for row in providers[1:]}
    page = client.get(reverse("offermap:map") + "?year=2016/17").content.decode()
    assert learners["West School"] == "c"
    assert not {value for value in learners.values() if value.isdigit() and 1 <= int(value) <= 5}
    assert "480" in learners.values()
    assert "West School" in page
