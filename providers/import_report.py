"""Reading an officer's CSV before any row is imported, naming every problem by line and field.

The file's own line numbers are kept (the header is line 1, and a quoted value that spans lines
counts every line it spans), so an officer can find a row in a text editor or spreadsheet. File-
level problems (a `;` separator, duplicate or unknown headers, no rows, a repeated record) and
row-level values that the model cannot take (a boolean that is not true/false/yes/no/1/0, a code
or label that is not a choice) are found here; import_file() then asks django-import-export to
check every row with the model's own rules and maps its row numbers back to these lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0"}
BOOLEAN_HELP = "Enter true, false, yes, no, 1 or 0"


@dataclass(frozen=True)
class RowError:
    file: str
    line: int  # line in the file, counting the header as line 1
    field: str
    message: str

    def __str__(self):
        return f"{self.file}, line {self.line}, {self.field}: {self.message}"

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ParsedFile:
    """A CSV's header (canonical column names) and data rows, each with its first line."""

    name: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_rows(text: str, file_name: str, columns: Iterable[str]) -> ParsedFile:
    """Split `text` into a header and rows, refusing what cannot be an import of `columns`.

    Headers are matched to `columns` case-insensitively and returned in their canonical form.
    """
    known = {column.lower(): column for column in columns}
    reader = csv.reader(io.StringIO(text, newline=""))
    parsed = ParsedFile(file_name, [])

    def refuse(message: str, line: int = 1, where: str = "file") -> ParsedFile:
        parsed.errors.append(RowError(file_name, line, where, message))
        return parsed

    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            return refuse("The file is empty: it needs a header row and at least one record.")
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            separator = "semicolons (;)" if ";" in header[0] else "tabs"
            return refuse(
                f"The columns are separated by {separator}. Save the file as CSV with commas "
                "(in Excel: CSV UTF-8 (Comma delimited))."
            )
        names = [cell.strip().lower() for cell in header]
        repeated = sorted({name for name in names if names.count(name) > 1 and name})
        if repeated:
            refuse(f"Column(s) appear more than once: {', '.join(repeated)}.", where="header")
        unknown = [cell.strip() for cell, name in zip(header, names, strict=True)
                   if name not in known]
        if not any(name in known for name in names):
            return refuse(
                "No column is recognised. The columns are: " + ", ".join(known.values()) + "."
            )
        if unknown:
            refuse(
                f"Column(s) not recognised: {', '.join(unknown) or '(blank)'}. Remove them, or "
                "check the spelling against the template.",
                where="header",
            )
        parsed.headers = [known.get(name, name) for name in names]
        first_line = reader.line_num + 1
        for cells in reader:
            line, first_line = first_line, reader.line_num + 1
            if not cells or all(not cell.strip() for cell in cells):
                continue  # a blank line is not a record
            if len(cells) != len(header):
                refuse(
                    f"This row has {len(cells)} values; the header has {len(header)} columns.",
                    line=line, where="row",
                )
                continue
            parsed.rows.append(cells)
            parsed.lines.append(line)
    except csv.Error as exc:
        return refuse(f"The file cannot be read as CSV: {exc}.", line=reader.line_num or 1)
    if not parsed.rows and not parsed.errors:
        refuse("The file has a header but no records.")
    return parsed


def parse_boolean(value: str) -> bool | None:
    """True/False for the documented words (any case), None for anything else."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def duplicate_key_errors(
    parsed: ParsedFile, keys: Iterable[tuple[str, ...]], *, blank: Callable[[str], bool]
) -> list[RowError]:
    """A later row that repeats an earlier row's key (e.g. the same URN twice) is refused."""
    errors = []
    index = {name: i for i, name in enumerate(parsed.headers)}
    for key in keys:
        if not all(column in index for column in key):
            continue
        seen: dict[tuple, int] = {}
        for cells, line in zip(parsed.rows, parsed.lines, strict=True):
            values = tuple(cells[index[column]].strip().lower() for column in key)
            if any(blank(value) for value in values[:1]):
                continue  # no key in this row (e.g. a new record with no id)
            if values in seen:
                errors.append(RowError(
                    parsed.name, line, key[0] if len(key) == 1 else "row",
                    f"The same record as line {seen[values]} ({', '.join(key)} repeated).",
                ))
            else:
                seen[values] = line
    return errors
