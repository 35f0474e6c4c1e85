"""A consultation with the Police Area Returning Officer (issue 13): who consulted whom, when,
what was asked and the guidance given, on a register entry, a booking or an incident (exactly
one). Leicestershire: "The OPCC CEO and / or the Chief Constable will seek guidance from the
PARO regarding any activity they believe may interfere with the election"; Avon and Somerset
1.3 and Cumbria 1.3: concerns about the running of the election go to the PARO.

Rows are written only by paro.services.record_consultation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from election_protocol.models import Election, staff_member


def _consulted_about(model: str) -> models.ForeignKey:
    """A link to what the PARO was consulted about: exactly one of the three is set (the
    constraint below); deleting it deletes the consultation."""
    return models.ForeignKey(
        model, on_delete=models.CASCADE, null=True, blank=True, related_name="paro_consultations"
    )


class ParoConsultation(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    entry = _consulted_about("requests_register.Entry")
    booking = _consulted_about("briefings.Booking")
    incident = _consulted_about("incidents.Incident")
    consulted_at = models.DateTimeField(_("when the PARO was consulted"))
    consulted_by = models.CharField(
        _("who consulted the PARO"), max_length=200, help_text=_("For example: the Chief Executive")
    )
    paro_contact = models.CharField(_("who answered for the PARO"), max_length=200, blank=True)
    question = models.TextField(_("what was asked"))
    guidance = models.TextField(_("the PARO's guidance"), blank=True)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["consulted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(entry__isnull=False, booking__isnull=True, incident__isnull=True)
                    | models.Q(entry__isnull=True, booking__isnull=False, incident__isnull=True)
                    | models.Q(entry__isnull=True, booking__isnull=True, incident__isnull=False)
                ),
                name="paro_consultation_on_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"PARO consulted {self.consulted_at:%Y-%m-%d}"
