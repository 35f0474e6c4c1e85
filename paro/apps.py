from django.apps import AppConfig


class ParoConfig(AppConfig):
    """The Police Area Returning Officer in the loop (issue 13): consultations with the PARO
    recorded on any register entry, booking or incident."""

    name = "paro"
    verbose_name = "The PARO"
