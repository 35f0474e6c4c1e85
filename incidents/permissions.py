"""Who may see and do what with incidents. Views call only these; templates get booleans.

The SPOC and the Chief Executive see everything and manage it; the auditor reads everything;
chiefs see their own service's incidents (django-guardian object permissions granted to their
role group by services.record_incident, as bookings are); liaisons only what is assigned to
them (object permissions granted to the person by services.assign_incident). Nothing here is
public: only approved statements reach the public site, through publishing.queries.
"""

from __future__ import annotations

from django.db.models import QuerySet

from election_protocol.permissions import first_or_404, is_staff_member, role_names, rows_for_user
from election_protocol.roles import Role
from incidents import rules
from incidents.models import Incident

CHIEF_ROLE = {
    rules.Actor.CHIEF_CONSTABLE: Role.CHIEF_CONSTABLE,
    rules.Actor.CHIEF_FIRE_OFFICER: Role.CHIEF_FIRE_OFFICER,
}
SERVICE_ROLE = {
    rules.Service.POLICE: Role.CHIEF_CONSTABLE,
    rules.Service.FIRE: Role.CHIEF_FIRE_OFFICER,
}


def can_view_all_incidents(user) -> bool:
    """Return True if `user` may see every incident (SPOC, Chief Executive, auditor)."""
    return is_staff_member(user) and user.has_perm("incidents.view_incident")


def can_record_incident(user) -> bool:
    """Return True if `user` may record a new incident (SPOC, Chief Executive)."""
    return is_staff_member(user) and user.has_perm("incidents.add_incident")


def can_manage_incidents(user) -> bool:
    """Return True if `user` moves incidents on, drafts statements and records consultations."""
    return is_staff_member(user) and user.has_perm("incidents.change_incident")


def can_change_settings(user) -> bool:
    """Return True if `user` may set the targets and the social-media explanation."""
    return is_staff_member(user) and user.has_perm("incidents.change_incidentsettings")


def can_view_evidence(user, incident: Incident) -> bool:
    """Return True if `user` may open the incident's evidence files (not the auditor's
    business beyond the record, nor a liaison's: they may hold someone's personal data)."""
    return can_manage_incidents(user) or (
        is_staff_member(user) and user.has_perm("incidents.decide_incident", incident)
    )


def actors_for(user, incident: Incident) -> frozenset[rules.Actor]:
    """Return the parts `user` plays for `incident` (see rules.who_acts).

    The Chief Executive decides with the global permission; their approval deputies approve
    factual statements too (Cleveland: the Deputy Monitoring Officer). A chief decides only
    what their role group was granted on this incident, and only while they hold the role.
    """
    if not is_staff_member(user):
        return frozenset()
    actors = set()
    if can_manage_incidents(user):
        actors.add(rules.Actor.SPOC)
    if user.has_perm("incidents.decide_incident") or (
        incident.kind == rules.Kind.FACTUAL
        and incident.election.approval_deputies.filter(pk=user.pk).exists()
    ):
        actors.add(rules.Actor.CHIEF_EXECUTIVE)
    roles = role_names(user)
    for actor, role in CHIEF_ROLE.items():
        if role.value in roles and user.has_perm("incidents.decide_incident", incident):
            actors.add(actor)
    return frozenset(actors)


def can_decide_incident(user, incident: Incident) -> bool:
    """Return True if `user` is the person who decides `incident`."""
    decider = rules.decider_for(rules.Kind(incident.kind), rules.Service(incident.service))
    return decider in actors_for(user, incident)


def incidents_for_user(user) -> QuerySet[Incident]:
    """Return the incidents `user` may see: all, or their service's / those assigned to them."""
    return rows_for_user(user, Incident, "incidents.view_incident", sees_all=can_view_all_incidents)


def get_incident_for_user(user, pk: int) -> Incident:
    """Return incident `pk` if `user` may see it; Http404 alike for missing and not theirs."""
    return first_or_404(
        incidents_for_user(user).select_related("election", "recorded_by"),
        "No such incident.",
        pk=pk,
    )
