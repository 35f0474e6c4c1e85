from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        # The audit log listens to Django's, axes's and the permission models' signals: the one
        # place every sign-in and every permission change passes through, whichever screen or
        # command caused it (see security/receivers.py).
        from security import receivers  # noqa: F401
