"""Load on gunicorn: N concurrent users on the map, an LCPA page, a report (CSV) and the postcode
check, warm and with varied filters; this branch beside a baseline checkout in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kent_offer_w14 \\
        .venv/bin/python benchmarks/load.py --baseline /tmp/kent-baseline [--users 20 --seconds 60]

The database must hold the Kent data (`python manage.py prepare_site`). `--baseline` is another
checkout of the project (e.g. `git worktree add /tmp/kent-baseline main`), served the way the
README served it before (plain `gunicorn kent_offer.wsgi --workers N`, its own settings); it shares
this checkout's .venv. Everything runs on the loopback; each phase is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, drive, get, print_table, start_gunicorn

WARM_PATHS = ["/", "/lcpa/ashford/", "/download/lcpas.csv", "/guarantee/?postcode=BR6+7NZ"]


def varied_paths() -> list[str]:
    """Distinct filter sets, so that many requests miss the cache."""
    years = ["2023/24", "2022/23", "2021/22", "2018/19"]
    levels = ["3", "2", "1"]
    minutes = ["30", "45", "60", "75"]
    modes = ["pt", "car"]
    return [f"/?year={y}&level={lvl}&minutes={m}&mode={mode}"
            for y, lvl, m, mode in itertools.product(years, levels, minutes, modes)]


def measure(checkout: Path, database_url: str, args, workdir: Path, use_config: bool,
            label: str, extra_env: dict | None = None) -> dict:
    server = start_gunicorn(checkout, database_url, workers=args.workers, use_config=use_config,
                            log_path=workdir / f"{label}.log", extra_env=extra_env)
    try:
        began = time.perf_counter()
        first_status, _ = get(server.port, "/")
        first = {"status": first_status, "ms": (time.perf_counter() - began) * 1000}
        warm = drive(server.port, WARM_PATHS, users=args.users, seconds=args.seconds).summary()
        varied = drive(server.port, varied_paths(), users=args.users, seconds=args.seconds,
                       seed=7).summary()
    finally:
        server.stop()
    tracebacks = server.log().count("Traceback")
    return {"first": first, "warm": warm, "varied": varied, "tracebacks": tracebacks}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another checkout to compare against")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", help="also measure this branch with REDIS_URL set")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    workdir = Path(tempfile.mkdtemp(prefix="kent-load-"))
    print(f"{args.users} users, {args.seconds:.0f} s a phase, {args.workers} workers; logs in "
          f"{workdir}")
    results = {}
    if args.baseline:
        results["baseline"] = measure(args.baseline, database_url, args, workdir, False,
                                      "baseline")
    results["branch"] = measure(ROOT, database_url, args, workdir, True, "branch")
    if args.redis_url:
        results["branch+redis"] = measure(ROOT, database_url, args, workdir, True, "redis",
                                          {"REDIS_URL": args.redis_url})
    print_table("Warm (map, LCPA page, CSV report, postcode check)",
                {name: r["warm"] for name, r in results.items()})
    print_table(f"Varied filters ({len(varied_paths())} filter sets on the map)",
                {name: r["varied"] for name, r in results.items()})
    for name, r in results.items():
        print(f"{name}: first map request after start: {r['first']['ms']:.0f} ms "
              f"({r['first']['status']})")
    for name, r in results.items():
        print(f"{name}: tracebacks in the server log: {r['tracebacks']}")


if __name__ == "__main__":
    main()
