from django.apps import AppConfig


class BriefingsConfig(AppConfig):
    """Organised meetings (Cumbria protocol 8.0-8.6): built in a later issue."""

    name = "briefings"
