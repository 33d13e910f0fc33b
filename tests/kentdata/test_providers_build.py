"""Provider, site, course and enrolment importers on slices of the real files, and the
all-or-nothing load."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from areas.importers.validation import ImportFileError
from areas.models import Area, CohortFigure, District, Postcode, Region
from kentdata.build import build_kent_fixtures
from kentdata.load import load_kent
from kentdata.offer import Successors
from kentdata.sources import gias, ks5, spine
from providers.models import Course, Enrolment, Provider, Site
from tests.factories import CourseFactory, EnrolmentFactory

SOURCE = Path(__file__).resolve().parents[1] / "data" / "source"
KS5_2015 = SOURCE / ks5.KS5_FILES["2015/16"]
KS5_2016 = SOURCE / ks5.KS5_FILES["2016/17"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The extract built from the slices, once for the module: (folder, report)."""
    out = tmp_path_factory.mktemp("fixture")
    report = build_kent_fixtures(SOURCE, out, say=lambda _text: None)
    return out, report


@pytest.fixture(scope="module")
def providers(built):
    return pd.read_csv(built[0] / "providers.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sites(built):
    return pd.read_csv(built[0] / "sites.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def courses(built):
    return pd.read_csv(built[0] / "courses.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def enrolments(built):
    return pd.read_csv(built[0] / "enrolments.csv", dtype=str, keep_default_na=False)


def ks5_row(path: Path, urn: str) -> pd.Series:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.set_index("URN").loc[urn]


def offers(courses, urn, year=None):
    found = courses[courses["provider_urn"] == urn]
    return found if year is None else found[found["academic_year"] == year]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("NE", (False, None, "")), ("SUPP", (True, None, "SUPP")), ("12", (True, 12, "")),
     ("0", (False, 0, "")), (None, (False, None, "")), ("NEW", (False, None, ""))],
)
def test_performance_table_counts_mean_offered_unknown_or_not_offered(value, expected):
    """NE is no offer, SUPP an offer with unknown learners, a number an offer with learners."""
    assert ks5.learners(value) == expected


def test_successor_links_are_followed_through_several_steps():
    """136300 → 144497 → 146624: the old record reaches today's open Goodwin Academy."""
    links = gias.read_links(SOURCE / gias.LINKS_FILE)
    successors = Successors(links, {"146624", "130728"})
    assert successors.open_successors("136300") == [("146624", False)]
    assert successors.open_successors("130730") == [("130728", True)]  # merged college
    assert successors.open_successors("146624") == [("146624", False)]


def test_courses_of_a_converted_school_belong_to_todays_academy(courses):
    """The Charles Dickens School's 2015/16 A Levels (URN 118910) sit with URN 144015."""
    published = ks5_row(KS5_2015, "118910")
    a_levels = offers(courses, "144015", "2015/16")
    a_levels = a_levels[a_levels["qualification_type"] == "a_level"]
    assert len(a_levels) == 1
    assert int(a_levels.iloc[0]["learners"]) == int(published["TALLPUP_ALEV_1618"])
    assert "URN 118910" in a_levels.iloc[0]["source"]
    assert offers(courses, "118910").empty


@pytest.mark.parametrize("year", ["2015/16", "2016/17"])
def test_each_family_is_an_offer_only_where_the_tables_show_entries(courses, year):
    """For a grammar school: a number gives an offer with those learners, NE gives none."""
    path = KS5_2015 if year == "2015/16" else KS5_2016
    row = ks5_row(path, "118789")
    found = offers(courses, "118789", year).set_index("qualification_type")
    families = {
        "TALLPUP_ALEV_1618": "a_level", "TALLPUP_AGEN": "applied_general",
        "TALLPUP_TLEV": "tech_level", "TALLPUP_TechCert": "technical_certificate",
        "TALLPUP_L2VOC": "l2_vocational",
    }
    checked = 0
    for column, qualification_type in families.items():
        if column not in row.index:
            assert qualification_type not in found.index  # no source, no record
            continue
        value = row[column]
        if value in ("NE", ""):
            assert qualification_type not in found.index
        else:
            assert int(found.loc[qualification_type, "learners"]) == int(value)
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("year", ["2015/16", "2016/17"])
def test_academic_students_without_a_levels_make_an_other_academic_offer(courses, year):
    """Tonbridge Grammar (IB, A Levels NE) gets one L3 other_academic offer of its ACAD count."""
    row = ks5_row(KS5_2015 if year == "2015/16" else KS5_2016, "136417")
    assert row["TALLPUP_ALEV_1618"] == "NE" and row["TALLPUP_ACAD_1618"].isdigit()
    found = offers(courses, "136417", year)
    other = found[found["qualification_type"] == "other_academic"]
    assert len(other) == 1
    assert other.iloc[0]["level"] == "3"
    assert int(other.iloc[0]["learners"]) == int(row["TALLPUP_ACAD_1618"])
    assert "TALLPUP_ACAD_1618" in other.iloc[0]["source"]
    assert "a_level" not in set(found["qualification_type"])


def test_academic_students_alongside_a_levels_make_no_separate_offer(courses):
    """Where A Levels have entries, the ACAD count is the same students: no other_academic."""
    row = ks5_row(KS5_2016, "118789")
    assert row["TALLPUP_ALEV_1618"].isdigit() and row["TALLPUP_ACAD_1618"].isdigit()
    assert "other_academic" not in set(offers(courses, "118789")["qualification_type"])


@pytest.mark.parametrize(
    ("a_levels", "academic", "expected"),
    [("NE", "139", [("other_academic", 139)]), ("NE", "SUPP", [("other_academic", None)]),
     ("NE", "NE", []), ("45", "50", [("a_level", 45)])],
)
def test_other_academic_offer_rule_on_one_row(tmp_path, a_levels, academic, expected):
    """A Levels NE + ACAD number/SUPP → other_academic (SUPP unknown); otherwise none."""
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    path = source / ks5.KS5_FILES["2016/17"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    tgs = frame["URN"] == "136417"
    frame.loc[tgs, ["TALLPUP_ALEV_1618", "TALLPUP_ACAD_1618"]] = [a_levels, academic]
    frame.loc[tgs, ["TALLPUP_AGEN", "TALLPUP_TLEV", "TALLPUP_TechCert", "TALLPUP_L2VOC"]] = "NE"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    build_kent_fixtures(source, out, say=lambda _text: None)
    built_courses = pd.read_csv(out / "courses.csv", dtype=str, keep_default_na=False)
    found = offers(built_courses, "136417", "2016/17")
    assert [
        (t, int(n) if n else None) for t, n in zip(found["qualification_type"],
                                                    found["learners"], strict=True)
    ] == expected


def test_enrolment_is_the_published_16_18_headcount(enrolments):
    """Tonbridge Grammar's enrolment each year is its TPUP1618, not the sum of course learners."""
    tgs = enrolments[enrolments["provider_urn"] == "136417"].set_index("academic_year")
    assert {"2015/16", "2016/17", "2021/22", "2022/23", "2023/24"} <= set(tgs.index)
    for year in ("2015/16", "2016/17", "2021/22", "2022/23", "2023/24"):
        path = SOURCE / ks5.KS5_FILES[year]
        assert int(tgs.loc[year, "students_16_18"]) == int(ks5_row(path, "136417")["TPUP1618"])
        assert "TPUP1618" in tgs.loc[year, "source"]
        assert tgs.loc[year, "measure"] == "16–18 students (performance tables, TPUP1618)"


def test_enrolment_of_a_converted_school_comes_from_its_predecessor(enrolments):
    """The Charles Dickens academy's 2016/17 record says NEW: its predecessor's figure counts."""
    assert ks5_row(KS5_2016, "144015")["TPUP1618"] == "NEW"
    published = int(ks5_row(KS5_2016, "118910")["TPUP1618"])
    found = enrolments[enrolments["provider_urn"] == "144015"].set_index("academic_year")
    assert int(found.loc["2016/17", "students_16_18"]) == published
    assert "118910" not in set(enrolments["provider_urn"])


def test_merged_colleges_enrolments_are_added_up(enrolments):
    """EKC Group's year is East Kent College's plus Canterbury College's 16–18 students."""
    found = enrolments[enrolments["provider_urn"] == "130728"].set_index("academic_year")
    for year, path in (("2015/16", KS5_2015), ("2016/17", KS5_2016)):
        expected = int(ks5_row(path, "130728")["TPUP1618"]) + int(
            ks5_row(path, "130730")["TPUP1618"]
        )
        assert int(found.loc[year, "students_16_18"]) == expected
    assert not enrolments.duplicated(["provider_urn", "academic_year"]).any()


@pytest.mark.parametrize("value", ["SUPP", "NE", ""])
def test_no_published_headcount_makes_no_enrolment(tmp_path, value):
    """SUPP, NE or blank TPUP1618 gives no enrolment row for that year (no data, not zero)."""
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    path = source / ks5.KS5_FILES["2016/17"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["URN"] == "136417", "TPUP1618"] = value
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    build_kent_fixtures(source, out, say=lambda _text: None)
    built = pd.read_csv(out / "enrolments.csv", dtype=str, keep_default_na=False)
    years = set(built.loc[built["provider_urn"] == "136417", "academic_year"])
    assert "2015/16" in years and "2016/17" not in years


def test_a_split_school_goes_to_the_successor_nearest_its_old_postcode(courses):
    """Oasis Academy Isle of Sheppey (Minster site) → Leigh Academy Minster, not EKC Sheppey."""
    assert not offers(courses, "150935", "2016/17").empty
    assert offers(courses, "150934").empty


def test_an_unplaced_gias_record_is_located_by_its_spine_postcode(sites):
    """PGW Partnership has 0,0 in GIAS: its site is at its spine postcode in Medway."""
    site = sites.set_index("provider_urn").loc["134820"]
    assert site["postcode"] == "ME5 0LE"
    codepoint = pd.read_csv(SOURCE / "postcodes/kent_medway_codepoint_open_2025-05.csv",
                            dtype=str).set_index("Postcode")
    assert float(site["easting"]) == float(codepoint.loc["ME5 0LE", "Eastings"])
    assert float(site["northing"]) == float(codepoint.loc["ME5 0LE", "Northings"])
    assert 51.3 < float(site["latitude"]) < 51.4


def test_out_of_county_follows_where_the_site_is(providers, courses):
    """Dorton College is Kent-maintained but sits in Bromley: out of county, no area offer."""
    dorton = providers.set_index("urn").loc["133001"]
    assert dorton["la_code"] == "886"
    assert dorton["out_of_county"] == "True"
    assert offers(courses, "133001").empty
    assert providers.set_index("urn").loc["130726", "out_of_county"] == "True"  # Medway


def test_special_post16_providers_get_a_derived_send_offer(providers, courses):
    """Liberty College gets a labelled, derived SEND post-16 programme for 2024/25."""
    send = offers(courses, "144785")
    assert list(send["academic_year"]) == ["2024/25"]
    assert send.iloc[0]["record_label"] == "derived"
    assert send.iloc[0]["level"] == "E"
    assert send.iloc[0]["qualification_type"] == "send_post16"
    assert providers.set_index("urn").loc["144785", "specialist_send"] == "True"


def test_out_of_scope_establishments_are_left_out(providers):
    """Higher education, a primary school and a far-off neighbour's college are not providers."""
    urns = set(providers["urn"])
    assert {"133807", "118254", "130825"}.isdisjoint(urns)
    assert "130430" in urns  # London South East Colleges, within 10 km of Kent
    assert providers.set_index("urn").loc["130430", "out_of_county"] == "True"


def test_a_closed_college_keeps_its_offers_as_a_closed_provider(providers, courses):
    """Hadlow College has no open successor: it stays, closed, with its published offers."""
    hadlow = providers.set_index("urn").loc["130733"]
    assert hadlow["status"] == "closed"
    assert not offers(courses, "130733", "2016/17").empty
    # It ran until the last table that lists it.
    assert hadlow["last_year"] == max(offers(courses, "130733")["academic_year"])


def test_a_closed_school_with_a_withdrawn_postcode_is_placed_at_its_small_area(
    providers, sites, courses
):
    """Pent Valley Technology College (118930): CT19 4ED is not in Code-Point Open any more, so
    its site is the centre of the LSOA the ONS lookup gives, labelled as such; its offers stay."""
    codepoint = pd.read_csv(SOURCE / "postcodes/kent_medway_codepoint_open_2025-05.csv",
                            dtype=str)
    assert "CT19 4ED" not in set(codepoint["Postcode"])
    lookup = pd.read_csv(SOURCE / "postcodes/kent_medway_pcd_oa11_lsoa11_msoa11_lad_may22.csv",
                         dtype=str).set_index("pcds")
    centroids = pd.read_csv(SOURCE / "lsoa11_centroids_kent_medway.csv", dtype=str)
    area = lookup.loc["CT19 4ED", "lsoa11cd"]
    pent = providers.set_index("urn").loc["118930"]
    assert (pent["status"], pent["last_year"]) == ("closed", "2016/17")
    site = sites.set_index("provider_urn").loc["118930"]
    assert (site["location_basis"], site["area_code"]) == ("small_area", area)
    assert "withdrawn" in site["source"]
    centre = centroids.set_index("lsoa11cd").loc[area]
    assert abs(float(site["latitude"]) - float(centre["latitude"])) < 0.001
    a_levels = offers(courses, "118930", "2016/17")
    a_levels = a_levels[a_levels["qualification_type"] == "a_level"]
    assert a_levels["learners"].tolist() == [ks5_row(KS5_2016, "118930")["TALLPUP_ALEV_1618"]]


def test_t_level_locations_become_sites_with_offers_by_delivery_year(providers, sites, courses):
    """EKC Group's register campuses are its sites; delivery year 2020 is 2020/21."""
    ekc = providers.set_index("urn").loc["130728"]
    assert ekc["ukprn"] == "10006570"
    names = set(sites.loc[sites["provider_urn"] == "130728", "name"])
    assert {"EKC Group", "Folkestone College", "Dover Technical College",
            "Canterbury College"} <= names
    t_levels = offers(courses, "130728")
    t_levels = t_levels[t_levels["qualification_type"] == "t_level"]
    health = t_levels[(t_levels["site_name"] == "Folkestone College")
                      & (t_levels["subject"] == "Health")]
    assert list(health["academic_year"]) == ["2021/22"]
    assert health.iloc[0]["tlevel_route"] == "Health and science"
    assert (t_levels["learners"] == "").all()
    leigh = offers(courses, "140987")
    leigh = leigh[leigh["qualification_type"] == "t_level"]
    register_2021 = leigh[leigh["source_key"] == "tlevels_2021"]
    assert set(register_2021["academic_year"]) == {"2020/21", "2021/22"}
    assert (register_2021["source_year"] == "2020/21").all()


def test_admissions_policy_comes_from_the_spine(providers):
    """A grammar school is selective, a comprehensive academy non-selective, a college n/a."""
    policy = providers.set_index("urn")["admissions_policy"]
    assert policy["118789"] == "selective"
    assert policy["144015"] == "non_selective"
    assert policy["130728"] == "not_applicable"


def test_gias_unplaced_zero_grid_is_not_an_error_but_a_bad_urn_is(tmp_path):
    """0,0 means 'not placed'; a malformed URN and a point in the sea are named by line."""
    path = tmp_path / "gias.csv"
    frame = pd.read_csv(SOURCE / gias.GIAS_FILE, dtype=str)
    frame.loc[1, "urn"] = "12AB"
    frame.loc[2, "easting"] = "700000"
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        gias.read_gias(path)
    assert {(p.line, p.field) for p in error.value.problems} == {(3, "urn"), (4, "easting")}


def test_malformed_performance_table_count_is_rejected(tmp_path):
    """A learner count that is neither a number, NE nor SUPP is reported by line and column."""
    path = tmp_path / ks5.KS5_FILES["2016/17"]
    path.parent.mkdir(parents=True)
    frame = pd.read_csv(KS5_2016, dtype=str)
    first_institution = frame.index[frame["RECTYPE"] == "1"][0]
    frame.loc[first_institution, "TALLPUP_AGEN"] = "lots"
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        ks5.read_ks5(tmp_path, "2016/17")
    (problem,) = error.value.problems
    assert (problem.line, problem.field) == (first_institution + 2, "TALLPUP_AGEN")


def _all_counts():
    return [m.objects.count() for m in (District, Region, Area, CohortFigure, Postcode,
                                        Provider, Site, Course, Enrolment)]


@pytest.mark.django_db
def test_a_bad_row_in_the_last_file_leaves_the_database_unchanged(built, tmp_path):
    """Courses load last: a bad course row undoes the districts, areas and providers too."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    path = folder / "courses.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "site_name"] = "Nowhere"
    frame.loc[1, "level"] = "2"  # every row in the slice is a level 3 or E offer
    frame.loc[2, "learners"] = "many"
    frame.loc[3, "academic_year"] = "2016-17"
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        load_kent(folder)
    found = {(p.file, p.line, p.field) for p in error.value.problems}
    assert found == {
        ("courses.csv", 2, "site_name"), ("courses.csv", 3, "level"),
        ("courses.csv", 4, "learners"), ("courses.csv", 5, "academic_year"),
    }
    assert _all_counts() == [0] * 9


@pytest.mark.django_db
def test_bad_enrolment_rows_are_named_by_file_line_and_field_and_nothing_loads(built, tmp_path):
    """Unknown URN, bad year, negative or non-numeric count, duplicate key: each named; no rows."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    path = folder / "enrolments.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) >= 6
    frame.loc[0, "provider_urn"] = "999999"
    frame.loc[1, "academic_year"] = "2016-17"
    frame.loc[2, "students_16_18"] = "-5"
    frame.loc[3, "students_16_18"] = "lots"
    frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)  # same provider and year
    frame.to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        load_kent(folder)
    found = {(p.file, p.line, p.field) for p in error.value.problems}
    assert found == {
        ("enrolments.csv", 2, "provider_urn"), ("enrolments.csv", 3, "academic_year"),
        ("enrolments.csv", 4, "students_16_18"), ("enrolments.csv", 5, "students_16_18"),
        ("enrolments.csv", len(frame) + 1, "provider_urn"),
    }
    assert _all_counts() == [0] * 9


