"""The link to the equal-treatment report on earlier apps' pages (the dashboard, the parity
page, the offer matrix): a template tag, so that no earlier app imports this one."""

from __future__ import annotations

from django import template

from reports import permissions

register = template.Library()


@register.inclusion_tag("reports/_report_link.html", takes_context=True)
def equal_treatment_report_link(context) -> dict:
    """The link, for those who may read the report; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": user is not None and permissions.can_view_equal_treatment_report(user)}
