from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    """The office's own protocol as a versioned document, read and acknowledged (issue 15)."""

    name = "protocol"
    verbose_name = "Protocol document"
