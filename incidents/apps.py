from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    """Incidents and decisions of the pre-election period (issue 12)."""

    name = "incidents"
