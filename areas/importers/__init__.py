"""Helpers shared by every import: file and row checks (validation), coordinates and GeoJSON
(geometry) and idempotent upserts with progress bars (upsert). The public-data pipeline that
uses them lives in kentdata; officers' CSV import (providers.resources) uses them too."""

from areas.importers.validation import ImportFileError, RowProblem

__all__ = ["ImportFileError", "RowProblem"]
