"""Server time and page weight of the map page, its htmx fragment and an LCPA page.

Run against a database holding the Kent fixture (`python manage.py load_kent`):

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/pages.py [--runs 20]

It requests each page in-process through Django's test client (no network, no browser), first
once with an empty cache ("cold": the analysis and the map are computed) and then `--runs` times
more ("warm": served from the cache, as for everyone after the first visitor), and prints the
median and slowest warm times. Page weight is the uncompressed HTML plus every stylesheet,
script and image the page names, read from the static files (the figures a browser downloads on
a first visit). Targets (issue 5): median warm time ≤ 150 ms, page weight ≤ 800 KB.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kent_offer.test_settings")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from areas.models import Region  # noqa: E402
from providers.models import Course  # noqa: E402

TARGET_MS = 150
TARGET_KB = 800
# Leaflet draws these for markers; they are named in its CSS/JS, not in the page.
MARKER_IMAGES = ["vendor/leaflet/images/marker-icon.png",
                 "vendor/leaflet/images/marker-shadow.png"]


def timed_get(client: Client, url: str, **headers) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, response.content


def assets_of(html: str) -> list[str]:
    """Static files named by the page's <script src> and <link rel="stylesheet" href>."""
    names = re.findall(r'<script[^>]+src="/static/([^"]+)"', html)
    names += re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)
    names += re.findall(r'from "/static/([^"]+)"', html)  # the GOV.UK Frontend module import
    return names


def weight(html: bytes, with_markers: bool) -> tuple[int, list[tuple[str, int]]]:
    text = html.decode()
    files = assets_of(text) + (MARKER_IMAGES if with_markers else [])
    sizes = []
    for name in files:
        path = finders.find(name)
        if path is None:
            raise SystemExit(f"static file {name} named by the page was not found")
        sizes.append((name, Path(path).stat().st_size))
    return len(html) + sum(size for _, size in sizes), sizes


def measure(client: Client, label: str, url: str, runs: int, **headers) -> dict:
    cache.clear()
    cold, body = timed_get(client, url, **headers)
    warm = [timed_get(client, url, **headers)[0] for _ in range(runs)]
    return {"label": label, "url": url, "cold": cold, "median": statistics.median(warm),
            "max": max(warm), "html": len(body), "body": body}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm requests per page")
    args = parser.parse_args()

    if not Course.objects.exists() or not Region.objects.exists():
        raise SystemExit("No Kent data: run `python manage.py load_kent` on this database first.")
    region = Region.objects.order_by("name").first()
    client = Client()
    pages = [
        measure(client, "map page, all of Kent", "/", args.runs),
        measure(client, "map fragment (htmx), Level 3", "/?level=3", args.runs,
                HTTP_HX_REQUEST="true"),
        measure(client, "map page with small-area cold spots", "/?cold_areas=1", args.runs),
        measure(client, f"LCPA page, {region.name}", f"/lcpa/{region.slug}/", args.runs),
    ]
    print(f"{Course.objects.count()} courses, database {django.db.connection.vendor}, "
          f"{args.runs} warm runs each\n")
    print(f"{'page':42} {'cold ms':>8} {'median ms':>10} {'max ms':>8} {'HTML KB':>8}")
    for page in pages:
        print(f"{page['label']:42} {page['cold']:8.0f} {page['median']:10.1f} {page['max']:8.0f} "
              f"{page['html'] / 1024:8.1f}")
    print()
    for page in pages:
        if page["label"].startswith("map fragment"):
            continue
        total, files = weight(page["body"], with_markers=True)
        verdict = "within" if total <= TARGET_KB * 1024 else "OVER"
        print(f"Page weight, {page['label']}: {total / 1024:.0f} KB uncompressed "
              f"({verdict} the {TARGET_KB} KB target)")
        print(f"  HTML {page['html'] / 1024:.0f} KB; "
              + "; ".join(f"{name.split('/')[-1]} {size / 1024:.0f} KB" for name, size in files))
    slowest = max(page["median"] for page in pages)
    print(f"\nSlowest warm median: {slowest:.1f} ms "
          f"({'within' if slowest <= TARGET_MS else 'OVER'} the {TARGET_MS} ms target)")


if __name__ == "__main__":
    main()
