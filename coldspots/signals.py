"""The data version: changes whenever anything the analysis reads is saved or deleted.

Cached analysis results are keyed on `data_version()`. Saves and deletes through the ORM (admin
edits, imports that call save(), deletes) bump a counter in the database through the signals
below, so every process sees the change. Bulk operations that bypass signals (bulk_create,
QuerySet.update/delete) are caught for inserts and deletes by the row counts in the version;
load_kent's `kent_data_loaded` signal bumps it too, and other code that bulk-updates rows should
call `bump_data_version()` itself.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from areas.models import Area, CohortFigure, District, Postcode, Region
from coldspots.models import DataVersion, TravelTime
from providers.models import (
    ApprenticeshipStandard,
    Course,
    Enrolment,
    NoOfferConfirmation,
    Provider,
    ProviderStandard,
    Site,
)
from providers.signals import kent_data_loaded, records_imported

WATCHED_MODELS = (Area, Region, District, CohortFigure, Provider, Site, Course, Enrolment,
                  TravelTime, ApprenticeshipStandard, ProviderStandard, NoOfferConfirmation)


def _watched():
    """Every model whose saves bump the version: the data, and the officers' thresholds; and
    postcodes, which the postcode check reads live and whose answers are cached on the version
    (offermap.page_cache). Postcodes are not counted in data_version(): the table is large, and
    its bulk loads (load_kent) send kent_data_loaded."""
    from coldspots.models import ChoiceThresholds, PrioritySector

    return (*WATCHED_MODELS, ChoiceThresholds, PrioritySector, Postcode)


def bump_data_version(**_ignored) -> None:
    """Mark the analysis data as changed (safe to call from a signal or after a bulk load)."""
    if not DataVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


def data_version() -> str:
    """A string that differs whenever any watched row has been saved, added or deleted (or
    the choice thresholds change): one query, the counter and every row count together."""
    from django.db import connection

    from coldspots.models import ChoiceThresholds, PrioritySector

    tables = [DataVersion, *WATCHED_MODELS, ChoiceThresholds, PrioritySector]
    quote = connection.ops.quote_name
    # Only table names from the models' own metadata, quoted, go into the text: no user input.
    parts = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608
                      for model in tables[1:])
    counter_table = quote(DataVersion._meta.db_table)
    sql = f"SELECT (SELECT MAX(counter) FROM {counter_table} WHERE id = 1), {parts}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counter, *counts = cursor.fetchone()
    return f"{counter or 0}-" + "-".join(map(str, counts))


def connect() -> None:
    """Connect the data-version bump to every watched model (called from the app's ready())."""
    for model in _watched():
        uid = f"coldspots-data-version-{model._meta.label_lower}"
        post_save.connect(bump_data_version, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(bump_data_version, sender=model, dispatch_uid=uid + "-delete")
    # load_kent writes with bulk_create/bulk_update (no save signals) and says so with its own.
    kent_data_loaded.connect(bump_data_version, dispatch_uid="coldspots-data-version-load-kent")
    # So do officers' CSV imports (in batches).
    records_imported.connect(bump_data_version, dispatch_uid="coldspots-data-version-imports")
