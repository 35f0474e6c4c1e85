from django.apps import AppConfig

from requests_register import hooks


class BriefingsConfig(AppConfig):
    """Organised meetings (Cumbria protocol 8.0-8.6): built in a later issue."""

    name = "briefings"

    def ready(self) -> None:
        # The register's approval reminder lists bookings to decide (requests_register.hooks).
        from briefings import providers  # ready(): imports models, loaded only by now

        hooks.register_approval_items("briefings", providers.approval_items, position=10)
