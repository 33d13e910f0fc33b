import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    ours = {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", "import kent_offer.settings as s; " + code],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    """Without DEBUG, a missing SECRET_KEY stops start-up with a clear message."""
    result = run_settings({"DEBUG": "0"}, "print(s.SECRET_KEY)")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_development_key_only_with_debug():
    """With DEBUG on and no SECRET_KEY a development-only key is used."""
    result = run_settings({"DEBUG": "1"}, "print(s.SECRET_KEY)")
    assert result.returncode == 0
    assert "development-only" in result.stdout


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/kent_offer", "django.db.backends.postgresql"),
    ],
)
def test_database_url_chooses_the_database(url, engine):
    """No DATABASE_URL means the embedded SQLite file; a postgres URL means PostgreSQL."""
    env = {"DEBUG": "1"} | ({"DATABASE_URL": url} if url else {})
    result = run_settings(env, "print(s.DATABASES['default']['ENGINE'])")
    assert result.stdout.strip() == engine, result.stderr


def test_production_settings_pass_the_deploy_check():
    """With a real key and hosts, `check --deploy` reports no issues."""
    # Only the deployment's own variables: not the test run's (the browser tests allow Django
    # beside Playwright's event loop, which the deploy check rightly refuses).
    test_only = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env |= {
        "DJANGO_SETTINGS_MODULE": "kent_offer.settings",  # pytest sets the test settings
        "SECRET_KEY": "x" * 60 + "-production-like-key",
        "ALLOWED_HOSTS": "map.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
