"""The FOI panel on a register entry's page: {% foi_panel entry %}.

An inclusion tag so the register's own view needs no change (as the legal hold panel)."""

from __future__ import annotations

from django import template

from foi import queries, rules

register = template.Library()


@register.inclusion_tag("foi/_panel.html")
def foi_panel(entry):
    if entry.kind != "foi":
        return {"show": False}
    case = queries.case_for(entry)
    holder = rules.Authority(case.holder if case else entry.first_reached)
    return {"show": True, "entry": entry, "case": case, "holder": rules.AUTHORITY_LABELS[holder]}
