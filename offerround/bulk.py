"""A provider's round offers as CSV, and the edited file back: strict, row by row, all or
nothing, like the admin's import (providers/resources.py): every bad row is listed by its file
line (the header is line 1; a quoted value over two lines counts two), column and problem, and
a file with any bad row changes nothing. Each row is checked by the offer's own form (the same
rules as a Course record). Every cell written goes through spreadsheet_safe, and is read back
through spreadsheet_unescaped, so a file downloaded and uploaded unchanged changes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from offerround import services
from offerround.forms import OfferForm
from offerround.models import Submission, SubmittedOffer
from providers.models import Course, Level
from providers.spreadsheets import spreadsheet_safe, spreadsheet_unescaped

COLUMNS = ["id", "answer", "title", "level", "qualification_type", "subject", "tlevel_route",
           "site_id", "site_name", "places", "min_english_grade", "min_maths_grade",
           "min_gcse_passes", "ehcp_required"]
# Written for the reader's sake; the site is chosen by site_id.
IGNORED = {"site_name"}
FORM_FIELD = {"site_id": "site"}
COLUMN_OF = {"site": "site_id", "__all__": "title"}
ANSWERS = {"": "", "confirm": "confirm", "edit": "edit", "withdraw": "withdraw", "new": "new"}
YES, NO = {"yes", "true", "1"}, {"no", "false", "0", ""}
MAX_ROWS = 5000
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


def _choice(value: str, choices) -> str:
    """A code or its label ("3" or "Level 3"), any case; unknown text is passed on to fail."""
    for code, label in choices:
        if value.lower() in (str(code).lower(), str(label).lower()):
            return code
    return value


def download(submission: Submission) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for offer in submission.offers.select_related("site").order_by("pk"):
        writer.writerow([spreadsheet_safe(value) for value in (
            offer.pk, offer.action, offer.title, offer.level, offer.qualification_type,
            offer.subject, offer.tlevel_route, offer.site_id or "",
            offer.site.name if offer.site else "", "" if offer.places is None else offer.places,
            offer.min_english_grade or "", offer.min_maths_grade or "",
            offer.min_gcse_passes or "", "yes" if offer.ehcp_required else "no",
        )])
    return out.getvalue()


def _header_problems(header: list[str]) -> list[RowError]:
    names = [name.strip().lower() for name in header]
    problems = []
    if len(header) == 1 and ";" in header[0]:
        return [RowError(1, header[0][:40], "The file is separated by semicolons: save it as "
                                            "CSV with commas.")]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(RowError(1, name, "This column appears more than once."))
    for name in names:
        if name not in COLUMNS:
            problems.append(RowError(1, name[:40], "Unknown column. The columns are: "
                                                   + ", ".join(COLUMNS) + "."))
    for needed in ("title", "level", "qualification_type"):
        if needed not in names:
            problems.append(RowError(1, needed, "This column is missing."))
    return problems


def _form_data(row: dict[str, str], line: int, errors: list[RowError]) -> dict:
    data = {}
    for column, value in row.items():
        if column in IGNORED or column in ("id", "answer"):
            continue
        value = spreadsheet_unescaped(value.strip())
        if column == "level":
            value = _choice(value, Level.choices)
        elif column == "qualification_type":
            value = _choice(value, Course.QualificationType.choices)
        elif column == "ehcp_required":
            if value.lower() not in YES | NO:
                errors.append(RowError(line, column, "Enter yes or no."))
            value = "on" if value.lower() in YES else ""
        data[FORM_FIELD.get(column, column)] = value
    return data


def _changed(offer: SubmittedOffer, cleaned: dict) -> bool:
    return any(getattr(offer, name) != cleaned.get(name) for name in OfferForm.Meta.fields
               if name != "site") or offer.site_id != (cleaned["site"].pk if cleaned.get("site")
                                                       else None)


def upload(submission: Submission, raw: bytes) -> tuple[int, list[RowError]]:
    """Check every row; if all are good, apply them in one transaction. Returns (rows applied,
    problems); with any problem nothing is applied."""
    if len(raw) > MAX_BYTES:
        return 0, [RowError(0, "file", "The file is larger than 2 MB.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0, [RowError(0, "file", "The file is not UTF-8 text: save it as CSV UTF-8.")]
    if "\x00" in text:
        return 0, [RowError(0, "file", "The file contains null characters: it is not a CSV "
                                       "file.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return 0, [RowError(1, "file", "The file is empty.")]
    problems = _header_problems(header)
    if problems:
        return 0, problems
    names = [name.strip().lower() for name in header]
    offers = {o.pk: o for o in submission.offers.all()}
    planned, errors, seen = [], [], set()
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(planned) + len(errors) >= MAX_ROWS:
                return 0, [RowError(line, "file", f"More than {MAX_ROWS} rows.")]
            if len(cells) != len(names):
                errors.append(RowError(line, "row", f"{len(cells)} values for {len(names)} "
                                                    "columns."))
                continue
            row = dict(zip(names, cells, strict=True))
            planned_row = _check_row(submission, offers, row, line, seen, errors)
            if planned_row:
                planned.append(planned_row)
    except csv.Error as error:
        errors.append(RowError(line + 1, "row", f"The row cannot be read as CSV ({error})."))
    if not planned and not errors:
        errors.append(RowError(2, "file", "The file has no rows."))
    if errors:
        return 0, errors
    with transaction.atomic():
        for offer, answer in planned:
            if answer == "withdraw":
                services.answer(offer, SubmittedOffer.Action.WITHDRAW)
            elif answer == "confirm":
                services.answer(offer, SubmittedOffer.Action.CONFIRM)
            elif answer == "save":
                services.save_offer(offer)
    return len(planned), []


def _check_row(submission, offers, row, line, seen, errors):
    """(offer to write, what to do) for a good row, or None after adding its problems."""
    before = len(errors)
    raw_id = row.get("id", "").strip()
    answer_text = spreadsheet_unescaped(row.get("answer", "").strip()).lower()
    answer = ANSWERS.get(answer_text)
    if answer is None:
        errors.append(RowError(line, "answer", "Enter confirm, edit, withdraw, new or leave it "
                                               "empty."))
    offer = None
    if raw_id:
        if not raw_id.isdigit() or int(raw_id) not in offers:
            errors.append(RowError(line, "id", "Not one of this submission's offers: leave id "
                                               "empty for a new offer."))
        elif int(raw_id) in seen:
            errors.append(RowError(line, "id", "This offer appears more than once."))
        else:
            seen.add(int(raw_id))
            offer = offers[int(raw_id)]
    elif answer in ("confirm", "withdraw", "edit"):
        errors.append(RowError(line, "answer", f"A new offer (no id) cannot be “{answer}”: "
                                               "use new."))
    data = _form_data(row, line, errors)
    target = SubmittedOffer.objects.get(pk=offer.pk) if offer else SubmittedOffer(
        submission=submission)
    form = OfferForm(data, instance=target, submission=submission)
    if not form.is_valid():
        for field, messages in form.errors.items():
            errors.append(RowError(line, COLUMN_OF.get(field, field), messages[0]))
    if len(errors) > before:
        return None
    if offer is None:
        return form.instance, "save"
    if answer == "withdraw":
        return offer, "withdraw"
    if _changed(offer, form.cleaned_data):
        return form.instance, "save"
    if answer == "confirm" or (answer == "" and offer.action == "confirm"):
        return offer, "confirm"
    return offer, "keep"
