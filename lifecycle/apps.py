from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    """The election's whole life (issue 15): choosing among several elections, past ones
    read-only, and closing an election down after the poll."""

    name = "lifecycle"
    verbose_name = "Election lifecycle"
