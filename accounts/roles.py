"""The four roles, as Django groups, and the model permissions each one holds.

The roles are defined here, in code, and written to the database by a data migration and again
after every `migrate` (so a model added later gets its permissions, and a hand edit of a role's
permissions in the admin is put back). Object-level limits (a champion's remit, an LCPA lead's
own LCPA) are rules on top of these, in accounts/rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable

OFFICER = "KCC officer"
CHAMPION = "Board champion"
LEAD = "LCPA lead"
CONTACT = "Provider contact"
ROLES = (OFFICER, CHAMPION, LEAD, CONTACT)

EVERY_ACTION = ("add", "change", "delete", "view")

# Officers keep the records right: everything in these apps (imports need add/change, exports
# view). Settings models added to coldspots later (thresholds, priority sectors) are theirs too.
OFFICER_APPS = ("areas", "providers", "offerround")
# coldspots models that are not officers' records to edit by hand: board actions belong to the
# board, travel times come in by `import_travel_times`, the data version is bookkeeping.
# Saved what-if scenarios are the board's too: officers run and read them.
OFFICER_COLDSPOTS_READ_ONLY = {"boardaction", "traveltime", "savedscenario"}
OFFICER_COLDSPOTS_NONE = {"dataversion"}

# The board's roles record actions (their remit or LCPA is checked per object) and may look up
# the LCPAs and small areas an action is about.
BOARD_PERMISSIONS = {
    ("coldspots", "boardaction"): ("add", "change", "view"),
    # Saving a what-if scenario (attaching it is checked against the action: change_boardaction).
    ("coldspots", "savedscenario"): ("add", "view"),
    ("areas", "region"): ("view",),
    ("areas", "area"): ("view",),
}

# A provider contact confirms their own providers' offers in the yearly round (offerround); which
# providers are theirs is the profile's `providers`, checked per record by offerround/rules.py.
# They hold no permission on the records themselves and do not use the admin.
CONTACT_PERMISSIONS = {
    ("offerround", "submission"): ("change", "view"),
    ("offerround", "submittedoffer"): ("add", "change", "view"),
}

# Champions read the priority sectors their skills report is measured against (officers keep
# them); a lead's page does not need them.
CHAMPION_PERMISSIONS = {
    ("coldspots", "prioritysector"): ("view",),
}


def _tracked(model) -> bool:
    # simple-history's Historical* models are read through their record's history pages.
    return not model._meta.model_name.startswith("historical") and not model._meta.proxy


def role_permissions(models: Iterable) -> dict[str, set[tuple[str, str]]]:
    """(app_label, codename) pairs for each role, given every model that exists now."""
    officer: set[tuple[str, str]] = set()
    for model in filter(_tracked, models):
        app, name = model._meta.app_label, model._meta.model_name
        if app in OFFICER_APPS:
            officer |= {(app, f"{action}_{name}") for action in EVERY_ACTION}
        elif app == "coldspots" and name in OFFICER_COLDSPOTS_READ_ONLY:
            officer.add((app, f"view_{name}"))
        elif app == "coldspots" and name not in OFFICER_COLDSPOTS_NONE:
            officer |= {(app, f"{action}_{name}") for action in EVERY_ACTION}
    board = {
        (app, f"{action}_{name}")
        for (app, name), actions in BOARD_PERMISSIONS.items()
        for action in actions
    }
    champion = board | {
        (app, f"{action}_{name}")
        for (app, name), actions in CHAMPION_PERMISSIONS.items()
        for action in actions
    }
    contact = {
        (app, f"{action}_{name}")
        for (app, name), actions in CONTACT_PERMISSIONS.items()
        for action in actions
    }
    return {OFFICER: officer, CHAMPION: champion, LEAD: set(board), CONTACT: contact}


def sync_role_groups(apps, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions (usable in a migration)."""
    from django.contrib.auth.management import create_permissions

    # In a fresh database the permissions are created only after every migration has run.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # a migration's stub has none
        try:
            create_permissions(app_config, verbosity=0, apps=apps, using=using)
        finally:
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = role_permissions(apps.get_models())
    for role, pairs in wanted.items():
        group, created = Group.objects.using(using).get_or_create(name=role)
        if created:
            _record_creation(apps, group, using)
        apps_needed = {app for app, _ in pairs}
        available = {
            (p.content_type.app_label, p.codename): p
            for p in Permission.objects.using(using)
            .filter(content_type__app_label__in=apps_needed)
            .select_related("content_type")
        }
        group.permissions.set([available[pair] for pair in sorted(pairs) if pair in available])


def _record_creation(apps, group, using: str) -> None:
    # A group made here, not through save() with history, still gets its starting entry.
    from django.utils import timezone

    HistoricalGroup = apps.get_model("accounts", "HistoricalGroup")
    HistoricalGroup.objects.using(using).create(
        id=group.pk, name=group.name, history_date=timezone.now(), history_type="+",
        history_change_reason="Role created by the accounts migration",
    )


def sync_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """post_migrate: keep the role groups in step with the models (runs once per migrate)."""
    if sender.name != "accounts" or apps is None:
        return
    # The migration state's apps name each app by its label ("auth"), so is_installed(
    # "django.contrib.auth") is always false there: ask for the model instead.
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    sync_role_groups(apps, using=using)
