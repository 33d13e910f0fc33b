"""Migrations name the migrations they depend on: a dependency on another app's "__latest__"
moves whenever that app gains a migration, and a database migrated before then fails
`migrate` with InconsistentMigrationHistory (seen when coldspots gained 0006)."""

from django.db.migrations.loader import MigrationLoader

PROJECT_APPS = {"accounts", "areas", "providers", "coldspots", "offermap", "kentdata",
                "offerround"}


def test_no_project_migration_depends_on_a_moving_latest():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    moving = [
        (key, dependency)
        for key, migration in loader.disk_migrations.items()
        if key[0] in PROJECT_APPS
        for dependency in migration.dependencies
        if dependency[1] == "__latest__" and dependency[0] in PROJECT_APPS
    ]
    assert moving == []
