from django.apps import AppConfig


class OffermapConfig(AppConfig):
    name = "offermap"
    verbose_name = "Offer map"
