"""The close-down of an election after the poll (issue 15, item 3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from election_protocol.models import Election


def _user(**kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        **kwargs,
    )


class Closure(models.Model):
    """What has been done to close an election down, each step with who and when. Written only
    by lifecycle.services; a frozen election is read-only everywhere (lifecycle.middleware)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="closure")
    # Why answers still await publication when the register was frozen (deadlines explained).
    publication_explanation = models.TextField(blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    explained_by = _user()
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = _user()
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = _user()
    archived_version = models.CharField(max_length=80, blank=True)
    report_at = models.DateTimeField(null=True, blank=True)
    report_by = _user()
    report_pdf = models.BinaryField(blank=True, default=b"", editable=False)
    retention_started_at = models.DateTimeField(null=True, blank=True)
    retention_started_by = _user()
    retention_due = models.DateField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["report_pdf"])

    class Meta:
        permissions = [("close_down_election", "Take the close-down steps of an election")]

    def __str__(self) -> str:
        return f"Close-down of {self.election}"
