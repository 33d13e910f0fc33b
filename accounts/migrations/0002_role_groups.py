"""Create the three role groups with their permissions (defined in accounts/roles.py)."""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from accounts.roles import sync_role_groups

    sync_role_groups(apps, using=schema_editor.connection.alias)


def remove_role_groups(apps, schema_editor):
    from accounts.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        # Pinned, not "__latest__": a later migration in these apps must not make databases
        # migrated before it inconsistent. These are the apps' latest migrations when this one
        # was written; roles for models added since are synced after every migrate
        # (accounts.roles.sync_after_migrate).
        ("areas", "0002_area_ward_code_historicalarea_ward_code"),
        ("providers", "0004_provider_years_sources_granularity_apprenticeships"),
        ("coldspots", "0003_choice_thresholds"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
