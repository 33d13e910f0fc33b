"""Offers confirmed by their provider in the offer round are counted and dated per site and per
table, beside the derived ones, from the records' last_confirmed (pure: hand-built frames)."""

import datetime

import numpy as np
import pandas as pd

from offermap import presenters

DAY = datetime.date(2026, 12, 2)
EARLIER = datetime.date(2026, 11, 20)


def offers(rows):
    """(site_id, level, record_label, last_confirmed) rows as an offers frame."""
    frame = pd.DataFrame(rows, columns=["site_id", "level", "record_label", "last_confirmed"])
    return frame.assign(learners=np.nan, qualification_type="a_level",
                        last_confirmed=pd.to_datetime(frame["last_confirmed"]))


def test_per_site_counts_confirmed_offers_and_their_days():
    """Each site's confirmed offers are counted apart from derived and published ones, with the
    first and last day an officer accepted them; a site with none has 0 and no day."""
    frame = offers([
        (7, "3", "confirmed", DAY), (7, "2", "confirmed", EARLIER), (7, "3", "published", None),
        (9, "3", "derived", None), (9, "3", "published", None),
        (11, "3", "confirmed", None),
    ])
    per_site = presenters._per_site(frame)
    assert per_site["offers"].tolist() == [3, 2, 1]
    assert per_site["confirmed_offers"].tolist() == [2, 0, 1]
    assert per_site["derived_offers"].tolist() == [0, 1, 0]
    assert per_site.loc[7, "confirmed_first"] == EARLIER
    assert per_site.loc[7, "confirmed_last"] == DAY
    assert per_site.loc[9, "confirmed_first"] is None
    # Confirmed, but no day recorded (e.g. labelled by hand): counted, not dated.
    assert per_site.loc[11, "confirmed_last"] is None


def test_a_frame_without_the_day_column_still_counts_confirmed_offers():
    """An offers frame cached before last_confirmed existed counts, and dates nothing."""
    frame = offers([(1, "3", "confirmed", DAY), (1, "3", "published", None)]).drop(
        columns="last_confirmed")
    per_site = presenters._per_site(frame)
    assert per_site.loc[1, "confirmed_offers"] == 1
    assert per_site.loc[1, "confirmed_first"] is None


def test_confirmed_text_says_how_many_and_when():
    """The words the popups and tables use: how many (or all), and the day or the days."""
    assert presenters.confirmed_text(0, 3) == ""
    assert presenters.confirmed_text(2, 3, DAY, DAY) == "2 confirmed by provider (2 Dec 2026)"
    assert presenters.confirmed_text(3, 3, EARLIER, DAY) == (
        "all confirmed by provider (20 Nov 2026 to 2 Dec 2026)")
    assert presenters.confirmed_text(1, 4) == "1 confirmed by provider (date not recorded)"


def test_marker_description_names_derived_and_confirmed_offers():
    """The map popup's line for a site: offers in view, derived, then confirmed with the day."""
    rows = pd.DataFrame([{
        "provider_name": "P", "site_name": "P", "provider_urn": None, "kind": "School sixth form",
        "offers": 3, "derived_offers": 1, "confirmed_offers": 2, "confirmed_first": DAY,
        "confirmed_last": DAY, "levels": "Level 3", "latitude": 51.2, "longitude": 1.1,
    }])
    description = presenters.marker_rows(rows, lambda urn: "")["description"].iloc[0]
    assert description == ("School sixth form. 3 offers in view (Level 3), 1 derived, "
                           "2 confirmed by provider (2 Dec 2026).")


def test_offers_by_level_groups_confirmed_offers():
    """The LCPA's offers-by-level table's per-(level, type) confirmed counts and days."""
    frame = offers([(1, "3", "confirmed", DAY), (2, "3", "confirmed", EARLIER),
                    (1, "2", "published", None)])
    grouped = presenters._confirmed_by(frame, ["level", "qualification_type"])
    assert grouped == {("3", "a_level"): {"confirmed_offers": 2, "confirmed_first": EARLIER,
                                          "confirmed_last": DAY}}
    assert presenters._confirmed_by(frame.iloc[2:], ["level", "qualification_type"]) == {}
