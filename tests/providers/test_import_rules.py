"""The import rules on files in the admin export's own format: one test per rule.

Each file is what an officer would send: the export's header (in whatever case a spreadsheet
leaves it), real-looking values, and one kind of mistake.
"""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from providers.models import Course, Provider, Site
from providers.resources import import_file
from tests.factories import ProviderFactory, SiteFactory

pytestmark = pytest.mark.django_db

PROVIDER_HEADER = (
    "id,urn,ukprn,name,kind,admissions_policy,specialist_send,out_of_county,la_code,status,"
    "source\n"
)
COURSE_HEADER = (
    "id,provider_urn,site_id,academic_year,title,level,qualification_type,subject,tlevel_route,"
    "places,learners,min_english_grade,min_maths_grade,min_gcse_passes,ehcp_required,withdrawn,"
    "source,record_label,last_confirmed\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def provider_row(urn, name="Dover Grammar School for Girls", *, kind="school_sixth_form",
                 send="0", out="0"):
    return f",{urn},,{name},{kind},selective,{send},{out},886,open,KCC officer\n"


def course_row(urn, site, title="A Levels", *, level="3", qualification="a_level",
               ehcp="0", learners="120"):
    return (
        f",{urn},{site},2025/26,{title},{level},{qualification},,,,{learners},,,,{ehcp},0,"
        f"KCC officer,published,\n"
    )


def refused(kind, path) -> list:
    """The import's errors, after checking that nothing was written."""
    before = (Provider.objects.count(), Site.objects.count(), Course.objects.count())
    outcome = import_file(kind, path)
    assert not outcome.ok
    assert (Provider.objects.count(), Site.objects.count(), Course.objects.count()) == before
    return outcome.errors


def test_every_bad_row_of_thirteen_is_listed(tmp_path):
    """A file with thirteen bad rows among good ones lists thirteen lines and writes nothing."""
    provider = ProviderFactory(urn=118880)
    site = SiteFactory(provider=provider)
    rows = []
    for i in range(26):
        if i % 2:  # every other row has a different mistake in the learners column
            rows.append(course_row(118880, site.pk, f"Course {i}", learners=f"-{i}"))
        else:
            rows.append(course_row(118880, site.pk, f"Course {i}"))
    errors = refused("courses", write(tmp_path, "courses.csv", COURSE_HEADER + "".join(rows)))
    bad_lines = sorted({error.line for error in errors})
    assert bad_lines == [i + 2 for i in range(26) if i % 2]
    assert len(bad_lines) == 13
    assert {error.field for error in errors} == {"learners"}


def test_line_numbers_count_the_lines_of_a_quoted_value(tmp_path):
    """A title spanning two lines moves the next row to line 4, and that is the line named."""
    provider = ProviderFactory(urn=118881)
    site = SiteFactory(provider=provider)
    text = COURSE_HEADER + course_row(118881, site.pk, '"A Levels\n(sciences)"') + course_row(
        118881, site.pk, "BTEC", level="2", qualification="applied_general"
    )
    errors = refused("courses", write(tmp_path, "courses.csv", text))
    assert [(error.line, error.field) for error in errors] == [(4, "level")]


@pytest.mark.parametrize("value", ["maybe", "y", "2", "ja", "n/a"])
def test_a_boolean_outside_the_documented_words_is_refused(tmp_path, value):
    """Only true/false/yes/no/1/0 are yes/no values; anything else is an error, not False."""
    path = write(tmp_path, "providers.csv",
                 PROVIDER_HEADER + provider_row(118882, send=value))
    errors = refused("providers", path)
    assert [(error.line, error.field) for error in errors] == [(2, "specialist_send")]
    assert "Enter true, false, yes, no, 1 or 0" in errors[0].message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("No", False), ("TRUE", True), ("false", False), ("1", True), ("0", False),
     ("YES", True)],
)
def test_documented_boolean_words_in_any_case_are_read(tmp_path, value, expected):
    """yes/no, true/false and 1/0 are read in any case."""
    path = write(tmp_path, "providers.csv",
                 PROVIDER_HEADER + provider_row(118883, send=value, out="no"))
    assert import_file("providers", path).ok
    provider = Provider.objects.get(urn=118883)
    assert provider.specialist_send is expected
    assert provider.out_of_county is False


def test_headers_are_matched_whatever_their_case(tmp_path):
    """A header a spreadsheet has capitalised (URN, Name, Kind) is the same column."""
    text = "URN,Name,KIND,La_Code\n118884,Canterbury College,fe_college,886\n"
    outcome = import_file("providers", write(tmp_path, "providers.csv", text))
    assert outcome.ok, outcome.errors
    assert Provider.objects.get(urn=118884).kind == "fe_college"


