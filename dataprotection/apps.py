from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """Retention of personal data after the poll, legal holds and subject access (issue 7)."""

    name = "dataprotection"
    verbose_name = "Data protection"
