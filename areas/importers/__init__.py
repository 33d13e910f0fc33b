"""Import the public geography, cohort and postcode files (build) and the Kent fixture (load).

Every reader checks its file's header and rows and raises ImportFileError naming the file, line
and field of each bad row before anything is written.
"""

from areas.importers.validation import ImportFileError, RowProblem

__all__ = ["ImportFileError", "RowProblem"]
