"""Idempotent bulk upserts: insert what is new, update what changed, leave the rest alone.

Bulk writes skip model save(), so they write django-simple-history's entries through
areas.history (who and why come from the load's `history.recorded_as` block).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from areas import history

BATCH_SIZE = 2000


@dataclass
class UpsertCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class LoadSummary:
    """What a load did, per model, in load order."""

    counts: dict[str, UpsertCount] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(count.changed for count in self.counts.values())

    def lines(self) -> list[str]:
        width = max((len(name) for name in self.counts), default=0)
        return [f"{name.ljust(width)}  {count}" for name, count in self.counts.items()]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def upsert(
    model,
    rows: Sequence[dict],
    key: Callable[[dict], tuple],
    existing: Iterable,
    existing_key: Callable[[object], tuple],
    *,
    label: str,
    progress_file=None,
) -> tuple[UpsertCount, dict[tuple, object]]:
    """Create or update `model` rows so that they hold `rows` (dicts of field attname → value).

    `existing` are the model instances already stored that may match; rows are matched on
    key(row) == existing_key(instance). Returns the counts and a key → instance map of every row.
    """
    by_key = {existing_key(obj): obj for obj in existing}
    to_create, to_update = [], []
    changed_fields: set[str] = set()
    count = UpsertCount()
    for row in rows:
        obj = by_key.get(key(row))
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
            by_key[key(row)] = obj
            continue
        differs = [name for name, value in row.items() if not _same(getattr(obj, name), value)]
        if differs:
            for name in differs:
                setattr(obj, name, row[name])
            changed_fields.update(differs)
            to_update.append(obj)
        else:
            count.unchanged += 1
    total = len(to_create) + len(to_update)
    with tqdm(
        total=total, desc=label, unit="row", file=progress_file,
        disable=progress_file is None or total < BATCH_SIZE,
        leave=False,
    ) as bar:
        for start in range(0, len(to_create), BATCH_SIZE):
            batch = to_create[start : start + BATCH_SIZE]
            history.bulk_create(model, batch, batch_size=BATCH_SIZE)
            bar.update(len(batch))
        for start in range(0, len(to_update), BATCH_SIZE):
            batch = to_update[start : start + BATCH_SIZE]
            history.bulk_update(model, batch, sorted(changed_fields), batch_size=500)
            bar.update(len(batch))
    count.created, count.updated = len(to_create), len(to_update)
    return count, by_key
