"""Reads for the security app."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from election_protocol.permissions import role_names
from election_protocol.queries import current_election
from security import rules
from security.models import AuditEvent


def audit_events() -> QuerySet[AuditEvent]:
    """Return every audit row, newest first. The list shows only the row's own columns."""
    return AuditEvent.objects.order_by("-at", "-pk")


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """Return the user's confirmed TOTP device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_required_for(user: AbstractBaseUser, today: date) -> bool:
    """Return True if the election being worked on at `today` requires `user` to use
    two-factor authentication (security.rules.two_factor_required)."""
    roles = role_names(user)
    if not roles & rules.TWO_FACTOR_ROLES:
        return False  # no need to read the election
    election = current_election(today)
    return rules.two_factor_required(
        roles, bool(election and election.require_two_factor_for_spoc_and_ce)
    )