def test_a_semicolon_separated_file_is_refused_with_a_message(tmp_path):
    """Excel's European CSV (semicolons) is refused and the message says how to save it."""
    text = PROVIDER_HEADER.replace(",", ";") + provider_row(118885).replace(",", ";")
    errors = refused("providers", write(tmp_path, "providers.csv", text))
    assert len(errors) == 1 and errors[0].line == 1
    assert "semicolons" in errors[0].message and "commas" in errors[0].message


def test_duplicate_headers_are_refused(tmp_path):
    """Two columns with the same name (in any case) are refused: which one would count?"""
    text = "urn,name,kind,Name\n118886,Dover College,fe_college,Dover College 2\n"
    errors = refused("providers", write(tmp_path, "providers.csv", text))
    assert any(e.line == 1 and "more than once: name" in e.message for e in errors)


def test_a_record_twice_in_one_file_is_refused(tmp_path):
    """The same URN on two lines is refused, naming both lines."""
    text = PROVIDER_HEADER + provider_row(118887) + provider_row(118888) + provider_row(
        118887, name="Dover Grammar (again)")
    errors = refused("providers", write(tmp_path, "providers.csv", text))
    assert [(e.line, e.field) for e in errors] == [(4, "urn")]
    assert "line 2" in errors[0].message


def test_a_file_with_no_records_is_refused(tmp_path):
    """A header with no rows is refused, not reported as '0 new' with success."""
    errors = refused("providers", write(tmp_path, "providers.csv", PROVIDER_HEADER))
    assert "no records" in errors[0].message


def test_a_file_with_no_recognised_column_is_refused(tmp_path):
    """A file of some other export (no column this import knows) is refused with the columns."""
    text = "School,Town\nDover Grammar,Dover\n"
    errors = refused("providers", write(tmp_path, "providers.csv", text))
    assert "No column is recognised" in errors[0].message and "urn" in errors[0].message


def test_an_unknown_extra_column_is_refused(tmp_path):
    """A misspelt column would be silently dropped, so it is named and the file refused."""
    text = "urn,name,kind,lerners\n118889,Dover College,fe_college,12\n"
    errors = refused("providers", write(tmp_path, "providers.csv", text))
    assert any("not recognised: lerners" in e.message for e in errors)


@pytest.mark.parametrize(
    ("level", "qualification"),
    [("2", "l2_vocational"), ("Level 2", "Level 2 vocational"), ("level 2", "LEVEL 2 VOCATIONAL")],
)
def test_choices_take_their_code_or_their_label(tmp_path, level, qualification):
    """"2" or "Level 2"; "l2_vocational" or "Level 2 vocational", any case."""
    provider = ProviderFactory(urn=118890)
    site = SiteFactory(provider=provider)
    text = COURSE_HEADER + course_row(118890, site.pk, "Construction", level=level,
                                      qualification=qualification)
    outcome = import_file("courses", write(tmp_path, "courses.csv", text))
    assert outcome.ok, outcome.errors
    course = Course.objects.get(title="Construction")
    assert (course.level, course.qualification_type) == ("2", "l2_vocational")


def test_a_choice_that_is_neither_code_nor_label_lists_the_choices(tmp_path):
    """An unknown level is refused and the message lists the codes and labels."""
    provider = ProviderFactory(urn=118891)
    site = SiteFactory(provider=provider)
    text = COURSE_HEADER + course_row(118891, site.pk, level="Level 4")
    errors = refused("courses", write(tmp_path, "courses.csv", text))
    assert [(e.line, e.field) for e in errors] == [(2, "level")]
    assert "2 (Level 2)" in errors[0].message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (PROVIDER_HEADER, "no records"),
        (PROVIDER_HEADER.replace(",", ";") + provider_row(118892).replace(",", ";"), "semicolons"),
        ("urn,name,urn\n118893,Dover,118893\n", "more than once"),
    ],
    ids=["no-rows", "semicolons", "duplicate-headers"],
)
def test_import_records_fails_with_a_message_not_zero_new(tmp_path, capsys, text, words):
    """The command exits with an error naming the problem; it never says '0 new' and succeeds."""
    path = write(tmp_path, "providers.csv", text)
    with pytest.raises(CommandError):
        call_command("import_records", "providers", str(path))
    assert words in capsys.readouterr().err
