"""The one funnel of PARO consultations (issue 13)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from paro import rules
from paro.models import ParoConsultation


@transaction.atomic
def record_consultation(
    target,
    *,
    consulted_at: datetime,
    consulted_by: str,
    paro_contact: str,
    question: str,
    guidance: str,
    by,
    now: datetime | None = None,
) -> ParoConsultation:
    """Record that the PARO was consulted about `target` (a register Entry, a Booking or an
    Incident). Raises rules.ConsultationError (nothing saved) if who or what is missing or the
    time is in the future. Effects: one ParoConsultation row, recorded by `by` at `now`."""
    now = now or timezone.now()
    rules.check_consultation(
        consulted_at=consulted_at, now=now, consulted_by=consulted_by, question=question
    )
    kind = type(target)._meta.model_name
    links = {"entry": None, "booking": None, "incident": None}
    if kind not in links:
        raise TypeError(f"A PARO consultation is not recorded on a {kind}.")
    links[kind] = target
    return ParoConsultation.objects.create(
        election_id=target.election_id,
        consulted_at=consulted_at,
        consulted_by=consulted_by.strip(),
        paro_contact=paro_contact.strip(),
        question=question.strip(),
        guidance=guidance.strip(),
        recorded_by=by,
        recorded_at=now,
        **links,
    )
