"""Back up and restore the whole database: pg_dump/pg_restore on PostgreSQL (custom format),
SQLite's online backup API on the embedded default.

Both copy a consistent snapshot while the site keeps serving (pg_dump reads one transaction;
SQLite's backup copies pages under a read lock). Nothing here imports the project's apps: the row
counts come from the app registry, so the module works whatever models exist.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connections


class BackupError(Exception):
    """A backup or restore that did not complete; the message says why."""


def row_counts(using: str = "default") -> dict[str, int]:
    """Rows in every model's table (history tables included), by table name."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using(using).count()
    return dict(sorted(counts.items()))


def _is_postgresql(connection) -> bool:
    return connection.vendor == "postgresql"


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq's variables for the connection, so no password appears on a command line."""
    environment = dict(os.environ)
    for variable, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        completed = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            command, env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from error
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed: {completed.stderr.strip()}")


def backup(path: Path, using: str = "default") -> None:
    """Write a snapshot of the database to `path`."""
    connection = connections[using]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _is_postgresql(connection):
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
             _pg_environment(connection.settings_dict))
        return
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def restore(path: Path, using: str = "default") -> None:
    """Replace the whole database with the snapshot at `path` (tables, rows and sequences)."""
    connection = connections[using]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if _is_postgresql(connection):
        # Our own open connection would hold locks that pg_restore's DROPs wait for.
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--dbname",
              connection.settings_dict["NAME"], str(path)],
             _pg_environment(connection.settings_dict))
        return
    source = sqlite3.connect(path)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
