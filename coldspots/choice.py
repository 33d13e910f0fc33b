"""The choice rule: open access, the three states, and the other provision within reach.

The rule and its defaults are documented in `coldspots.params` ("The choice rule", "Open
access"). Everything here is a pure function of frames and parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coldspots.analysis import AP_KINDS, SPECIALIST_KINDS
from coldspots.params import (
    ACCESS_LABELS,
    ALTERNATIVE,
    INDEPENDENT,
    OPEN,
    OPTIONAL_ACCESS,
    SELECTIVE,
    SPECIALIST,
    AnalysisParams,
)

INDEPENDENT_KINDS = ("independent_school",)

NO_CHOICE, REDUCED_CHOICE, CHOICE, PARTIAL_DATA = (
    "no_choice", "reduced_choice", "choice", "partial_data")
STATES = (NO_CHOICE, REDUCED_CHOICE, CHOICE, PARTIAL_DATA)
STATE_LABELS = {
    NO_CHOICE: "No choice",
    REDUCED_CHOICE: "Reduced choice",
    CHOICE: "Choice",
    PARTIAL_DATA: "Partial data",
}
STATE_ARRAY = pd.array(list(STATES), dtype="str")


def site_access(sites: pd.DataFrame) -> np.ndarray:
    """The access class of each site's provider (see params, "Open access"), by site position.

    Specialist wins over the rest (a special school is specialist, whatever its admissions),
    then alternative provision, independent (fee-paying) and selective.
    """
    n = len(sites)
    kind = sites["provider_kind"].to_numpy() if n else np.array([], dtype=object)
    specialist = np.isin(kind, SPECIALIST_KINDS)
    if "specialist_send" in sites:
        specialist |= sites["specialist_send"].to_numpy(dtype=bool)
    policy = (sites["admissions_policy"].to_numpy() if "admissions_policy" in sites
              else np.full(n, "", dtype=object))
    access = np.full(n, OPEN, dtype=object)
    access[policy == "selective"] = SELECTIVE
    access[np.isin(kind, INDEPENDENT_KINDS)] = INDEPENDENT
    access[np.isin(kind, AP_KINDS)] = ALTERNATIVE
    access[specialist] = SPECIALIST
    return access


def offer_access(offers: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    """The access class of each offer (offers with site_pos): its site's, except that an offer
    requiring an EHCP is specialist wherever it is taught."""
    access = site_access(sites)
    per_offer = access[offers["site_pos"].to_numpy(dtype=np.int64)] if len(offers) else (
        np.array([], dtype=object))
    per_offer = per_offer.copy()
    per_offer[offers["ehcp_required"].to_numpy(dtype=bool)] = SPECIALIST
    return per_offer


def counted_access(params: AnalysisParams) -> tuple[str, ...]:
    """The access classes a request counts as choice: open access plus its `include_access`."""
    return (OPEN, *(a for a in OPTIONAL_ACCESS if a in params.include_access))


def states(
    providers: np.ndarray, nearest_minutes: np.ndarray, measured: np.ndarray,
    params: AnalysisParams,
) -> np.ndarray:
    """The state code (index into STATES) of each cell.

    providers: counted providers within the travel time (NA/NaN read as 0); nearest_minutes:
    minutes to the nearest counted offer (NaN = none anywhere); measured: whether the cell's
    level is measured (else PARTIAL_DATA).
    """
    providers = np.nan_to_num(np.asarray(providers, dtype=float))
    nearest = np.asarray(nearest_minutes, dtype=float)
    far = np.isnan(nearest) | (nearest > params.max_nearest_minutes)
    code = np.where(providers <= 0, 0,
                    np.where((providers < params.min_providers) | far, 1, 2))
    return np.where(np.asarray(measured, dtype=bool), code, 3)


def rule_text(params: AnalysisParams) -> str:
    """The rule in the words pages use, with the values in force."""
    return (
        f"No choice: no open-access provider within {params.minutes} minutes. Reduced choice: "
        f"fewer than {params.min_providers} open-access providers within {params.minutes} "
        f"minutes, or the nearest more than {params.max_nearest_minutes} minutes away. "
        "Partial data: the level is not fully recorded for the year, so no verdict is given."
    )


def reason_text(
    state: str, providers, minutes: int, nearest_name: str, nearest_minutes,
    others: dict[str, int] | None = None, counted: str = "open-access",
    params: AnalysisParams | None = None,
) -> str:
    """"N open-access providers within T minutes; nearest: NAME, X minutes" and the state,
    then any other provision within reach ("plus 2 selective, 1 independent"); with `params`,
    a reduced choice also says which part of the rule it failed."""
    count = 0 if providers is None or pd.isna(providers) else int(providers)
    text = f"{count} {counted} provider{'' if count == 1 else 's'} within {minutes} minutes"
    if nearest_name and nearest_minutes is not None and not pd.isna(nearest_minutes):
        text += f"; nearest: {nearest_name}, {float(nearest_minutes):.0f} minutes"
    else:
        text += "; none recorded anywhere"
    extra = [f"{n} {label}" for label, n in (others or {}).items() if n]
    if extra:
        text += f" (plus {', '.join(extra)} within reach)"
    if state == PARTIAL_DATA:
        return (f"{STATE_LABELS[state]}, no verdict: the level is not fully recorded for the "
                f"year. Recorded: {text}.")
    if state == REDUCED_CHOICE and params is not None:
        failed = []
        if count < params.min_providers:
            failed.append(f"fewer than {params.min_providers} providers")
        if nearest_minutes is not None and not pd.isna(nearest_minutes) and (
                float(nearest_minutes) > params.max_nearest_minutes):
            failed.append(f"nearest more than {params.max_nearest_minutes} minutes away")
        if failed:
            text += " — " + " and ".join(failed)
    return f"{STATE_LABELS[state]}: {text}."


def point_choice(
    easting: float, northing: float, sites: pd.DataFrame, offers: pd.DataFrame,
    params: AnalysisParams, measured: dict[str, bool], levels: tuple[str, ...],
    options_per_level: int = 3,
) -> list[dict]:
    """The choice state at each level for one point (a postcode or a sector's centroid), by
    the distance estimate, with the nearest counted options.

    offers: the selected active offers of the year (site_pos); measured: level -> measured.
    Each item: level, state, providers (counted within the travel time), nearest_name,
    nearest_minutes (None = none anywhere), others ({class label: providers within reach}),
    reason (the sentence pages show), options (up to `options_per_level` nearest counted sites:
    provider_name, provider_urn, site_name, minutes, within_reach, latitude, longitude).
    """
    from coldspots.travel import minutes_from_point

    minutes = minutes_from_point(easting, northing, sites, params.assumptions())
    access = offer_access(offers, sites)
    counted = np.isin(access, counted_access(params))
    site_pos = offers["site_pos"].to_numpy(dtype=np.int64)
    provider = sites["provider_id"].to_numpy()
    level_of = offers["level"].to_numpy()
    within = minutes <= params.minutes
    out = []
    for level in levels:
        at_level = level_of == level
        mine = np.unique(site_pos[at_level & counted])
        order = mine[np.lexsort((mine, minutes[mine]))] if len(mine) else mine
        n_providers = len(np.unique(provider[mine[within[mine]]])) if len(mine) else 0
        nearest = order[0] if len(order) else None
        others = {}
        for name in (SELECTIVE, INDEPENDENT, SPECIALIST):
            if name in counted_access(params):
                continue
            theirs = np.unique(site_pos[at_level & (access == name)])
            others[ACCESS_LABELS[name]] = len(np.unique(provider[theirs[within[theirs]]])) if (
                len(theirs)) else 0
        state = STATES[int(states(np.array([n_providers]), np.array(
            [np.nan if nearest is None else minutes[nearest]]),
            np.array([measured.get(level, False)]), params)[0])]
        nearest_name = "" if nearest is None else str(sites["provider_name"].iloc[nearest])
        nearest_minutes = None if nearest is None else float(minutes[nearest])
        options = []
        seen = set()
        for pos in order:
            if provider[pos] in seen:
                continue
            seen.add(provider[pos])
            site = sites.iloc[int(pos)]
            urn = site["provider_urn"]
            options.append({
                "provider_name": site["provider_name"], "site_name": site["site_name"],
                "provider_urn": None if pd.isna(urn) else int(urn),
                "minutes": float(minutes[pos]), "within_reach": bool(within[pos]),
                "latitude": float(site["latitude"]), "longitude": float(site["longitude"]),
            })
            if len(options) == options_per_level:
                break
        out.append({
            "level": level, "state": state, "providers": n_providers,
            "nearest_name": nearest_name, "nearest_minutes": nearest_minutes,
            "others": others, "options": options,
            "reason": reason_text(state, n_providers, params.minutes, nearest_name,
                                  nearest_minutes, others, params=params),
        })
    return out
