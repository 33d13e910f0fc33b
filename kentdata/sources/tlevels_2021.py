"""ESFA T Level provider register (Feb 2021): provider → locations → T Levels by delivery year."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from areas.importers.validation import (
    FrameCheck,
    raise_if_problems,
)

SOURCE_KEY = "tlevels_2021"
SOURCE_YEAR = "2020/21"  # register of February 2021
TLEVEL_PROVIDERS_FILE = "tlevel-providers-2021/providers.json"

TLEVEL_QUALIFICATIONS_FILE = "tlevel-providers-2021/qualifications.json"


def read_tlevels(providers_path: Path, qualifications_path: Path) -> tuple[pd.DataFrame, dict]:
    """One row per provider location × delivery year × T Level, with the T Level names."""
    with open(qualifications_path, encoding="utf-8") as handle:
        names = {int(k): v for k, v in json.load(handle)["qualifications"].items()}
    with open(providers_path, encoding="utf-8") as handle:
        providers = json.load(handle)["providers"]
    rows = []
    for number, provider in enumerate(providers, start=1):
        for location in provider.get("locations", []):
            for delivery in location.get("deliveryYears", []):
                for qualification in delivery.get("qualifications", []):
                    rows.append(
                        {
                            "_line": number,
                            "ukprn": provider.get("ukPrn"),
                            "provider_name": provider.get("name") or "",
                            "location_name": location.get("name") or "",
                            "postcode": location.get("postcode") or "",
                            "latitude": location.get("latitude"),
                            "longitude": location.get("longitude"),
                            "year": delivery.get("year"),
                            "qualification": qualification,
                        }
                    )
    frame = pd.DataFrame(rows)
    check = FrameCheck(frame, providers_path.name, line_label="provider")
    check.numeric("ukprn", low=10_000_000, high=99_999_999)
    check.numeric("year", low=2020, high=2030)
    check.numeric("latitude", low=49, high=61)
    check.numeric("longitude", low=-9, high=2)
    check.references("qualification", [str(k) for k in names], "T Level id")
    raise_if_problems(check)
    frame["qualification"] = frame["qualification"].astype(int)
    return frame, names

