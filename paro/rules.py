"""Pure rules of PARO consultations. No ORM, no clock."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

# What a consultation may be recorded on, by the name used in its address.
KINDS = ("entry", "booking", "incident")


class ConsultationError(ValueError):
    """The consultation cannot be recorded; the message says what to fix."""


def check_consultation(
    *, consulted_at: datetime, now: datetime, consulted_by: str, question: str
) -> None:
    """Raise ConsultationError unless the record is complete: who consulted the PARO and what
    was asked (Leicestershire: guidance sought from the PARO is recorded; Cumbria 11.5: clear
    records of all dealings), at a time not in the future. The guidance may follow later."""
    if not consulted_by.strip():
        raise ConsultationError(_("Say who consulted the PARO."))
    if not question.strip():
        raise ConsultationError(_("Say what the PARO was asked."))
    if consulted_at > now:
        raise ConsultationError(_("The consultation cannot be in the future."))
