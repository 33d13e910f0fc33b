"""Values that depend only on the data version, worked out once per version in each process.

The LCPA boundaries simplified for the web, the map's place names and the like are the same
for every filter set, so computing them on each cache miss of a page (issue 14: about a third
of a map page's miss) is waste. They are small, so each process keeps those of its last few
data versions in memory; they are not sent to the shared cache (it would cost a fetch and an
unpickle per request to save work that is done once per worker and version). Without a data
version (a pure call from a test) nothing is kept.
"""

import threading

KEPT_VERSIONS = 3

_lock = threading.Lock()
_by_version: dict[str, dict] = {}


def per_version(version: str, key, build):
    """`build()` for (version, key), computed once per process while the version is recent."""
    if not version:
        return build()
    with _lock:
        values = _by_version.get(version)
        if values is not None and key in values:
            return values[key]
    value = build()
    with _lock:
        values = _by_version.setdefault(version, {})
        values[key] = value
        while len(_by_version) > KEPT_VERSIONS:
            del _by_version[next(iter(_by_version))]
    return value


def clear() -> None:
    with _lock:
        _by_version.clear()
