"""The mailbox's health on the dashboard: {% mailbox_health %}.

An inclusion tag so the dashboard's view needs no change: it asks mail_intake.permissions
itself and shows nothing to those who may not read the mailbox.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from mail_intake import permissions, queries

register = template.Library()


@register.inclusion_tag("mail_intake/_health.html", takes_context=True)
def mailbox_health(context):
    user = context["request"].user
    if not permissions.can_view_mailbox(user):
        return {"hidden": True}
    return {"health": queries.mailbox_health(timezone.now()), "link": True}
