"""Caching headers, and the cache every worker shares (database table, Redis)."""

import os
import socket

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from kent_offer.caching import CACHE_TABLE, LOCAL_ENTRIES, TwoTierCache, shared_caches


def test_pages_with_a_nonce_are_private_and_not_stored(client, db):
    """A page carrying this response's CSP nonce says private, no-store."""
    response = client.get("/accessibility/")
    assert "nonce-" in response["Content-Security-Policy"]
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_downloads_without_a_session_may_be_cached(client, db):
    """A CSV download for an anonymous visitor has no nonce and no session: no no-store."""
    response = client.get("/download/lcpas.csv")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_signed_in_users_responses_are_private(client, admin_user):
    """With a session cookie even a download is private, no-store."""
    client.force_login(admin_user)
    response = client.get("/download/lcpas.csv")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_database_cache_is_the_default_without_redis():
    """With no REDIS_URL the shared tier is the database table; with it, django-redis."""
    config = shared_caches("")
    assert config["default"]["BACKEND"] == "kent_offer.caching.TwoTierCache"
    assert config["shared"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert config["shared"]["LOCATION"] == CACHE_TABLE
    redis = shared_caches("redis://127.0.0.1:6379/3")["shared"]
    assert redis["BACKEND"] == "django_redis.cache.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3"


def _workers(config) -> tuple[TwoTierCache, TwoTierCache, TwoTierCache]:
    """Three caches as three gunicorn workers would have them: each its own local copy."""
    return tuple(TwoTierCache("default", config["default"]) for _ in range(3))


def _shares_between_workers(config) -> None:
    worker_a, worker_b, worker_c = _workers(config)
    value = {"rows": [1, 2, 3]}
    worker_a.set("coldspots:probe", value, 60)
    assert caches["shared"].get("coldspots:probe") == value  # written through
    assert worker_b.get("coldspots:probe") == value  # found by another worker
    caches["shared"].delete("coldspots:probe")
    # Worker b kept a copy; worker c never saw it, so the shared tier alone answers for it.
    assert worker_b.get("coldspots:probe") == value
    assert worker_c.get("coldspots:probe") is None
    worker_b.delete("coldspots:probe")
    assert worker_b.get("coldspots:probe") is None


@pytest.mark.django_db(transaction=True)
def test_database_cache_is_shared_between_workers():
    """Workers share values through the table createcachetable makes, each keeping a copy."""
    config = shared_caches("")
    with override_settings(CACHES=config):
        call_command("createcachetable", verbosity=0)
        assert CACHE_TABLE in connection.introspection.table_names()
        _shares_between_workers(config)


def _redis_answers(host="127.0.0.1", port=6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def test_redis_cache_is_shared_between_workers():
    """With REDIS_URL, workers share values through the real Redis server."""
    if not _redis_answers():
        pytest.fail("Redis is not answering on 127.0.0.1:6379 (.ci/run starts it)")
    config = shared_caches("redis://127.0.0.1:6379/7")
    config["shared"]["KEY_PREFIX"] = f"kent-offer-test-{os.getpid()}"
    with override_settings(CACHES=config):
        _shares_between_workers(config)
        caches["shared"].delete("coldspots:probe")


def test_local_copy_is_bounded():
    """Each worker keeps at most LOCAL_ENTRIES values locally."""
    config = shared_caches("")
    config["shared"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    with override_settings(CACHES=config):
        worker = TwoTierCache("default", config["default"])
        for index in range(LOCAL_ENTRIES * 3):
            worker.set(f"key-{index}", index, 60)
        kept = sum(worker.get(f"key-{index}") is not None for index in range(LOCAL_ENTRIES * 3))
        assert 0 < kept <= LOCAL_ENTRIES


def test_the_shared_cache_keys_change_with_the_code_not_only_the_data(tmp_path):
    """code_version changes when a template or Python file changes (so a new release never reads
    HTML or results an older one cached), and ignores tests and the virtualenv."""
    from kent_offer.caching import code_version, shared_caches

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ name }}</p>")
    (tmp_path / "app.py").write_text("VALUE = 1\n")
    before = code_version(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("assert True\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text("x = 2\n")
    assert code_version(tmp_path) == before
    page.write_text("<p>{{ name }}!</p>")
    assert code_version(tmp_path) != before
    assert shared_caches("", key_prefix="abc")["shared"]["KEY_PREFIX"] == "abc"


@pytest.mark.django_db(transaction=True)
def test_analysis_results_stay_in_each_worker_with_the_database_cache():
    """With the database table, the analysis results and the pages' intermediate values are not
    written to the table (a write cost more than the analysis); the finished pages and the
    input frames are. With Redis, everything is shared."""
    config = shared_caches("")
    with override_settings(CACHES=config):
        call_command("createcachetable", verbosity=0)
        worker_a, worker_b, _ = _workers(config)
        worker_a.set("coldspots:results:x:1", "results", 60)
        worker_a.set("offermap:map:1:x", "document", 60)
        worker_a.set("offermap:page:1:x", "page", 60)
        worker_a.set("coldspots:inputs:1", "frames", 60)
        assert worker_a.get("coldspots:results:x:1") == "results"  # kept here
        assert caches["shared"].get("coldspots:results:x:1") is None
        assert worker_b.get("coldspots:results:x:1") is None
        assert worker_b.get("offermap:map:1:x") is None
        assert worker_b.get("offermap:page:1:x") == "page"
        assert worker_b.get("coldspots:inputs:1") == "frames"
        assert worker_a.add("coldspots:results:y:1", "other", 60)
        assert not worker_a.add("coldspots:results:y:1", "again", 60)
        assert worker_a.has_key("coldspots:results:y:1")
        assert not worker_b.has_key("coldspots:results:y:1")
        worker_a.delete("coldspots:results:y:1")
        assert worker_a.get("coldspots:results:y:1") is None
    assert shared_caches("redis://127.0.0.1:6379/3")["default"]["OPTIONS"]["LOCAL_ONLY"] == ()
