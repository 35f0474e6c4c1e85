from django.apps import AppConfig

from requests_register import hooks


class PublishingConfig(AppConfig):
    """Anonymisation, review and the public election page: built in a later issue."""

    name = "publishing"

    def ready(self) -> None:
        # The register's approval reminder and daily digest list public entries to approve and
        # answers to publish (requests_register.hooks).
        from publishing import providers  # ready(): imports models, loaded only by now

        hooks.register_approval_items("publishing", providers.approval_items, position=20)
        hooks.register_digest_section(
            "publishing", "Answers to publish, by target:", providers.digest_section, position=20
        )
