"""The legal hold panel on a register entry's page: {% legal_hold_panel entry %}.

An inclusion tag so the register's own view needs no change: the panel asks
dataprotection.permissions itself and receives only booleans.
"""

from __future__ import annotations

from django import template

from dataprotection import permissions, rules
from dataprotection.forms import LegalHoldForm

register = template.Library()


@register.inclusion_tag("dataprotection/_legal_hold.html", takes_context=True)
def legal_hold_panel(context, entry):
    user = context["request"].user
    election = entry.election
    return {
        "entry": entry,
        "can_set": permissions.can_set_legal_hold(user),
        "form": LegalHoldForm(),
        "retention_date": rules.retention_date(election),
        "csrf_token": context.get("csrf_token"),
    }
