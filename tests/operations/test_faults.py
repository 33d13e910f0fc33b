"""Pages while the database cannot be reached: 503, Retry-After, one log line, recovery."""

import logging
from pathlib import Path

import pytest
from django.db import connections

from kent_offer.middleware import RETRY_AFTER_SECONDS, failure_log


def _unreachable(settings_dict: dict, tmp_path: Path) -> dict:
    """The same database settings pointing somewhere nothing answers: port 1 on the loopback
    for PostgreSQL (connection refused), a file in a missing folder for SQLite."""
    if settings_dict["ENGINE"].endswith("postgresql"):
        return {**settings_dict, "HOST": "127.0.0.1", "PORT": 1}
    return {**settings_dict, "NAME": str(tmp_path / "missing-folder" / "db.sqlite3")}


@pytest.fixture
def database_down(db, tmp_path):
    """Swap the default connection for a real one to an unreachable database; yield a function
    that brings the database back (the same connection object, pointed at the live database)."""
    live = connections["default"]
    reachable = dict(live.settings_dict)
    down = live.__class__(_unreachable(reachable, tmp_path), alias="default")
    connections["default"] = down
    failure_log.reset()

    def bring_back():
        down.close()
        down.settings_dict.update(reachable)

    yield bring_back
    down.close()
    connections["default"] = live
    failure_log.reset()


def test_pages_answer_503_with_retry_after(client, database_down):
    """The map, a report and the data page answer 503 with Retry-After and the GOV.UK page."""
    for url in ["/", "/about/data/", "/guarantee/?postcode=ME14+1XX", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert "Sorry, the service is unavailable" in page
        assert "govuk-template__body" in page
        assert "{#" not in page and "{%" not in page  # no template source shown


def test_static_page_still_served(client, database_down):
    """The accessibility statement needs no database, so it is still served."""
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "Accessibility statement" in response.content.decode()


def test_one_log_line_per_failure_kind(client, database_down, caplog):
    """Many failed requests log one line, with no traceback, not one per request."""
    with caplog.at_level(logging.INFO):
        for _ in range(25):
            assert client.get("/about/data/").status_code == 503
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "kent_offer.database"
    assert errors[0].exc_info is None
    assert "OperationalError" in errors[0].getMessage()
    assert not [r for r in caplog.records if r.name.startswith("django.request")]


def test_recovers_when_the_database_is_back(client, database_down):
    """Once the database answers again the next request is served, with no restart."""
    assert client.get("/about/data/").status_code == 503
    database_down()
    response = client.get("/about/data/")
    assert response.status_code == 200
    assert "Retry-After" not in response


def test_other_errors_are_not_hidden(client, db, settings):
    """A 404 stays a 404: only database errors become 503."""
    assert client.get("/providers/999999999/").status_code == 404
