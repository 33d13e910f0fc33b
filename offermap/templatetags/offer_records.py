"""`confirmed_note`: a table row's offers confirmed by their provider in the offer round, in
words with the day(s), as the map's popups say it (offermap.presenters.confirmed_text)."""

from django import template

from offermap.presenters import confirmed_text

register = template.Library()


@register.filter
def confirmed_note(row: dict, total: str = "offers") -> str:
    """'2 confirmed by provider (2 Dec 2026)' for a row with confirmed_offers, confirmed_first
    and confirmed_last (and its offers under `total`); empty when none is confirmed."""
    return confirmed_text(int(row.get("confirmed_offers") or 0), int(row.get(total) or 0),
                          row.get("confirmed_first"), row.get("confirmed_last"))
