"""Make a fresh database ready to serve: migrate, load Kent's data if empty, create one admin."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from areas import history
from areas.models import Area
from kentdata.load import load_kent


class Command(BaseCommand):
    help = (
        "Migrate; create the cache table; load the Kent extract from fixtures/ when the "
        "database has no areas; and, when there are no user accounts at all, create one local "
        "admin with a random password, printed once."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        # The shared cache's table (a no-op when it exists, or when the cache is Redis).
        call_command("createcachetable", verbosity=0)
        if Area.objects.exists():
            self.stdout.write("Kent data already loaded.")
        else:
            self.stdout.write(f"Loading Kent data from {settings.FIXTURES_DIR} …")
            load_kent(settings.FIXTURES_DIR, stdout=self.stdout)

        user_model = get_user_model()
        # The loader's own system account (areas.history) is not a person who can sign in.
        if user_model.objects.exclude(username=history.SYSTEM_USERNAME).exists():
            return
        password = secrets.token_urlsafe(18)
        user_model.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created the local admin account (shown once; change it after signing in):\n"
                f"  username: admin\n  password: {password}\n"
                "  sign in at http://127.0.0.1:8000/admin/"
            )
        )
