"""The report's permission, and nothing else: the report stores no data of its own.

Django keeps permissions per model, so an unmanaged model with no table carries the one the
roles need (election_protocol.roles): no table is created and nothing ever queries it.
"""

from __future__ import annotations

from django.db import models


class EqualTreatmentReport(models.Model):
    """Holds the permission to read the equal-treatment report (reports.permissions)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "view_equal_treatment_report",
                "Can read the equal-treatment report (staff-only figures per candidate)",
            )
        ]

    def __str__(self) -> str:
        return "Equal-treatment report"
