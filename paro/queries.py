"""Reads of PARO consultations."""

from __future__ import annotations

from django.db.models import QuerySet

from paro.models import ParoConsultation


def consultations_on(target) -> QuerySet[ParoConsultation]:
    """Return the PARO consultations recorded on `target` (entry, booking or incident)."""
    kind = type(target)._meta.model_name
    return ParoConsultation.objects.filter(**{kind: target}).order_by("consulted_at", "pk")
