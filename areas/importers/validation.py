"""Row-by-row checks shared by every importer: collect every problem, then fail once.

An import either passes every check or stops with one error that lists the file, line and field
of each bad row, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.core.exceptions import FieldDoesNotExist

from areas.validators import (
    KENT_AND_NEIGHBOURS_EASTING,
    KENT_AND_NEIGHBOURS_LAT,
    KENT_AND_NEIGHBOURS_LON,
    KENT_AND_NEIGHBOURS_NORTHING,
)

LSOA11_CODE_RE = r"^E0[12]\d{6}$"
DISTRICT_CODE_RE = r"^E0[67]\d{6}$"
WARD_CODE_RE = r"^E05\d{6}$"
URN_RE = r"^\d{6}$"
LA_CODE_RE = r"^\d{3}$"
POSTCODE_RE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"
ACADEMIC_YEAR_RE = r"^\d{4}/\d{2}$"

# Data rows of a CSV start on line 2 (line 1 is the header).
CSV_FIRST_DATA_LINE = 2


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int | None
    field: str
    message: str
    unit: str = "line"  # "feature" for GeoJSON

    def __str__(self) -> str:
        where = f"{self.file}, {self.unit} {self.line}" if self.line is not None else self.file
        if not self.field:  # a problem with the whole file (unreadable, empty, not UTF-8)
            return f"{where}: {self.message}"
        return f"{where}, field {self.field!r}: {self.message}"


class ImportFileError(Exception):
    """One or more rows failed their checks; nothing was imported."""

    def __init__(self, problems: Iterable[RowProblem]):
        self.problems = list(problems)
        shown = "\n".join(f"  {problem}" for problem in self.problems[:200])
        more = len(self.problems) - 200
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(self.problems)} problem(s); nothing was imported:\n{shown}{tail}"
        )


class FrameCheck:
    """Checks for one table read from one file. Line numbers come from the frame's `_line` column
    when present (set by read_csv_checked), else from the row position."""

    def __init__(self, frame: pd.DataFrame, file: str | Path, *, line_label: str = "line"):
        self.frame = frame
        self.file = Path(file).name if isinstance(file, Path) else str(file)
        self.problems: list[RowProblem] = []
        self.line_label = line_label

    def _lines(self, mask: pd.Series) -> list[int]:
        if "_line" in self.frame.columns:
            return [int(v) for v in self.frame.loc[mask, "_line"]]
        positions = [i for i, bad in enumerate(mask.tolist()) if bad]
        return [p + CSV_FIRST_DATA_LINE for p in positions]

    def add(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(RowProblem(self.file, line, field, message, self.line_label))

    def require_columns(self, columns: Iterable[str]) -> bool:
        missing = [c for c in columns if c not in self.frame.columns]
        for column in missing:
            self.add(1, column, "missing column in the header")
        return not missing

    def flag(self, mask: pd.Series, field: str, message) -> None:
        """Record a problem for every row where mask is True; message may be a function of the
        offending value."""
        mask = mask.astype("boolean").fillna(False).astype(bool)
        if not mask.any():
            return
        values = self.frame.loc[mask, field].tolist() if field in self.frame else [None] * int(
            mask.sum()
        )
        for line, value in zip(self._lines(mask), values, strict=True):
            text = message(value) if callable(message) else message
            self.add(line, field, text)

    def required(self, *fields: str) -> None:
        for field in fields:
            values = self.frame[field]
            blank = values.isna() | (values.astype(str).str.strip() == "")
            self.flag(blank, field, "value is missing")

    def matches(self, field: str, pattern: str, *, allow_blank=False, what: str = "",
                rows: pd.Series | None = None) -> None:
        """Flag values not matching `pattern`; `rows` (a boolean mask) limits the check."""
        values = self.frame[field]
        text = values.astype("string").fillna("").str.strip()
        blank = text == ""
        bad = ~text.str.match(pattern, na=False).astype(bool)
        if allow_blank:
            bad &= ~blank
        if rows is not None:
            bad &= rows.to_numpy(dtype=bool)
        label = what or f"value matching {pattern}"
        self.flag(bad, field, lambda v: f"malformed value {v!r}: expected {label}")

    def numeric(self, field: str, *, allow_blank: bool = False, low=None, high=None) -> pd.Series:
        raw = self.frame[field]
        numbers = pd.to_numeric(raw, errors="coerce")
        blank = raw.isna() | (raw.astype("string").fillna("").str.strip() == "")
        bad = numbers.isna() & ~(blank if allow_blank else pd.Series(False, index=raw.index))
        self.flag(bad, field, lambda v: f"not a number: {v!r}")
        if low is not None or high is not None:
            out = numbers.notna() & (
                (numbers < (low if low is not None else float("-inf")))
                | (numbers > (high if high is not None else float("inf")))
            )
            self.flag(out, field, lambda v: f"{v} is outside the range {low} to {high}")
        return numbers

    def unique(self, *fields: str) -> None:
        dup = self.frame.duplicated(list(fields), keep="first")
        label = "+".join(fields)
        self.flag(
            dup,
            fields[0],
            lambda v: f"duplicate key ({label} = {v!r}) already given on an earlier line",
        )

    def easting_northing(
        self, easting: str = "easting", northing: str = "northing", *, allow_blank=False
    ) -> None:
        self._in_kent_and_neighbours(easting, KENT_AND_NEIGHBOURS_EASTING, allow_blank)
        self._in_kent_and_neighbours(northing, KENT_AND_NEIGHBOURS_NORTHING, allow_blank)

    def lat_lon(
        self, latitude: str = "latitude", longitude: str = "longitude", *, allow_blank=False
    ) -> None:
        self._in_kent_and_neighbours(latitude, KENT_AND_NEIGHBOURS_LAT, allow_blank)
        self._in_kent_and_neighbours(longitude, KENT_AND_NEIGHBOURS_LON, allow_blank)

    def _in_kent_and_neighbours(self, field: str, bounds: tuple, allow_blank: bool) -> None:
        """A coordinate must be a number within Kent and its neighbours' range for its axis."""
        values = self.numeric(field, allow_blank=allow_blank)
        lo, hi = bounds
        self.flag(
            values.notna() & ((values < lo) | (values > hi)), field,
            lambda v: f"point outside Kent and its neighbours ({field} {v}; expected {lo}–{hi})",
        )

    def fits(self, model, columns: dict[str, str] | None = None) -> None:
        """Text no longer than the model field it goes into (columns: column → field name)."""
        columns = columns or {c: c for c in self.frame.columns}
        for column, field_name in columns.items():
            if column not in self.frame.columns:
                continue
            try:
                limit = model._meta.get_field(field_name).max_length
            except FieldDoesNotExist:
                continue
            if not limit:
                continue
            too_long = self.frame[column].astype("string").fillna("").str.len() > limit
            self.flag(too_long, column, lambda v, n=limit: f"longer than {n} characters: {v!r}")

    def one_of(self, field: str, allowed: Iterable[str], *, allow_blank: bool = False) -> None:
        allowed = set(allowed)
        values = self.frame[field].astype("string").fillna("").str.strip()
        bad = ~values.isin(allowed)
        if allow_blank:
            bad &= values != ""
        self.flag(bad, field, lambda v: f"{v!r} is not one of {sorted(allowed)}")

    def references(self, field: str, known: Iterable[str], what: str, *, allow_blank=False):
        known = set(known)
        values = self.frame[field].astype("string").fillna("").str.strip()
        bad = ~values.isin(known)
        if allow_blank:
            bad &= values != ""
        self.flag(bad, field, lambda v: f"unknown {what} {v!r}")


