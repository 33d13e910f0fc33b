from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import roles

        # Models added after the groups' migration (e.g. a new settings model) get their role
        # permissions at the next migrate, so the roles stay what accounts/roles.py says.
        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="accounts-sync-role-groups")
