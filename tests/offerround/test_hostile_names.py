"""Hostile provider and offer names reach the round's pages and e-mails as text, never markup
or template source."""

import pytest
from django.core import mail
from django.urls import reverse

from offerround.models import SubmittedOffer

pytestmark = pytest.mark.django_db

SCRIPT, TEMPLATE, FORMULA = "<script>alert(1)</script>", "{{ 7|add:1 }}", '=HYPERLINK("x")'


def test_hostile_names_are_text_on_every_page_and_in_reminders(client, round_world, settings):
    """Each round page shows the names escaped; the e-mail keeps them literally (plain text)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = round_world.submission(0)
    provider = submission.provider
    provider.name = f"{SCRIPT} {TEMPLATE}"
    provider.save()
    SubmittedOffer.objects.create(submission=submission, title=f"{FORMULA} {SCRIPT}", level="3",
                                  qualification_type="a_level", action="new")
    submission.offers.update(action="confirm")
    pages = {
        "college": [reverse("offerround:index"),
                    reverse("offerround:submission", args=[submission.pk])],
        "officer": [reverse("offerround:progress", args=[round_world.offer_round.pk]),
                    reverse("offerround:reminders", args=[round_world.offer_round.pk]),
                    reverse("offerround:review", args=[submission.pk])],
    }
    for user, urls in pages.items():
        client.force_login(round_world.users[user])
        for page in urls:
            html = client.get(page).content.decode()
            assert "<script>alert(1)</script>" not in html, page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
            assert "{{ 7|add:1 }}" in html and ">8<" not in html, page
    client.post(reverse("offerround:reminders", args=[round_world.offer_round.pk]))
    body = next(m for m in mail.outbox if m.to == ["college@example.org"]).body
    assert f"{SCRIPT} {TEMPLATE}" in body
