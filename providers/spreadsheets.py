"""Cells that a spreadsheet would run as a formula, made text: for every CSV the app writes
(the public downloads and the admin's export) and read back by the admin's import."""

import re

import tablib
from import_export.formats.base_formats import CSV

# A spreadsheet reads a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-0.25", "+3") is read as that number, never as a formula; leaving it alone
# keeps numeric columns numeric (the admin's export writes every value as text).
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
ESCAPE = "'"


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, so that it is
    shown as the text it is (a name or label from the data can start with = or +)."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not PLAIN_NUMBER.fullmatch(value)):
        return ESCAPE + value
    return value


def spreadsheet_unescaped(value):
    """The value `spreadsheet_safe` was given: an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:].startswith(
        FORMULA_STARTS
    ):
        return value[1:]
    return value


def _map_cells(dataset: tablib.Dataset, function) -> tablib.Dataset:
    return tablib.Dataset(
        *[tuple(function(cell) for cell in row) for row in dataset],
        headers=[function(header) for header in dataset.headers or []] or None,
    )


class SpreadsheetSafeCSV(CSV):
    """CSV for the admin: exported formula-like cells get an apostrophe, which import removes."""

    def create_dataset(self, in_stream, **kwargs):
        return _map_cells(super().create_dataset(in_stream, **kwargs), spreadsheet_unescaped)

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_cells(dataset, spreadsheet_safe), **kwargs)
