"""The Django project package and the election itself (Election, timetable, phases)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
