"""An import killed half-way (SIGKILL: no exception handler, no clean-up runs) leaves the
database as it was: `manage.py load_kent` is one transaction from its first write.

The load runs in a subprocess against a real database file or server: on PostgreSQL the test
database itself (this test commits its rows, transaction=True), on SQLite a database file of
its own (the suite's SQLite test database lives in memory, which no other process can open).
Rows are counted by a subprocess too, so both paths count the same way.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

ROOT = Path(settings.BASE_DIR)
MANAGE = [sys.executable, str(ROOT / "manage.py")]
COUNT = ("import json; from operations.backups import row_counts; "
         "print(json.dumps(row_counts()))")
# Far enough into the load that it has written rows of several kinds (areas, LCPAs, cohort
# figures, postcodes), well before the end (providers, courses, apprenticeships).
KILL_AFTER = "cohorts and postcodes done"


def database_url(tmp_path) -> tuple[str, bool]:
    """(DATABASE_URL for the subprocesses, whether it still needs its tables)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return (f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}", False)
    return f"sqlite:///{tmp_path / 'kent.sqlite3'}", True


def run(environment, *arguments, timeout=600) -> str:
    done = subprocess.run([*MANAGE, *arguments], cwd=ROOT, env=environment,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def counts(environment) -> dict[str, int]:
    return json.loads(run(environment, "shell", "-c", COUNT).strip().splitlines()[-1])


def kill_during_load(environment) -> tuple[int, str]:
    """Start load_kent, SIGKILL it once it reports KILL_AFTER: (return code, its output)."""
    process = subprocess.Popen([*MANAGE, "load_kent"], cwd=ROOT, env=environment,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    deadline = time.monotonic() + 600
    try:
        for line in process.stdout:
            seen.append(line)
            if KILL_AFTER in line or time.monotonic() > deadline:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.stdout.close()
        process.wait(timeout=60)
    return process.returncode, "".join(seen)


@pytest.mark.django_db(transaction=True)
def test_a_load_killed_half_way_leaves_the_database_as_it_was(tmp_path):
    url, needs_tables = database_url(tmp_path)
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1",
                   "DJANGO_SETTINGS_MODULE": "kent_offer.test_settings"}
    if needs_tables:
        run(environment, "migrate", "--noinput", "-v0")
    else:
        # A row already there, committed (a user: the fixture's own records would clash).
        get_user_model().objects.create_user("officer", password="a-long-enough-passphrase")
    before = counts(environment)

    code, output = kill_during_load(environment)
    assert code == -signal.SIGKILL, output[-2000:]
    assert KILL_AFTER in output and "Kent fixture loaded" not in output
    assert counts(environment) == before

    # It had written rows by then (inside its transaction): the geography is loaded first,
    # and without the fix to load_kent the loader's account was left behind (auth_user + 1).
    assert "geography done" in output
