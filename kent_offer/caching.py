"""The cache every worker shares, chosen from the environment."""

CACHE_TABLE = "kent_offer_cache"


def shared_caches(redis_url: str) -> dict:
    """CACHES for Django: django-redis at `redis_url` when given, else the database cache.

    A per-process (local memory) cache would make each gunicorn worker compute the same analysis
    again; both of these are shared by every worker and survive a worker's restart.
    """
    if redis_url:
        return {
            "default": {
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
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # The analysis keeps a few entries per data version and filter set; old versions'
            # entries expire (an hour), and culling keeps the table bounded meanwhile.
            "OPTIONS": {"MAX_ENTRIES": 2000, "CULL_FREQUENCY": 4},
        }
    }
