"""Signals the providers app defines for others to send or hear."""

from django.dispatch import Signal

# Sent (inside the load's transaction, with summary=LoadSummary) after a Kent data load that
# changed rows. Bulk writes send no post_save, so apps that track data changes (e.g. a data version
# for cached analysis) connect here; the loader (kentdata) sends it, and nothing imports kentdata.
kent_data_loaded = Signal()

# Sent after an officers' CSV import that wrote rows (providers.resources). New rows are written
# in batches, which send no post_save, so apps that track data changes connect here too.
records_imported = Signal()
