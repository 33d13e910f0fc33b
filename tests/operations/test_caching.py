"""Caching headers, and the cache every worker shares (database table, Redis)."""

import socket

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from kent_offer.caching import CACHE_TABLE, shared_caches


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
    """With no REDIS_URL, the cache is the database table every worker shares."""
    default = shared_caches("")["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert default["LOCATION"] == CACHE_TABLE
    redis = shared_caches("redis://127.0.0.1:6379/3")["default"]
    assert redis["BACKEND"] == "django_redis.cache.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3"


@pytest.mark.django_db(transaction=True)
def test_database_cache_is_shared_between_cache_instances():
    """Two cache objects (two workers) see one value through the table createcachetable makes."""
    config = shared_caches("")
    with override_settings(CACHES=config):
        call_command("createcachetable", verbosity=0)
        assert CACHE_TABLE in connection.introspection.table_names()
        worker_a = DatabaseCache(CACHE_TABLE, config["default"])
        worker_b = DatabaseCache(CACHE_TABLE, config["default"])
        worker_a.set("coldspots:probe", {"rows": [1, 2, 3]}, 60)
        assert worker_b.get("coldspots:probe") == {"rows": [1, 2, 3]}
        worker_b.delete("coldspots:probe")
        assert worker_a.get("coldspots:probe") is None


def _redis_answers(host="127.0.0.1", port=6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def test_redis_cache_is_shared_between_connections():
    """With REDIS_URL, two cache connections share values through the real Redis server."""
    if not _redis_answers():
        pytest.fail("Redis is not answering on 127.0.0.1:6379 (.ci/run starts it)")
    config = shared_caches("redis://127.0.0.1:6379/7")
    config["default"]["KEY_PREFIX"] = f"kent-offer-test-{socket.gethostname()}"
    with override_settings(CACHES={"worker_a": config["default"], "worker_b": config["default"]}):
        worker_a, worker_b = caches["worker_a"], caches["worker_b"]
        worker_a.set("probe", {"rows": [1, 2]}, 30)
        assert worker_b.get("probe") == {"rows": [1, 2]}
        worker_b.delete("probe")
        assert worker_a.get("probe") is None
