from django.apps import AppConfig


class FoiConfig(AppConfig):
    """Freedom of Information requests on the register, as the Act requires (issue 15, item 4)."""

    name = "foi"
    verbose_name = "Freedom of Information"
