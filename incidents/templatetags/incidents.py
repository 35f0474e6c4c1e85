"""Panels other apps' pages show: the open incidents on the dashboards (the chiefs' phone
dashboard included), and the decisions that are evidence of equal treatment on the parity
page. Each reads only what the signed-in user may see (incidents.permissions)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from election_protocol.queries import current_election
from incidents import permissions, queries, rules

register = template.Library()


@register.inclusion_tag("incidents/_open_panel.html", takes_context=True)
def open_incidents_panel(context) -> dict:
    """The open incidents the user may see, those awaiting their decision first."""
    user = context["request"].user
    election = current_election(timezone.localdate())
    if election is None:
        return {"rows": None}
    now = timezone.now()
    rows = list(
        queries.open_incidents(permissions.incidents_for_user(user).filter(election=election))
        .select_related("election")
        .order_by("due_at", "number")
    )
    for incident in rows:
        incident.deadline = rules.deadline_state(
            rules.Status(incident.status), incident.due_at, now
        )
        incident.yours = incident.status in (
            rules.Status.AWAITING_DECISION,
            rules.Status.AWAITING_GUIDANCE,
        ) and rules.decider_for(
            rules.Kind(incident.kind), rules.Service(incident.service)
        ) in permissions.actors_for(user, incident)
    rows.sort(key=lambda i: not i.yours)
    return {"rows": rows}


@register.inclusion_tag("incidents/_parity_panel.html")
def incident_parity_panel(election) -> dict:
    """Imagery decisions and breach complaints of `election`, with their candidates: every
    such decision is evidence of equal treatment (the same material, the same decision)."""
    return {"rows": list(queries.parity_decisions(election))}
