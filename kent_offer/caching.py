"""The cache every worker shares, chosen from the environment, with a small copy in each worker.

Every key the project caches names the data version it was computed from (coldspots.results,
offermap.views), so a cached value never goes stale: it is only ever replaced by a new key. That
makes a per-process copy in front of the shared cache safe, and worth it: the analysis results
are 1–2 MB pickled, and fetching them from the shared cache on every request costs more than the
page's own work. A value computed by any worker is found by all the others in the shared cache,
then kept locally for the next requests.
"""

import hashlib
import itertools
import os
from pathlib import Path

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

CACHE_TABLE = "kent_offer_cache"

_instances = itertools.count()

# The local copy: a few recent values per worker (each 1–2 MB), for a few minutes at most, so
# that memory stays bounded and a cleared shared cache is followed within minutes.
LOCAL_ENTRIES = 24
LOCAL_SECONDS = 300

# Values each worker keeps to itself when the shared tier is the database table: the analysis
# results (1–2 MB pickled) and the pages' intermediate tables and map documents. Writing the
# results to the table cost about 100 ms (base64, the insert, its commit), more than the
# analysis itself (about 60 ms on Kent's data), and a small value still cost about 10 ms (the
# cull count and a commit); the finished pages and downloads (offermap.page_cache), the input
# frames and the lazily made measures are shared, so another worker mostly answers from those.
# With Redis every value is shared (a write is a memory copy over the loopback).
DATABASE_LOCAL_ONLY = ("coldspots:results:", "offermap:map:", "offermap:tables:",
                       "offermap:lcpa:", "offermap:lcpa-rows:")


class TwoTierCache(BaseCache):
    """Reads from a per-process LocMemCache first, then the shared backend (whose hits are
    copied locally); writes and deletes go to both, except for keys starting with one of the
    LOCAL_ONLY prefixes, which stay in this process. `clear()` clears this process's copy and
    the shared cache (other workers' copies expire within LOCAL_SECONDS)."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        # The shared backend is a cache alias of its own, so that `createcachetable` (which
        # looks for DatabaseCache aliases) creates its table.
        self.shared_alias = options.get("SHARED_ALIAS", "shared")
        self.local_seconds = options.get("LOCAL_SECONDS", LOCAL_SECONDS)
        self.local_only = tuple(options.get("LOCAL_ONLY", ()))
        # A store of its own (LocMemCache shares storage between instances of one name).
        self.local = LocMemCache(
            f"two-tier-{location}-{next(_instances)}",
            {"TIMEOUT": self.local_seconds,
             "OPTIONS": {"MAX_ENTRIES": options.get("LOCAL_ENTRIES", LOCAL_ENTRIES)}},
        )

    @property
    def shared(self) -> BaseCache:
        return caches[self.shared_alias]

    def _local_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT or timeout is None:
            return self.local_seconds
        return min(timeout, self.local_seconds)

    def _kept_here(self, key) -> bool:
        return bool(self.local_only) and key.startswith(self.local_only)

    def get(self, key, default=None, version=None):
        sentinel = object()
        value = self.local.get(key, sentinel, version=version)
        if value is not sentinel:
            return value
        if self._kept_here(key):
            return default
        value = self.shared.get(key, sentinel, version=version)
        if value is sentinel:
            return default
        self.local.set(key, value, self.local_seconds, version=version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not self._kept_here(key):
            self.shared.set(key, value, timeout, version=version)
        self.local.set(key, value, self._local_timeout(timeout), version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._kept_here(key):
            return self.local.add(key, value, self._local_timeout(timeout), version=version)
        added = self.shared.add(key, value, timeout, version=version)
        if added:
            self.local.set(key, value, self._local_timeout(timeout), version=version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        touched = self.local.touch(key, self._local_timeout(timeout), version=version)
        if self._kept_here(key):
            return touched
        return self.shared.touch(key, timeout, version=version)

    def delete(self, key, version=None):
        deleted = self.local.delete(key, version=version)
        if self._kept_here(key):
            return deleted
        return self.shared.delete(key, version=version)

    def has_key(self, key, version=None):
        if self._kept_here(key):
            return self.local.has_key(key, version=version)
        return self.local.has_key(key, version=version) or self.shared.has_key(
            key, version=version)

    def clear(self):
        self.local.clear()
        self.shared.clear()

    def close(self, **kwargs):
        """The shared alias is closed by Django itself at the end of each request."""


def shared_backend(redis_url: str) -> dict:
    """django-redis at `redis_url` when given, else the database table."""
    if redis_url:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "kent-offer",
            "OPTIONS": {
                # A cache that is down should slow pages, not break them.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        # A few entries per data version and filter set; they expire (an hour), and culling
        # keeps the table bounded meanwhile.
        "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
    }


# Folders whose files do not shape a cached value (or are too large to read at start-up).
NOT_CODE = {".git", ".venv", "node_modules", "tests", "fixtures", "benchmarks", "scripts",
            "static", "staticfiles", "media", "__pycache__"}


def code_version(root: Path) -> str:
    """A short hash of the project's Python files and templates under `root`.

    Cached values are pickled results and rendered HTML: both change with the code, not only with
    the data. Prefixing the shared cache's keys with this hash means a deployment never reads a
    value that an older release stored (the data version alone would let it)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_CODE)
        for name in sorted(files):
            if name.endswith((".py", ".html")):
                path = Path(folder) / name
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def shared_caches(redis_url: str, key_prefix: str = "") -> dict:
    """CACHES for Django: the shared backend (Redis or the database table) behind a small copy
    in each worker. A per-process cache alone would make each gunicorn worker compute the same
    analysis again; the shared one alone would fetch megabytes on every request. key_prefix:
    the release's code_version, so that releases never share values."""
    return {
        "default": {
            "BACKEND": "kent_offer.caching.TwoTierCache",
            "LOCATION": "default",
            "OPTIONS": {"SHARED_ALIAS": "shared",
                        "LOCAL_ONLY": () if redis_url else DATABASE_LOCAL_ONLY},
        },
        "shared": {**shared_backend(redis_url), "KEY_PREFIX": key_prefix},
    }
