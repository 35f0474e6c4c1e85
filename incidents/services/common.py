"""What every incident write shares: the office's settings, the people in a role and the e-mail to
them, the service's access, and the step and save records."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from election_protocol.models import Election
from election_protocol.roles import Role
from election_protocol.services import save_with_history
from incidents import permissions, rules
from incidents.models import (
    Incident,
    IncidentEmail,
    IncidentSettings,
    IncidentStep,
)
from requests_register import outbox

DECIDER_ROLE = {
    rules.Actor.SPOC: Role.SPOC,
    rules.Actor.CHIEF_EXECUTIVE: Role.CHIEF_EXECUTIVE,
    rules.Actor.CHIEF_CONSTABLE: Role.CHIEF_CONSTABLE,
    rules.Actor.CHIEF_FIRE_OFFICER: Role.CHIEF_FIRE_OFFICER,
}


def settings_for(election: Election) -> IncidentSettings:
    """Return the election's incident settings, made with the defaults the first time."""
    found, _created = IncidentSettings.objects.get_or_create(election=election)
    return found


def _users_in(role: Role):
    return get_user_model().objects.filter(is_active=True, groups__name=role.value)


def _email(
    incident: Incident,
    *,
    purpose: str,
    to: list[str],
    subject: str,
    body: str,
    by,
    now: datetime,
    attachments=(),
) -> None:
    """Queue an e-mail through the outbox and keep it with the incident."""
    to = [address for address in dict.fromkeys(to) if address]
    if not to:
        return
    email = outbox.queue_email(
        purpose=purpose,
        to=to,
        subject=subject,
        body=body,
        reply_to=incident.election.spoc_email,
        by=by,
        now=now,
        attachments=attachments,
    )
    IncidentEmail.objects.create(incident=incident, email=email)


def _notify_role(incident: Incident, role: Role, *, subject: str, body: str, by, now) -> None:
    """E-mail everyone in `role` about an incident (a reference and a pointer, nothing more:
    the details stay in the application)."""
    _email(
        incident,
        purpose="incident_notice",
        to=[u.email for u in _users_in(role) if u.email],
        subject=subject,
        body=body,
        by=by,
        now=now,
    )


def _grant_service(incident: Incident) -> None:
    """Let the chief of the incident's service see it and decide what is theirs to decide.

    Granted to the role group, not to whoever holds it today (as for bookings): a new Chief
    Constable sees it, and someone who leaves the role loses it.
    """
    role = permissions.SERVICE_ROLE.get(rules.Service(incident.service))
    if role is None:
        return
    group = Group.objects.get(name=role.value)
    assign_perm("incidents.view_incident", group, incident)
    assign_perm("incidents.decide_incident", group, incident)


def _step(incident: Incident, old: str, new: str, by, now: datetime, note: str = "") -> None:
    IncidentStep.objects.create(
        incident=incident, old_status=old, new_status=new, at=now, by=by, note=note.strip()
    )


def _save(incident: Incident, by, now: datetime, fields: list[str] | None = None) -> None:
    save_with_history(incident, by=by, at=now, fields=fields)
