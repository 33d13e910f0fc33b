"""Helpers for benchmarks/load.py and benchmarks/faults.py: start gunicorn on the loopback from a
given checkout, drive it with N concurrent users for a bounded time, summarise the latencies.

Nothing here leaves the machine: every request goes to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A gunicorn started by this script (and only ever stopped by it, by its own pid)."""

    process: subprocess.Popen
    port: int
    log_path: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_gunicorn(checkout: Path, database_url: str, *, workers: int, log_path: Path,
                   use_config: bool, extra_env: dict | None = None,
                   settle_seconds: float = 8) -> Server:
    """gunicorn from `checkout`: with its gunicorn.conf.py (this branch) or with the README's
    plain command line (the baseline, which has no config file)."""
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only", "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(log_path.parent / f"static-{checkout.name}"),
        "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=checkout,  # noqa: S603
                   env=environment, check=True)
    subprocess.run([*manage, "createcachetable"], cwd=checkout, env=environment,  # noqa: S603
                   check=False, capture_output=True)  # the baseline's settings have no table
    if use_config:  # start cold: nothing left in the shared cache by an earlier run
        clear = "from django.core.cache import caches; caches['shared'].clear()"
        subprocess.run([*manage, "shell", "-c", clear], cwd=checkout,  # noqa: S603
                       env=environment, check=True, capture_output=True)
        command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "kent_offer.wsgi"]
    else:
        command = [PYTHON, "-m", "gunicorn", "kent_offer.wsgi", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(workers), "--access-logfile", "-"]
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=checkout, env=environment, stdout=log,  # noqa: S603
                               stderr=subprocess.STDOUT)
    server = Server(process, port, log_path)
    # Ready when the socket accepts (no request, which would warm a worker), plus the seconds
    # a worker takes to boot (and, with the config, to warm up), as a health check would wait.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.stop()
        raise RuntimeError(f"gunicorn did not start:\n{server.log()[-3000:]}")
    time.sleep(settle_seconds)
    if process.poll() is not None:
        raise RuntimeError(f"gunicorn stopped:\n{server.log()[-3000:]}")
    return server


def get(port: int, path: str, connection: http.client.HTTPConnection | None = None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        if own:
            connection.close()


@dataclass
class Sample:
    started: float  # seconds since the run started
    seconds: float
    status: int  # 0: no answer (connection refused, reset, timeout)
    path: str = ""


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    duration: float = 0.0

    def summary(self) -> dict:
        times = sorted(s.seconds * 1000 for s in self.samples)
        errors = [s for s in self.samples if s.status != 200]
        def pct(q):
            return times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")
        return {
            "requests": len(self.samples), "rps": len(self.samples) / self.duration,
            "p50": statistics.median(times) if times else float("nan"), "p95": pct(0.95),
            "p99": pct(0.99), "errors": len(errors),
            "5xx": sum(1 for s in errors if s.status >= 500), "500": sum(
                1 for s in errors if s.status == 500),
            "503": sum(1 for s in errors if s.status == 503),
            "no answer": sum(1 for s in errors if s.status == 0),
        }


def drive(port: int, paths: list[str], *, users: int, seconds: float, seed: int = 1) -> Run:
    """`users` threads, each requesting a random path from `paths` back to back over one
    keep-alive connection, for `seconds` (bounded)."""
    run = Run()
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + seconds

    def user(index: int):
        rng = random.Random(seed * 1000 + index)
        connection = None
        while time.monotonic() < stop_at:
            path = rng.choice(paths)
            began = time.monotonic()
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", port,
                                                                      timeout=30)
                status, _ = get(port, path, connection)
            except (OSError, http.client.HTTPException):
                status = 0
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.05)  # a refused connection returns at once: do not spin
            with lock:
                run.samples.append(Sample(began - start, time.monotonic() - began, status, path))
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.duration = time.monotonic() - start
    return run


def print_table(title: str, columns: dict[str, dict]) -> None:
    print(f"\n{title}")
    keys = ["requests", "rps", "p50", "p95", "p99", "errors", "500", "503", "no answer"]
    print(f"{'':<12}" + "".join(f"{name:>16}" for name in columns))
    for key in keys:
        cells = []
        for summary in columns.values():
            value = summary.get(key, "")
            cells.append(f"{value:>16.1f}" if isinstance(value, float) else f"{value!s:>16}")
        unit = " ms" if key.startswith("p") else ""
        print(f"{key + unit:<12}" + "".join(cells))
    sys.stdout.flush()
