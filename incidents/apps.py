from django.apps import AppConfig

from publishing import hooks as publishing_hooks
from requests_register import hooks


class IncidentsConfig(AppConfig):
    """Incidents and decisions of the pre-election period (issue 12)."""

    name = "incidents"

    def ready(self) -> None:
        # The register's daily digest lists open incidents; the public page shows approved
        # statements (requests_register.hooks, publishing.hooks).
        from incidents import providers  # ready(): imports models, loaded only by now
        from incidents.models import Statement  # ready(): models are loaded only by now

        hooks.register_digest_section(
            "incidents", "Incidents, by target:", providers.digest_section, position=10
        )
        publishing_hooks.register_statement_model(Statement)
