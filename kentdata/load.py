"""load_kent: put the committed Kent fixture into the database, all-or-nothing and idempotent.

The run command calls load_kent() when the database has no areas; `manage.py load_kent` runs it
by hand. A second run with the same fixture changes nothing and says so.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from areas import history
from areas.importers.upsert import LoadSummary
from areas.importers.validation import ImportFileError, RowProblem
from kentdata.fixture.apprenticeships import (
    APPRENTICESHIP_PROVIDERS_FILE,
    STARTS_FILE,
    load_apprenticeships,
)
from kentdata.fixture.cohorts import COHORTS_FILE, load_cohorts
from kentdata.fixture.geography import (
    AREA_BOUNDARIES_FILE,
    AREAS_FILE,
    DISTRICTS_FILE,
    REGIONS_FILE,
    load_geography,
)
from kentdata.fixture.postcodes import POSTCODES_FILE, load_postcodes
from kentdata.fixture.providers import load_providers
from kentdata.fixture.standards import PROVIDER_STANDARDS_FILE, STANDARDS_FILE, load_standards
from kentdata.records import COURSES_FILE, ENROLMENTS_FILE, PROVIDERS_FILE, SITES_FILE
from providers.signals import kent_data_loaded

FIXTURE_FILES = (
    DISTRICTS_FILE, REGIONS_FILE, AREAS_FILE, AREA_BOUNDARIES_FILE, COHORTS_FILE, POSTCODES_FILE,
    PROVIDERS_FILE, SITES_FILE, COURSES_FILE, ENROLMENTS_FILE, APPRENTICESHIP_PROVIDERS_FILE,
    STARTS_FILE, STANDARDS_FILE, PROVIDER_STANDARDS_FILE,
)


LOAD_REASON = "Published values loaded by load_kent"


def load_kent(fixtures_dir: Path | str | None = None, stdout=None, user=None) -> LoadSummary:
    """Load every fixture file in one transaction and return what changed, per model.

    Raises ImportFileError (naming file, line and field of every bad row) and leaves the
    database as it was if any file fails its checks. `stdout` (any object with write()) gets
    progress and the summary; None keeps it quiet. Every row written (and any record still with
    no history) gets a history entry as `user` (default: the system user).
    """
    fixtures_dir = Path(fixtures_dir or settings.FIXTURES_DIR)
    missing = [name for name in FIXTURE_FILES if not (fixtures_dir / name).is_file()]
    if missing:
        raise ImportFileError(
            RowProblem(name, None, "", f"file not found in {fixtures_dir}")
            for name in missing
        )

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text if text.endswith("\n") else text + "\n")

    summary = LoadSummary()
    with transaction.atomic(), history.recorded_as(user or history.system_user(), LOAD_REASON):
        say(f"Loading the Kent fixture from {fixtures_dir}")
        summary.counts.update(load_geography(fixtures_dir, progress_file=stdout))
        say("  geography done")
        summary.counts["cohort figures"] = load_cohorts(fixtures_dir, progress_file=stdout)
        summary.counts["postcodes"] = load_postcodes(fixtures_dir, progress_file=stdout)
        say("  cohorts and postcodes done")
        summary.counts.update(load_providers(fixtures_dir, progress_file=stdout))
        say("  providers, sites, courses and enrolments done")
        summary.counts["apprenticeship starts"] = load_apprenticeships(
            fixtures_dir, progress_file=stdout
        )
        say("  apprenticeship starts done")
        summary.counts.update(load_standards(fixtures_dir, progress_file=stdout))
        say("  apprenticeship standards done")
        history.starting_history([*apps.get_app_config("areas").get_models(),
                                  *apps.get_app_config("providers").get_models()])
        if summary.changed:
            kent_data_loaded.send(sender=load_kent, summary=summary)
    if summary.changed:
        cache.clear()  # cached analysis was computed from the old data
    for line in summary.lines():
        say(line)
    if not summary.changed:
        say("No changes: the database already holds this fixture.")
    return summary
