"""Start-up: the warm-up fills the caches, and gunicorn starts with the project's config."""

import os
import selectors
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from kent_offer.warmup import request_pages
from kent_offer.wsgi import application
from tests.offermap.conftest import build_kent

ROOT = Path(settings.BASE_DIR)


def _queries_for_map(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_warm_up_serves_the_map_and_fills_the_cache(client, db):
    """After the warm-up a visitor's first map page runs fewer queries than a cold one."""
    build_kent()
    cold = _queries_for_map(client)
    cache.clear()
    # As Django's test client does: the handler would otherwise close the connection that holds
    # this test's transaction (a real worker has none open).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        assert request_pages(application) == {"/": 200}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    warm = _queries_for_map(client)
    assert warm < cold


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A URL another process can open holding this test's data."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    from operations.backups import backup

    copy = tmp_path / "served.sqlite3"
    backup(copy)
    return f"sqlite:///{copy}"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_starts_warms_up_and_serves(tmp_path):
    """gunicorn with gunicorn.conf.py preloads, warms each worker, then serves the map."""
    build_kent()
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "DATABASE_URL": _database_url(tmp_path), "SECRET_KEY": "gunicorn-test", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1", "DJANGO_SETTINGS_MODULE": "kent_offer.settings",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,  # noqa: S603
                   env=environment, check=True, capture_output=True)
    subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=environment,  # noqa: S603
                   check=True, capture_output=True)
    server = subprocess.Popen(  # noqa: S603
        [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", "kent_offer.wsgi"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        selector = selectors.DefaultSelector()
        selector.register(server.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("Warmed up" in line for line in output):
            if server.poll() is not None:
                break
            if selector.select(timeout=1):
                line = server.stdout.readline()
                if not line and server.poll() is not None:
                    break
                output.append(line)
        assert any("Warmed up: / 200" in line for line in output), "".join(output)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
            assert "no-store" in response.headers["Cache-Control"]
            assert b"Kent post-16 offer map" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not any("Traceback" in line for line in output), "".join(output)
