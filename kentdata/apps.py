from django.apps import AppConfig


class KentdataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kentdata"
    verbose_name = "Kent public data pipeline"