@pytest.mark.django_db
def test_an_enrolments_file_without_its_count_column_is_rejected(built, tmp_path):
    """A header missing students_16_18 is named (line 1) and nothing is loaded."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    path = folder / "enrolments.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns="students_16_18").to_csv(path, index=False)
    with pytest.raises(ImportFileError) as error:
        load_kent(folder)
    assert [(p.file, p.line, p.field) for p in error.value.problems] == [
        ("enrolments.csv", 1, "students_16_18")
    ]
    assert _all_counts() == [0] * 9


@pytest.mark.django_db
def test_a_missing_fixture_file_is_named_and_nothing_loads(built, tmp_path):
    """Without sites.csv nothing is loaded and the error names the file."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    (folder / "sites.csv").unlink()
    with pytest.raises(ImportFileError, match=r"sites\.csv"):
        load_kent(folder)
    assert _all_counts() == [0] * 9


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_a_fixture_edit_updates_one_row(built, tmp_path):
    """The load is an upsert: same fixture → no changes; one renamed provider → one update."""
    first = load_kent(built[0])
    assert first.counts["providers"].created == Provider.objects.count() > 0
    assert first.counts["enrolments"].created == Enrolment.objects.count() > 0
    again = load_kent(built[0])
    assert not again.changed
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    path = folder / "providers.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["urn"] == "118789", "name"] = "Tunbridge Wells Girls' Grammar (renamed)"
    frame.to_csv(path, index=False)
    enrolments_path = folder / "enrolments.csv"
    frame = pd.read_csv(enrolments_path, dtype=str, keep_default_na=False)
    tgs_2016 = (frame["provider_urn"] == "136417") & (frame["academic_year"] == "2016/17")
    frame.loc[tgs_2016, "students_16_18"] = "300"
    frame.to_csv(enrolments_path, index=False)
    third = load_kent(folder)
    assert (third.counts["providers"].updated, third.counts["providers"].created) == (1, 0)
    assert (third.counts["enrolments"].updated, third.counts["enrolments"].created) == (1, 0)
    assert third.counts["enrolments"].unchanged == Enrolment.objects.count() - 1
    assert Enrolment.objects.get(
        provider__urn=136417, academic_year="2016/17"
    ).students_16_18 == 300
    assert third.counts["courses"].unchanged == Course.objects.count()
    assert Provider.objects.get(urn=118789).name.endswith("(renamed)")


