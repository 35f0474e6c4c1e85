"""The "Prepare for publication" link on a register entry's page: {% prepare_publication_link
entry %}.

An inclusion tag, as dataprotection's legal hold panel, so the register (below publishing in
the dependency order, docs/ARCHITECTURE.md) never imports publishing: the link asks
publishing.permissions itself.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from publishing import deadlines, permissions

register = template.Library()


@register.inclusion_tag("publishing/_prepare_link.html", takes_context=True)
def prepare_publication_link(context, entry):
    user = context["request"].user
    # The publication target and the action taken follow the link (issue 13).
    return {
        "entry": entry,
        "allowed": permissions.can_prepare_from_entry(user, entry),
        "target": publication_target(context, entry),
    }


@register.inclusion_tag("publishing/_publication_target.html", takes_context=True)
def publication_target(context, entry):
    """The publication target of a sent answer on its register page (issue 13, item 1): the
    due date and state, the "not for publication" decision, and the link to propose one; for a
    refusal or referral, the link to publish the action taken (item 2)."""

    user = context["request"].user
    if not permissions.can_view_publishing(user):
        return {"row": None}
    rows = deadlines.publication_rows(entry.election, timezone.localdate(), entry_id=entry.pk)
    row = rows[0] if rows else None
    return {
        "entry": entry,
        "row": row,
        "can_propose": permissions.can_propose_not_for_publication(user),
        "can_prepare_action": permissions.can_prepare_action_from_entry(user, entry),
    }


@register.inclusion_tag("publishing/_publication_parity.html", takes_context=True)
def publication_parity_panel(context, election):
    """Per candidate: answers sent, published, not for publication, overdue, and the median
    working days to publish (issue 13, item 1), for whoever may see publishing."""

    if election is None or not permissions.can_view_publishing(context["request"].user):
        return {"rows": None}
    return {"rows": deadlines.parity(election, timezone.localdate())}
