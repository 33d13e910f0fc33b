"""Apprenticeship supply per district: pure functions over the district-level starts records.

The published data places apprenticeship starts in a delivery district, never at a site, and
splits them by level only for South East delivery (provider × level × age). So a district's
supply at a level is derived: a provider counts at Level 2 (or 3) in a district when it started
apprentices there that year and its South East starts that year include Level 2 (or 3); its
district starts are shared out by its South East level mix to estimate starts at that level.
Pages must label these figures "district-level" and the level split "derived".
"""

from __future__ import annotations

import pandas as pd

DELIVERY = "delivery_district"
SOUTH_EAST = "south_east_delivery"
LOW = "low"  # how the dashboard shows 1–4
SUPPLY_COLUMNS = [
    "district_code", "academic_year", "provisional", "providers", "starts",
    "providers_l2", "providers_l3", "starts_l2_derived", "starts_l3_derived",
    "providers_under_19",
]


def published_count(count: int | None) -> str:
    """A count as the dashboard publishes it: nearest 10 (halves up), 1–4 as "low", 0 as "0"."""
    if count is None or pd.isna(count):
        return "Not known"
    count = int(count)
    if count == 0:
        return "0"
    if count < 5:
        return LOW
    return f"{(count + 5) // 10 * 10:,}"


def level_mix(starts: pd.DataFrame) -> pd.DataFrame:
    """Per provider and year, the share of South East starts at Level 2 and Level 3, and whether
    any South East start was under 19. Columns: provider_ukprn, academic_year, share_l2,
    share_l3, under_19."""
    south_east = starts[starts["basis"] == SOUTH_EAST]
    if south_east.empty:
        return pd.DataFrame(
            columns=["provider_ukprn", "academic_year", "share_l2", "share_l3", "under_19"]
        )
    by_level = south_east.pivot_table(
        index=["provider_ukprn", "academic_year"], columns="level", values="starts",
        aggfunc="sum", fill_value=0,
    )
    total = by_level.sum(axis=1)
    mix = pd.DataFrame(
        {
            "share_l2": by_level.get("2", 0) / total,
            "share_l3": by_level.get("3", 0) / total,
        }
    )
    young = south_east[(south_east["age_group"] == "under_19") & (south_east["starts"] > 0)]
    young_keys = set(zip(young["provider_ukprn"], young["academic_year"], strict=True))
    mix["under_19"] = [key in young_keys for key in mix.index]
    return mix.reset_index()


def district_supply(starts: pd.DataFrame) -> pd.DataFrame:
    """Per delivery district and year: providers with starts, total starts (published sums),
    providers offering Level 2 / Level 3 and their derived starts at each level, and providers
    whose South East starts include under-19s.

    `starts`: the starts records (columns provider_ukprn, provider_name, academic_year,
    provisional, basis, district_code, level, age_group, starts). A provider with no UKPRN (some
    2021/22 rows) counts by its name and has no level mix, so it adds to providers and starts
    only.
    """
    delivery = starts[(starts["basis"] == DELIVERY) & (starts["starts"] > 0)].copy()
    if delivery.empty:
        return pd.DataFrame(columns=SUPPLY_COLUMNS)
    delivery["provider_key"] = delivery["provider_ukprn"].where(
        delivery["provider_ukprn"] != "", "name:" + delivery["provider_name"]
    )
    delivery = delivery.merge(
        level_mix(starts), on=["provider_ukprn", "academic_year"], how="left"
    )
    delivery[["share_l2", "share_l3"]] = delivery[["share_l2", "share_l3"]].fillna(0.0)
    delivery["under_19"] = delivery["under_19"].astype("boolean").fillna(False).astype(bool)
    delivery["starts_l2"] = delivery["starts"] * delivery["share_l2"]
    delivery["starts_l3"] = delivery["starts"] * delivery["share_l3"]
    grouped = delivery.groupby(["district_code", "academic_year"])
    out = pd.DataFrame(
        {
            "provisional": grouped["provisional"].any(),
            "providers": grouped["provider_key"].nunique(),
            "starts": grouped["starts"].sum(),
            "providers_l2": grouped.apply(
                lambda g: g.loc[g["share_l2"] > 0, "provider_key"].nunique(), include_groups=False
            ),
            "providers_l3": grouped.apply(
                lambda g: g.loc[g["share_l3"] > 0, "provider_key"].nunique(), include_groups=False
            ),
            "starts_l2_derived": grouped["starts_l2"].sum().round(1),
            "starts_l3_derived": grouped["starts_l3"].sum().round(1),
            "providers_under_19": grouped.apply(
                lambda g: g.loc[g["under_19"], "provider_key"].nunique(), include_groups=False
            ),
        }
    ).reset_index()
    return out[SUPPLY_COLUMNS].sort_values(["district_code", "academic_year"]).reset_index(
        drop=True
    )


def starts_frame(queryset=None) -> pd.DataFrame:
    """The starts records as the frame district_supply() takes (UKPRN as text, "" when none;
    district as its code, "" for South East rows). Default: every record."""
    from providers.models import ApprenticeshipStarts

    queryset = ApprenticeshipStarts.objects.all() if queryset is None else queryset
    rows = list(queryset.values_list(
        "provider_ukprn", "provider_name", "academic_year", "provisional", "basis",
        "district__code", "level", "age_group", "starts",
    ))
    frame = pd.DataFrame(rows, columns=[
        "provider_ukprn", "provider_name", "academic_year", "provisional", "basis",
        "district_code", "level", "age_group", "starts",
    ])
    frame["provider_ukprn"] = [str(u) if u is not None else "" for u in frame["provider_ukprn"]]
    frame["district_code"] = frame["district_code"].fillna("")
    return frame


def district_supply_in_year(academic_year: str) -> pd.DataFrame:
    """district_supply() for one academic year, from the database (what the guarantee's
    apprenticeship part reads: per district, providers and starts at Level 2 and Level 3)."""
    from providers.models import ApprenticeshipStarts

    return district_supply(starts_frame(ApprenticeshipStarts.objects.in_year(academic_year)))