def test_build_command_writes_the_extract_and_a_bad_source_changes_no_file(tmp_path):
    """build_kent_fixtures writes every file; a bad row later stops it with no file touched."""
    out = tmp_path / "out"
    call_command("build_kent_fixtures", source=SOURCE, out=out, stdout=StringIO())
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"README.md", "providers.csv", "sites.csv", "courses.csv", "enrolments.csv",
            "areas.csv", "postcodes.csv", "cohorts.csv", "regions.geojson"} <= set(written)
    assert "Open Government Licence v3.0" in written["README.md"].decode()

    broken = tmp_path / "source"
    shutil.copytree(SOURCE, broken)
    path = broken / spine.SPINE_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "ISPOST16"] = "yes"
    frame.to_csv(path, index=False)
    with pytest.raises(CommandError, match=r"line 2, field 'ISPOST16'"):
        call_command("build_kent_fixtures", source=broken, out=out, stdout=StringIO())
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written


@pytest.mark.django_db
def test_load_command_reports_bad_rows_as_a_command_error(built, tmp_path):
    """manage.py load_kent turns a bad fixture into an error naming file, line and field."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    path = folder / "area_boundaries.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][1]["properties"]["code"] = "E01999999"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("load_kent", fixtures=folder, stdout=StringIO())
    assert "area_boundaries.geojson, feature 2, field 'code'" in str(error.value)
    assert _all_counts() == [0] * 9


@pytest.mark.django_db
def test_an_enrolment_is_one_per_provider_and_year_with_a_valid_year():
    """The factory's enrolment is valid; a second for the same year or a bad year is refused."""
    from django.core.exceptions import ValidationError
    enrolment = EnrolmentFactory()
    enrolment.full_clean()
    assert enrolment.provider.enrolments.get().students_16_18 == 250
    with pytest.raises(ValidationError):
        Enrolment(provider=enrolment.provider, academic_year="2016-17", students_16_18=1,
                  source="Test").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(provider=enrolment.provider, academic_year="2016/17",
                                 students_16_18=1, source="Test")


@pytest.mark.django_db
def test_other_academic_offers_are_level_3_only():
    """An other_academic (e.g. IB) offer validates at Level 3 and is refused at Level 2."""
    course = CourseFactory(qualification_type=Course.QualificationType.OTHER_ACADEMIC)
    course.full_clean()
    course.level = "2"
    with pytest.raises(ValidationError, match="Level 3"):
        course.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("areas.csv", b"code,name\nE01023994,Caf\xe9\n", "not UTF-8 text"),
    ("courses.csv", b"", "the file is empty"),
    ("regions.geojson", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    ("districts.geojson", b"[1, 2]", "not a GeoJSON FeatureCollection"),
])
def test_an_unreadable_fixture_file_is_named_and_nothing_loads(built, tmp_path, name, content,
                                                               message):
    """A file that is not UTF-8, empty or not GeoJSON stops load_kent with a command error
    naming the file, not a traceback, and nothing is loaded."""
    folder = tmp_path / "fixture"
    shutil.copytree(built[0], folder)
    (folder / name).write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("load_kent", fixtures=folder, stdout=StringIO())
    assert f"{name}" in str(error.value)
    assert message in str(error.value)
    assert _all_counts() == [0] * 9
