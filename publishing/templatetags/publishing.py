"""The "Prepare for publication" link on a register entry's page: {% prepare_publication_link
entry %}.

An inclusion tag, as dataprotection's legal hold panel, so the register (below publishing in
the dependency order, docs/ARCHITECTURE.md) never imports publishing: the link asks
publishing.permissions itself.
"""

from __future__ import annotations

from django import template

from publishing import permissions

register = template.Library()


@register.inclusion_tag("publishing/_prepare_link.html", takes_context=True)
def prepare_publication_link(context, entry):
    user = context["request"].user
    return {"entry": entry, "allowed": permissions.can_prepare_from_entry(user, entry)}
