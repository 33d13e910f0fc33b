"""gunicorn settings for the Kent post-16 offer map: `gunicorn kent_offer.wsgi`.

Every value can be overridden from the environment (see the README's Deployment section).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")

# Pages are CPU-bound (pandas analysis on a cache miss), so more sync workers than cores only
# queue work: cores + 1 (3 on the 2-core server), each able to serve about 5–10 cached pages/s.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"

# Load Django and import the analysis once in the master; workers fork with it already in memory.
preload_app = True

# A cache miss on the biggest page takes well under a second; 30 s only catches a stuck worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # behind a proxy that reuses connections

# Recycle workers now and then (pandas' memory is not always given back); preload makes it cheap.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file in memory, not on a disk that can stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Logs to stdout, like the app's own.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Trust X-Forwarded-* only from the TLS proxy in front (the loopback by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """In the master, after the app is preloaded, before any worker is forked."""
    from kent_offer.warmup import import_everything

    import_everything()


def post_worker_init(worker):
    """In each worker before its first request: serve the map once in-process."""
    from kent_offer.warmup import request_pages

    request_pages(worker.wsgi)
