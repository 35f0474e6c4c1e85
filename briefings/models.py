"""Organised meetings (Cumbria protocol 8.0-8.6). So far: factual briefing materials."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from election_protocol.models import Election


class BriefingMaterial(models.Model):
    """A factual document or page for all candidates (Cumbria protocol 8.1; Cleveland 6.2).

    A register entry already covered by a published material is answered by pointing to it:
    the candidate is directed to the website (Cumbria 8.1).
    """

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="materials")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    url = models.URLField("public address", help_text="Where the public can read it")
    summary = models.TextField(blank=True)
    published = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title
