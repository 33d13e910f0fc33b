from django.apps import AppConfig


class OfferroundConfig(AppConfig):
    name = "offerround"
    verbose_name = "Yearly offer round"
