"""Priority sectors: seeded with the Kent & Medway LSIP's five, checked names, history, and a
change that reaches the analysis (data version and the frame)."""

import pytest
from django.core.exceptions import ValidationError

from coldspots.frames import priority_sectors_frame
from coldspots.models import PrioritySector
from coldspots.signals import data_version

pytestmark = pytest.mark.django_db

LSIP_FIVE = {"Manufacturing and engineering", "Construction", "Fresh food and food production",
             "Education", "Health and social care"}


def test_the_migration_seeds_the_lsip_priority_sectors_with_their_source():
    """The five LSIP sectors are there, in order, citing the LSIP, each with a history entry."""
    sectors = list(PrioritySector.objects.all())
    assert {s.name for s in sectors} >= LSIP_FIVE
    seeded = [s for s in sectors if s.name in LSIP_FIVE]
    assert all("Local Skills Improvement Plan" in s.source_note or "LSIP" in s.source_note
               for s in seeded)
    assert all(s.history.count() >= 1 for s in seeded)
    for sector in seeded:
        sector.full_clean()  # the seeded names are all known areas and routes


def test_unknown_areas_and_routes_are_refused_with_a_message():
    """An area or route that is not in the vocabulary is named in the field's error."""
    sector = PrioritySector(name="Space", ssa_areas="Rocketry\nDigital Technology",
                            tlevel_routes="Astronautics")
    with pytest.raises(ValidationError) as error:
        sector.full_clean()
    assert "Rocketry" in str(error.value.message_dict["ssa_areas"])
    assert "Astronautics" in str(error.value.message_dict["tlevel_routes"])
    with pytest.raises(ValidationError):
        PrioritySector(name="Empty").full_clean()


def test_names_are_stored_in_the_published_spelling():
    """Case and spaces do not matter: clean() stores the published names."""
    sector = PrioritySector(name="Digital", ssa_areas="  digital technology \n",
                            tlevel_routes="DIGITAL")
    sector.full_clean()
    assert sector.ssa_areas == "Digital Technology"
    assert sector.tlevel_routes == "Digital"


def test_an_officers_change_reaches_the_analysis():
    """Saving a sector changes the data version and the frame the analysis reads."""
    before = data_version()
    sector = PrioritySector.objects.get(name="Construction")
    sector.tlevel_routes = "Construction\nEngineering and manufacturing"
    sector.save()
    assert data_version() != before
    frame = priority_sectors_frame().set_index("name")
    assert frame.loc["Construction", "routes"] == ("Construction",
                                                   "Engineering and manufacturing")
    assert sector.history.count() >= 2
