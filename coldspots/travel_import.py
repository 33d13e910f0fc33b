"""Import an externally computed travel-time matrix (r5py, TravelTime, DfT journey-time tables).

CSV columns: area_code, site_id or urn (either column; a row needs one of them), mode ("pt",
"car" or "walk"), minutes. A URN names the provider's main site. The import is all-or-nothing:
every bad row is reported by file, line and field, and nothing is written unless every row is
good. Rows for a pair and mode that already has a time replace it.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from areas import history
from areas.models import Area
from coldspots.models import TravelMode, TravelTime
from coldspots.signals import bump_data_version
from providers.models import Site

REQUIRED = ("area_code", "mode", "minutes")
MAX_MINUTES = 24 * 60


class TravelTimeImportError(Exception):
    """Raised with every problem found; `problems` holds one message per bad field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    """How many journey times an import created and updated."""

    created: int
    updated: int


def import_travel_times(path: str | Path, source: str = "") -> ImportSummary:
    """Validate every row of the CSV at `path`, then write all of them or none."""
    path = Path(path)
    name = path.name
    limit = TravelTime._meta.get_field("source").max_length
    if len(source) > limit:
        raise TravelTimeImportError([f"source: at most {limit} characters ({len(source)} given)."])
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise TravelTimeImportError([f"{name}: cannot open the file ({error.strerror})."]) from None
    try:
        with handle:
            rows = _read_rows(handle, name)
    except UnicodeDecodeError as error:
        raise TravelTimeImportError([
            f"{name}: not UTF-8 text (byte {error.object[error.start]:#04x}); save it as UTF-8."
        ]) from None
    except csv.Error as error:
        raise TravelTimeImportError([f"{name}: not a readable CSV file ({error})."]) from None
    return _write(rows, source or name[:limit])


def _read_rows(handle, name: str) -> dict[tuple[int, int, str], float]:
    """Every row checked; the journey times by (area id, site id, mode), or TravelTimeImportError
    listing every problem."""
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        raise TravelTimeImportError([f"{name}: the file is empty (no header line)."])
    header = [h.strip() for h in reader.fieldnames]
    reader.fieldnames = header
    missing = [column for column in REQUIRED if column not in header]
    if "site_id" not in header and "urn" not in header:
        missing.append("site_id or urn")
    if missing:
        raise TravelTimeImportError(
            [f"{name}, line 1: missing column(s): {', '.join(missing)}."]
        )
    areas = dict(Area.objects.values_list("code", "id"))
    sites = set(Site.objects.values_list("id", flat=True))
    main_site: dict[int, int] = {}
    for site_id, urn in Site.objects.filter(provider__urn__isnull=False).order_by(
        "-is_main", "id"
    ).values_list("id", "provider__urn"):
        main_site.setdefault(urn, site_id)
    modes = set(TravelMode.values)
    problems: list[str] = []
    rows: dict[tuple[int, int, str], float] = {}
    seen_line: dict[tuple[int, int, str], int] = {}
    for row in reader:
        line = reader.line_num
        where = f"{name}, line {line}"
        bad = len(problems)
        code = (row.get("area_code") or "").strip()
        area_id = areas.get(code)
        if not code:
            problems.append(f"{where}, field area_code: empty.")
        elif area_id is None:
            problems.append(f"{where}, field area_code: no small area {code!r}.")
        site_id = None
        raw_site = (row.get("site_id") or "").strip()
        raw_urn = (row.get("urn") or "").strip()
        if raw_site:
            if _whole_number(raw_site) not in sites:
                problems.append(f"{where}, field site_id: no site {raw_site!r}.")
            else:
                site_id = int(raw_site)
        elif raw_urn:
            site_id = main_site.get(_whole_number(raw_urn))
            if site_id is None:
                problems.append(f"{where}, field urn: no provider site with URN {raw_urn!r}.")
        else:
            problems.append(f"{where}, field site_id: give a site_id or a urn.")
        mode = (row.get("mode") or "").strip().lower()
        if mode not in modes:
            problems.append(
                f"{where}, field mode: {mode!r} is not one of {', '.join(sorted(modes))}."
            )
        raw_minutes = (row.get("minutes") or "").strip()
        try:
            minutes = float(raw_minutes)
            if not math.isfinite(minutes) or not 0 <= minutes <= MAX_MINUTES:
                raise ValueError
        except ValueError:
            problems.append(
                f"{where}, field minutes: {raw_minutes!r} is not a number of minutes "
                f"from 0 to {MAX_MINUTES}."
            )
            minutes = None
        if len(problems) == bad:
            key = (area_id, site_id, mode)
            if key in rows:
                problems.append(
                    f"{where}, field minutes: repeats the pair on line {seen_line[key]}."
                )
            else:
                rows[key] = minutes
                seen_line[key] = line
    if not problems and not rows:
        problems.append(f"{name}: no journey times below the header line.")
    if problems:
        raise TravelTimeImportError(problems)
    return rows


def _whole_number(text: str) -> int | None:
    """The integer an id or URN column holds, or None ("12a", "²", "1.5" are not ids)."""
    return int(text) if text.isascii() and text.isdigit() else None


def _write(rows: dict[tuple[int, int, str], float], source: str) -> ImportSummary:
    with transaction.atomic():
        existing = {
            (t.area_id, t.site_id, t.mode): t
            for t in TravelTime.objects.filter(
                area_id__in={k[0] for k in rows}, site_id__in={k[1] for k in rows}
            )
        }
        to_update, to_create = [], []
        for (area_id, site_id, mode), minutes in rows.items():
            current = existing.get((area_id, site_id, mode))
            if current is None:
                to_create.append(TravelTime(area_id=area_id, site_id=site_id, mode=mode,
                                            minutes=minutes, source=source))
            else:
                current.minutes, current.source = minutes, source
                to_update.append(current)
        # With history: who and why come from the caller's history.recorded_as block.
        history.bulk_create(TravelTime, to_create, batch_size=5000)
        history.bulk_update(TravelTime, to_update, ["minutes", "source"], batch_size=5000)
        # Bulk writes skip the save signals, so mark the data as changed here.
        bump_data_version()
    return ImportSummary(created=len(to_create), updated=len(to_update))
