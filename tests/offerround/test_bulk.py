"""The round's CSV: download, edit, upload; strict row by row, all or nothing, formula-safe."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from offerround import bulk
from offerround.models import SubmittedOffer

pytestmark = pytest.mark.django_db


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(rows, columns=bulk.COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def snapshot(submission):
    return sorted(submission.offers.values_list(
        "pk", "action", "title", "level", "qualification_type", "places", "site_id",
        "min_maths_grade", "ehcp_required"))


def test_round_trip_unchanged_changes_nothing(round_world):
    """A file downloaded and uploaded as it is changes no offer (a hostile title included)."""
    submission = round_world.submission(0)
    first = submission.offers.first()
    first.title = '=HYPERLINK("http://x") <script>'
    first.save()
    before = snapshot(submission)
    text = bulk.download(submission)
    assert "'=HYPERLINK" in text  # formula-safe in the file
    applied, problems = bulk.upload(submission, text.encode())
    assert problems == [] and applied == 4
    assert snapshot(submission) == before


def test_edits_answers_and_new_rows_are_applied(round_world):
    """confirm, withdraw, a changed places figure (saved as changed), a new row by labels."""
    submission = round_world.submission(0)
    rows = rows_of(bulk.download(submission))
    rows[0]["answer"] = "confirm"
    rows[1]["answer"] = "withdraw"
    rows[2]["places"] = "44"
    rows.append({"id": "", "answer": "new", "title": "Digital", "level": "Level 3",
                 "qualification_type": "T Level", "tlevel_route": "Digital", "places": "12",
                 "ehcp_required": "no"})
    applied, problems = bulk.upload(submission, as_csv(rows))
    assert problems == [] and applied == 5
    offers = {o.pk: o for o in submission.offers.all()}
    assert offers[int(rows[0]["id"])].action == "confirm"
    assert offers[int(rows[1]["id"])].action == "withdraw"
    assert (offers[int(rows[2]["id"])].action, offers[int(rows[2]["id"])].places) == ("edit", 44)
    assert offers[int(rows[3]["id"])].action == ""  # untouched row: still to answer
    new = submission.offers.get(title="Digital")
    assert (new.action, new.level, new.qualification_type) == ("new", "3", "t_level")


def test_bad_rows_are_all_listed_by_line_and_column_and_nothing_changes(round_world):
    """Each bad row is named by its file line and column; a good row in the same file is not
    applied either."""
    submission = round_world.submission(0)
    other_site = round_world.kent.providers[2].sites.first()
    other_offer = round_world.submission(1).offers.first()
    before = snapshot(submission)
    rows = rows_of(bulk.download(submission))
    rows[0]["answer"] = "confirm"  # good, but must not be applied
    rows[1]["places"] = "lots"
    rows[2]["level"] = "2"  # an A Level at Level 2
    rows[3]["ehcp_required"] = "maybe"
    rows.append({"id": str(other_offer.pk), "title": "X", "level": "3",
                 "qualification_type": "a_level"})
    rows.append({"id": "", "title": "Y", "level": "3", "qualification_type": "a_level",
                 "site_id": str(other_site.pk)})
    rows.append({"id": rows[0]["id"], "title": "Z", "level": "3",
                 "qualification_type": "a_level"})
    applied, problems = bulk.upload(submission, as_csv(rows))
    assert applied == 0
    found = {(p.line, p.column) for p in problems}
    assert found >= {(3, "places"), (4, "level"), (5, "ehcp_required"), (6, "id"),
                     (7, "site_id"), (8, "id")}
    assert snapshot(submission) == before


@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"id;answer;title\n1;confirm;x\n", "semicolons"),
    (b"id,title,title,level,qualification_type\n", "more than once"),
    (b"id,colour,title,level,qualification_type\n", "Unknown column"),
    (b"id,answer,title\n", "missing"),
    ("title,level,qualification_type\nCaf\u00e9,3,a_level\n".encode("latin-1"), "UTF-8"),
    (b"title,level,qualification_type\n", "no rows"),
    (b"title,level,qualification_type\nA,3\n", "2 values for 3 columns"),
    (b"title,level,qualification_type\n\x00,3,a_level\n", "null characters"),
])
def test_files_that_cannot_be_used_are_refused_with_a_message(round_world, raw, message):
    """Empty, semicolon-separated, repeated or unknown headers, missing columns, not UTF-8, no
    rows, short rows and binary files: a message, nothing changed."""
    applied, problems = bulk.upload(round_world.submission(0), raw)
    assert applied == 0
    assert any(message in p.message for p in problems), problems


def test_upload_page_lists_problems_and_never_500s(client, round_world):
    """Through the page: a bad file lists its problems (escaped), a good one redirects."""
    submission = round_world.submission(0)
    client.force_login(round_world.users["college"])
    page = reverse("offerround:upload", args=[submission.pk])
    bad = b"title,level,qualification_type\n<script>,9,nonsense\n"
    response = client.post(page, {"file": SimpleUploadedFile("o.csv", bad, "text/csv")})
    html = response.content.decode()
    assert response.status_code == 200 and "nothing has been changed" in html
    assert "Select a valid choice" in html
    response = client.post(page, {})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    good = bulk.download(submission).encode()
    response = client.post(page, {"file": SimpleUploadedFile("o.csv", good, "text/csv")})
    assert response.status_code == 302
    download = client.get(reverse("offerround:download", args=[submission.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert len(rows_of(download.content.decode())) == SubmittedOffer.objects.filter(
        submission=submission).count()