def read_csv_checked(
    path: Path, columns: Iterable[str], **kwargs
) -> tuple[pd.DataFrame, FrameCheck]:
    """Read a CSV as text with its line numbers; check that every named column is there."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], **kwargs)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportFileError([file_problem(path, error)]) from None
    frame["_line"] = range(CSV_FIRST_DATA_LINE, CSV_FIRST_DATA_LINE + len(frame))
    check = FrameCheck(frame, path)
    check.require_columns(columns)
    return frame, check


def file_problem(path: Path, error: Exception) -> RowProblem:
    """A problem with a whole file that could not be read, in words an officer can act on."""
    if isinstance(error, UnicodeDecodeError):
        # pandas reads in chunks, so the error's position is not a line: name the byte only.
        message = f"not UTF-8 text (byte {error.object[error.start]:#04x}); save it as UTF-8"
    elif isinstance(error, pd.errors.EmptyDataError):
        message = "the file is empty (no header line)"
    elif isinstance(error, OSError):
        message = f"cannot open the file ({error.strerror or error})"
    else:
        message = f"not a readable file of this kind ({error})"
    return RowProblem(Path(path).name, None, "", message)


def raise_if_problems(*checks: FrameCheck) -> None:
    problems = [p for check in checks for p in check.problems]
    if problems:
        raise ImportFileError(problems)
