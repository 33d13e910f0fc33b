"""The load of benchmarks/load.py while PostgreSQL is stopped and started again; this branch
beside a baseline checkout in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kent_offer_w14 \\
        .venv/bin/python benchmarks/faults.py --baseline /tmp/kent-baseline [--users 20]

The script starts a PostgreSQL cluster of its own (initdb in a temporary folder, its own port,
run as the `postgres` user when started as root), copies the data from DATABASE_URL into it with
`backup_database` / `restore_database`, and only ever stops and starts that cluster: never the
machine's own. Each run: `--before` seconds of load, the cluster stopped (`pg_ctl stop -m fast`)
for `--down` seconds, started again, then `--after` seconds. It prints, per phase, the answers by
status, and the recovery time: from the moment the cluster accepts connections again to the
first request that was answered 200 with every later one 200 too.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import PYTHON, ROOT, drive, free_port, start_gunicorn

PATHS = ["/", "/lcpa/ashford/", "/download/lcpas.csv", "/guarantee/?postcode=BR6+7NZ",
         "/about/data/", "/accessibility/"]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, started and stopped only by this script."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(folder, "postgres")
        self._run(["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])

    def _run(self, command):
        subprocess.run([*self.as_postgres, *command], check=True,  # noqa: S603
                       capture_output=True)

    def start(self):
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                   "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start"])

    def stop(self):
        self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def url(self, name="kent_offer") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def copy_database(source_url: str, cluster: Cluster, workdir: Path) -> None:
    dump = workdir / "source.dump"
    for url, command in [(source_url, ["backup_database", str(dump)]),
                         (cluster.url(), ["restore_database", str(dump), "--yes"])]:
        environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
        done = subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT,  # noqa: S603
                              env=environment, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stderr[-2000:]}")


def measure(checkout, cluster, args, workdir, use_config, label) -> dict:
    server = start_gunicorn(checkout, cluster.url(), workers=args.workers, use_config=use_config,
                            log_path=workdir / f"{label}.log")
    events = {}

    def fault():
        time.sleep(args.before)
        events["stop"] = time.monotonic()
        cluster.stop()
        events["down"] = time.monotonic()
        time.sleep(args.down)
        cluster.start()
        events["up"] = time.monotonic()

    try:
        thread = threading.Thread(target=fault)
        begin = time.monotonic()
        thread.start()
        run = drive(server.port, PATHS, users=args.users,
                    seconds=args.before + args.down + args.after + 5)
        thread.join()
    finally:
        server.stop()
    stop, up = events["stop"] - begin, events["up"] - begin
    phases = {"before": [], "down": [], "after": []}
    for sample in run.samples:
        phase = "before" if sample.started < stop else "down" if sample.started < up else "after"
        phases[phase].append(sample)
    after_errors = [s for s in phases["after"] if s.status != 200]
    recovery = (max(s.started for s in after_errors) - up) if after_errors else 0.0
    log = server.log()
    return {
        "phases": {name: _by_status(samples) for name, samples in phases.items()},
        "accessibility_while_down": _by_status(
            [s for s in phases["down"] if s.path == "/accessibility/"]),
        "recovery_seconds": max(recovery, 0.0),
        "tracebacks": log.count("Traceback"),
        "unavailable_lines": log.count("Database unavailable"),
        "down_seconds": up - stop,
    }


def _by_status(samples) -> str:
    counts = {}
    for sample in samples:
        counts[sample.status] = counts.get(sample.status, 0) + 1
    return ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--down", type=float, default=10)
    parser.add_argument("--after", type=float, default=15)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kent-faults-"))
    workdir.chmod(0o755)  # the cluster's own user must reach its folder inside
    cluster = Cluster(workdir / "cluster")
    cluster.start()
    try:
        create = [*cluster.as_postgres, "createdb", "-h", "127.0.0.1", "-p", str(cluster.port),
                  "-U", "postgres", "kent_offer"]
        subprocess.run(create, check=True)  # noqa: S603
        copy_database(os.environ["DATABASE_URL"], cluster, workdir)
        results = {}
        if args.baseline:
            results["baseline"] = measure(args.baseline, cluster, args, workdir, False,
                                          "baseline")
        results["branch"] = measure(ROOT, cluster, args, workdir, True, "branch")
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
    print(f"{args.users} users, {args.workers} workers; PostgreSQL on port {cluster.port} "
          f"stopped after {args.before:.0f} s for {args.down:.0f} s; logs in {workdir}")
    for name, result in results.items():
        print(f"\n{name}")
        for phase, counts in result["phases"].items():
            print(f"  {phase:<7} {counts}")
        print(f"  /accessibility/ while down: {result['accessibility_while_down']}")
        print(f"  recovery after PostgreSQL was back: {result['recovery_seconds']:.2f} s")
        print(f"  tracebacks in the log: {result['tracebacks']}; 'Database unavailable' lines: "
              f"{result['unavailable_lines']}")


if __name__ == "__main__":
    main()
