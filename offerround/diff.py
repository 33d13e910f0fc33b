"""A submission against the previous year's records: what is added, changed, withdrawn, and
where places go up or down. Pure functions over plain dicts, so a test needs no database."""

from __future__ import annotations

from dataclasses import dataclass, field

# The fields compared, with their words on the page.
COMPARED = {
    "title": "Title", "level": "Level", "qualification_type": "Type", "subject": "Subject",
    "tlevel_route": "T Level route", "site_id": "Site", "places": "Places",
    "min_english_grade": "Minimum English grade", "min_maths_grade": "Minimum maths grade",
    "min_gcse_passes": "Minimum GCSE passes", "ehcp_required": "EHCP required",
}
ADDED, CHANGED, WITHDRAWN, UNCHANGED, UNANSWERED = (
    "added", "changed", "withdrawn", "unchanged", "unanswered")


@dataclass
class Line:
    kind: str
    title: str
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    places_before: int | None = None
    places_after: int | None = None

    @property
    def places_change(self) -> int | None:
        """Places after minus before, when both are known (withdrawn: all before are lost)."""
        if self.kind == WITHDRAWN:
            return -self.places_before if self.places_before is not None else None
        if self.kind == ADDED:
            return self.places_after
        if self.places_before is None or self.places_after is None:
            return None
        return self.places_after - self.places_before


@dataclass
class Diff:
    lines: list[Line]

    def count(self, kind: str) -> int:
        return sum(line.kind == kind for line in self.lines)

    @property
    def places_up(self) -> int:
        return sum(1 for line in self.lines if (line.places_change or 0) > 0
                   and line.kind in (CHANGED, UNCHANGED))

    @property
    def places_down(self) -> int:
        return sum(1 for line in self.lines if (line.places_change or 0) < 0
                   and line.kind in (CHANGED, UNCHANGED))

    @property
    def summary(self) -> dict[str, int]:
        return {"added": self.count(ADDED), "changed": self.count(CHANGED),
                "withdrawn": self.count(WITHDRAWN), "unchanged": self.count(UNCHANGED),
                "unanswered": self.count(UNANSWERED), "places_up": self.places_up,
                "places_down": self.places_down}


def compare(offers: list[dict], previous: dict[int, dict]) -> Diff:
    """`offers`: the submission's offers (dicts with action, previous_id and the COMPARED
    fields, and optionally a `label` to name the line by); `previous`: last year's records by
    id (the same fields). An offer's changes are
    the fields that differ from its record, whatever the contact pressed ("confirm" with no
    change is unchanged; "edit" that changed nothing is unchanged too)."""
    lines = []
    for offer in offers:
        before = previous.get(offer.get("previous_id"))
        action = offer.get("action") or ""
        if before is None:
            lines.append(Line(ADDED, offer.get("label", offer["title"]),
                              places_after=offer.get("places")))
            continue
        if action == "withdraw":
            lines.append(Line(WITHDRAWN, before.get("label", before["title"]),
                              places_before=before.get("places")))
            continue
        changes = [(label, before.get(name), offer.get(name)) for name, label in COMPARED.items()
                   if before.get(name) != offer.get(name)]
        kind = UNANSWERED if not action else (CHANGED if changes else UNCHANGED)
        lines.append(Line(kind, offer.get("label", offer["title"]), changes, before.get("places"),
                          offer.get("places")))
    order = {ADDED: 0, CHANGED: 1, WITHDRAWN: 2, UNANSWERED: 3, UNCHANGED: 4}
    return Diff(sorted(lines, key=lambda line: (order[line.kind], line.title)))
