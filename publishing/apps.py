from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Anonymisation, review and the public election page: built in a later issue.

    Listed last in INSTALLED_APPS: staff role groups are synced after its post_migrate, when
    every app's permissions exist (election_protocol.apps).
    """

    name = "publishing"
