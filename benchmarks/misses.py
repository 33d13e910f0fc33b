"""Cache misses of the map and LCPA pages, and their weight at 1× and 4× Kent's providers:
this checkout beside a baseline checkout, in one run, with the pages' output compared.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kent_offer_w6 \\
        .venv/bin/python benchmarks/misses.py --baseline-ref 5a3a5a5 [--runs 15 --rounds 3]

(`--baseline-ref REF` makes a temporary `git worktree` of REF and removes it afterwards;
`--baseline-files REF` makes one of HEAD with only the files the fast misses changed taken
from REF, so that the rest of the pages is the same and their output can be compared whole
(only while those files import against HEAD: 5a3a5a5's views.py no longer does);
`--baseline DIR` uses an existing checkout.) The database must hold the Kent data
(`python manage.py prepare_site`).

Each checkout is measured in a process of its own (its code imported from its folder, this
.venv's Python), in-process through Django's test client with a per-process cache (no network,
no gunicorn), after one warm-up request of each page:

- **full miss**: a filter set nobody has asked for: every cached value is dropped except the
  input frames (they are read once per data version, and a server process keeps them as
  objects: coldspots.results.load_inputs), so the analysis, the tables, the map document and
  the HTML are all made (the finished page too: offermap.page_cache);
- **page miss**: the analysis is cached (another page asked for the same filters) but the
  page's own tables and map are not.

Rounds alternate baseline and branch, so that other load on the machine falls on both; the
figures are medians over every round. Page weight is the HTML plus every stylesheet, script and
image it names (as benchmarks/pages.py counts it), for the map page and the heaviest LCPA page,
with Kent's data and with every provider site copied three more times (new names, URNs and
ids, 150 m apart: 4× the sites, offers and duplicated small offers). Before any figure the
script compares the two checkouts' HTML of the map page (several filter sets) and of every LCPA
page, with the per-response nonce and CSRF token taken out: they must be identical except the
LCPA pages' duplication list, which this branch caps (the part that differs is named).

Targets (issue 14): a map-page cache miss ≤ 100 ms; page weight ≤ 800 KB at 4× the providers.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT = shutil.which("git") or "git"

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100
TARGET_KB = 800
FACTOR = 4
MAP_URLS = ["/", "/?level=3", "/?measure=guarantee&cold_areas=1", "/?mode=car&minutes=45"]
# What issue 14's fast misses changed (offermap/memo.py is new and unused by the old files).
FAST_MISS_FILES = ["offermap/views.py", "offermap/presenters.py", "offermap/maps.py",
                   "templates/offermap/lcpa.html"]
MARKER_IMAGES = ["vendor/leaflet/images/marker-icon.png",
                 "vendor/leaflet/images/marker-shadow.png"]


# ---------------------------------------------------------------------------------------------
# The child: one checkout, measured in this process.

def child(checkout: Path, runs: int, html_dir: Path | None) -> dict:
    sys.path.insert(0, str(checkout))
    os.chdir(checkout)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kent_offer.test_settings")
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.cache import cache
    from django.test import Client

    from areas.models import Region
    from coldspots.results import data_version, load_inputs

    version = data_version()
    inputs = load_inputs(version)
    inputs_key = f"coldspots:inputs:{version}"
    slugs = list(Region.objects.order_by("name").values_list("slug", flat=True))
    if not slugs:
        raise SystemExit("No Kent data: run `python manage.py prepare_site` first.")
    client = Client()

    def get(url: str) -> tuple[float, bytes]:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed, response.content

    def keep_only(prefixes: tuple[str, ...]) -> None:
        """Drop every cached value but those whose key starts with one of the prefixes (the
        test settings' LocMemCache: its keys are ':1:<key>')."""
        for made_key in list(cache._cache):
            if not made_key.split(":", 2)[-1].startswith(prefixes):
                cache.delete(made_key.split(":", 2)[-1])

    def full_miss(url: str) -> float:
        if current_inputs is inputs:
            # As a server process has them: the frames (and the stamp that lets the process
            # keep them as objects, coldspots.results.load_inputs) are read once per version.
            keep_only(("coldspots:inputs",))
        else:
            cache.clear()
            cache.set(inputs_key, current_inputs, None)
        return get(url)[0]

    def page_miss(url: str) -> float:
        get(url)  # fills the analysis' cache for these filters
        keep_only(("coldspots:",))
        return get(url)[0]

    lcpa_url = f"/lcpa/{slugs[0]}/"
    current_inputs = inputs
    for url in ("/", lcpa_url):
        get(url)  # imports, templates, per-process set-up
    timings = {}
    for label, url in (("map", "/"), ("lcpa", lcpa_url)):
        timings[f"{label} full miss"] = [full_miss(url) for _ in range(runs)]
        timings[f"{label} page miss"] = [page_miss(url) for _ in range(runs)]

    if html_dir is not None:
        html_dir.mkdir(parents=True, exist_ok=True)
        cache.clear()
        for index, url in enumerate(MAP_URLS + [f"/lcpa/{slug}/" for slug in slugs]):
            (html_dir / f"{index:02d}.html").write_bytes(get(url)[1])
        (html_dir / "urls.json").write_text(json.dumps(MAP_URLS + [f"/lcpa/{s}/" for s in slugs]))

    weights = {}
    for factor in (1, FACTOR):
        current_inputs = inputs if factor == 1 else scaled(inputs, factor)
        cache.clear()
        cache.set(inputs_key, current_inputs, None)
        map_html = get("/")[1]
        lcpa = max(((slug, get(f"/lcpa/{slug}/")[1]) for slug in slugs),
                   key=lambda item: len(item[1]))
        weights[f"{factor}x"] = {
            "sites": len(current_inputs.sites), "offers": len(current_inputs.offers),
            "map": page_weight(map_html), "lcpa": page_weight(lcpa[1]), "lcpa_slug": lcpa[0],
        }
        if factor != 1:
            timings[f"map full miss {factor}x"] = [full_miss("/") for _ in range(max(3, runs // 3))]
    cache.clear()
    return {"timings": timings, "weights": weights}


def scaled(inputs, factor: int):
    """Kent with every provider site copied factor - 1 more times, 150 m east of the last copy:
    new site, provider and course ids, URNs and names (so no two copies are merged), the same
    offers and learners. The copies stay in their areas and LCPAs."""
    import dataclasses

    import pandas as pd

    sites, offers = inputs.sites, inputs.offers
    site_step = int(sites["site_id"].max()) + 1
    provider_step = int(max(sites["provider_id"].max(), offers["provider_id"].max())) + 1
    course_step = int(offers["course_id"].max()) + 1
    all_sites, all_offers, all_enrolments = [sites], [offers], [inputs.enrolments]
    for copy in range(1, factor):
        more = sites.copy()
        more["site_id"] += copy * site_step
        more["provider_id"] += copy * provider_step
        more["provider_urn"] = more["provider_urn"] + copy * 10_000_000
        more["provider_name"] = more["provider_name"] + f" (copy {copy})"
        more["site_name"] = more["site_name"] + f" (copy {copy})"
        more["easting"] += 150.0 * copy
        more["longitude"] += 150.0 * copy / 70_000  # about 70 km per degree in Kent
        all_sites.append(more)
        extra = offers.copy()
        extra["site_id"] += copy * site_step
        extra["provider_id"] += copy * provider_step
        extra["course_id"] += copy * course_step
        all_offers.append(extra)
        if inputs.enrolments is not None and len(inputs.enrolments):
            enrolments = inputs.enrolments.copy()
            enrolments["provider_id"] += copy * provider_step
            all_enrolments.append(enrolments)
    enrolments = (pd.concat(all_enrolments, ignore_index=True)
                  if inputs.enrolments is not None else None)
    return dataclasses.replace(
        inputs, sites=pd.concat(all_sites, ignore_index=True),
        offers=pd.concat(all_offers, ignore_index=True), enrolments=enrolments)


def page_weight(html: bytes) -> dict:
    from django.contrib.staticfiles import finders

    text = html.decode()
    names = re.findall(r'<script[^>]+src="/static/([^"]+)"', text)
    names += re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', text)
    names += re.findall(r'from "/static/([^"]+)"', text)
    names += MARKER_IMAGES if "vendor/leaflet" in text else []
    assets = 0
    for name in names:
        path = finders.find(name)
        if path is None:
            raise SystemExit(f"static file {name} named by the page was not found")
        assets += Path(path).stat().st_size
    return {"html": len(html), "total": len(html) + assets}


# ---------------------------------------------------------------------------------------------
# The parent: both checkouts, side by side.

def run_child(checkout: Path, runs: int, html_dir: Path | None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(checkout),
               "--runs", str(runs)]
    if html_dir is not None:
        command += ["--html-dir", str(html_dir)]
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True,  # noqa: S603
                          timeout=1800, env={**os.environ, "PYTHONPATH": str(checkout)})
    if done.returncode != 0:
        raise SystemExit(f"measuring {checkout} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def normalised(html: str) -> str:
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'"inlineScriptNonce": "[^"]*"', '"inlineScriptNonce": ""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def without_duplication(html: str) -> str:
    """The LCPA page with its duplication section (its heading to the next h2) left out."""
    return re.sub(r'<h2 class="govuk-heading-l" id="duplication">.*?(?=<h2 )', "", html,
                  flags=re.S)


def compare_pages(base_dir: Path, branch_dir: Path) -> list[str]:
    urls = json.loads((base_dir / "urls.json").read_text())
    lines = []
    for index, url in enumerate(urls):
        base = normalised((base_dir / f"{index:02d}.html").read_text())
        mine = normalised((branch_dir / f"{index:02d}.html").read_text())
        if base == mine:
            lines.append(f"  {url}: identical")
            continue
        if url.startswith("/lcpa/") and without_duplication(base) == without_duplication(mine):
            lines.append(f"  {url}: identical except the duplication list (capped)")
            continue
        diff = list(difflib.unified_diff(base.splitlines(), mine.splitlines(), lineterm="", n=0))
        lines.append(f"  {url}: DIFFERENT ({len(diff)} diff lines), first: "
                     + " | ".join(diff[2:8])[:600])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout to compare against")
    parser.add_argument("--baseline-ref", help="a git ref to check out temporarily as baseline")
    parser.add_argument("--baseline-files", metavar="REF",
                        help="baseline = this commit with the fast-miss files taken from REF "
                        "(the same pages otherwise, so their output can be compared whole)")
    parser.add_argument("--runs", type=int, default=15, help="misses per page, per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--html-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs, args.html_dir)))
        return

    temporary = None
    baseline = args.baseline
    if args.baseline_ref or args.baseline_files:
        temporary = Path(tempfile.mkdtemp(prefix="kent-misses-baseline-"))
        baseline = temporary / "checkout"
        subprocess.run([GIT, "worktree", "add", "--detach", str(baseline),  # noqa: S603
                        args.baseline_ref or "HEAD"], cwd=ROOT, check=True, capture_output=True)
        if args.baseline_files:
            subprocess.run([GIT, "checkout", args.baseline_files, "--",  # noqa: S603
                            *FAST_MISS_FILES], cwd=baseline, check=True, capture_output=True)
    if baseline is None:
        raise SystemExit("--baseline DIR or --baseline-ref REF is needed")
    commit = subprocess.run([GIT, "rev-parse", "--short", "HEAD"], cwd=baseline,  # noqa: S603
                            capture_output=True, text=True).stdout.strip()
    mine = subprocess.run([GIT, "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True).stdout.strip()
    html = Path(tempfile.mkdtemp(prefix="kent-misses-html-"))
    load_before = os.getloadavg()[0]
    try:
        rounds = {"baseline": [], "branch": []}
        for number in range(args.rounds):
            first = number == 0
            rounds["baseline"].append(run_child(baseline, args.runs, html / "base" if first
                                                else None))
            rounds["branch"].append(run_child(ROOT, args.runs, html / "branch" if first
                                              else None))
    finally:
        if temporary is not None:
            subprocess.run([GIT, "worktree", "remove", "--force", str(baseline)],  # noqa: S603
                           cwd=ROOT,
                           capture_output=True)
            shutil.rmtree(temporary, ignore_errors=True)
    load_after = os.getloadavg()[0]

    base_name = (f"HEAD with {', '.join(FAST_MISS_FILES)} from {args.baseline_files}"
                 if args.baseline_files else args.baseline_ref or baseline)
    print(f"baseline {commit} ({base_name}), branch {mine} (working tree); "
          f"{args.rounds} rounds × {args.runs} misses per page; load average "
          f"{load_before:.1f} → {load_after:.1f} on {os.cpu_count()} cores")
    print("Page output, baseline vs branch (nonce and CSRF token taken out):")
    comparison = compare_pages(html / "base", html / "branch")
    print("\n".join(comparison))
    shutil.rmtree(html, ignore_errors=True)

    print(f"\n{'median of cache misses (ms)':34} {'baseline':>9} {'branch':>9} {'ratio':>7}")
    for name in rounds["branch"][0]["timings"]:
        base = statistics.median(t for r in rounds["baseline"] for t in r["timings"][name])
        ours = statistics.median(t for r in rounds["branch"] for t in r["timings"][name])
        target = f"  target ≤ {TARGET_MS} ms" if name.startswith("map full") else ""
        print(f"{name:34} {base:9.1f} {ours:9.1f} {base / ours:6.2f}×{target}")

    print(f"\n{'page weight (KB, HTML + assets)':34} {'baseline':>9} {'branch':>9} {'ratio':>7}")
    for factor, base in rounds["baseline"][0]["weights"].items():
        ours = rounds["branch"][0]["weights"][factor]
        for page in ("map", "lcpa"):
            label = f"{page} page, {factor} providers" + (
                f" ({ours['lcpa_slug']})" if page == "lcpa" else "")
            target = f"  target ≤ {TARGET_KB} KB" if factor != "1x" else ""
            print(f"{label:34} {base[page]['total'] / 1024:9.0f} {ours[page]['total'] / 1024:9.0f}"
                  f" {base[page]['total'] / ours[page]['total']:6.2f}×{target}"
                  f"   (HTML {base[page]['html'] / 1024:.0f} → {ours[page]['html'] / 1024:.0f})")
        print(f"{'':34} {ours['sites']} sites, {ours['offers']} offers")


if __name__ == "__main__":
    main()
