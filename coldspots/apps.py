from django.apps import AppConfig


class ColdspotsConfig(AppConfig):
    name = "coldspots"
    verbose_name = "Cold spots and board actions"

    def ready(self):
        from coldspots import signals

        signals.connect()
