"""Who a signed-in person acts for: a board champion's remit, an LCPA lead's LCPA, a provider
contact's provider (or a trust's several providers).

Roles themselves are Django groups (accounts/roles.py). Users and groups are tracked with
django-simple-history too, so a change of role or of scope shows who made it.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from areas.models import Region
from coldspots.models import BoardAction
from providers.models import Provider


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="leads",
        verbose_name="LCPA", help_text="For an LCPA lead: the LCPA whose actions they record.",
    )
    remit = models.CharField(
        max_length=20, choices=BoardAction.Remit.choices, blank=True,
        help_text="For a board champion: the remit whose actions they record.",
    )
    providers = models.ManyToManyField(
        Provider, blank=True, related_name="contacts",
        help_text="For a provider contact: the providers whose offer they confirm (one, or a "
        "trust's several).",
    )
    history = HistoricalRecords(m2m_fields=[providers])

    class Meta:
        verbose_name = "remit, LCPA and providers"
        verbose_name_plural = "remit, LCPA and providers"

    def __str__(self):
        return f"{self.user}: {self.get_remit_display() or '–'}, {self.region or '–'}"


# Who was given which role, and when: the membership (groups) is tracked with the user.
register(User, app="accounts", m2m_fields=["groups"], table_name="accounts_historicaluser")
register(Group, app="accounts", table_name="accounts_historicalgroup")
