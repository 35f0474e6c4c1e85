from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Anonymisation, review and the public election page: built in a later issue."""

    name = "publishing"
