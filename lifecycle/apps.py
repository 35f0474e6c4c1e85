from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    """The election's whole life (issue 15): choosing among several elections, past ones
    read-only, and closing an election down after the poll."""

    name = "lifecycle"
    verbose_name = "Election lifecycle"

    def ready(self) -> None:
        # A frozen election has no live public site (its archive keeps its page): publishing
        # comes before lifecycle in the dependency order, so lifecycle tells it (a hook).
        from lifecycle.queries import is_frozen  # models are ready only now
        from publishing.site import target  # imports models: ready only now

        if is_frozen not in target.closed_checks:
            target.closed_checks.append(is_frozen)
