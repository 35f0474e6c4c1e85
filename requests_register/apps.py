from django.apps import AppConfig


class RequestsRegisterConfig(AppConfig):
    """The single electronic register (Cumbria protocol 6.1.2): built in a later issue."""

    name = "requests_register"
    verbose_name = "Requests register"
