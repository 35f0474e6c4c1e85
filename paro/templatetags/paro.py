"""The PARO consultations panel on an entry's, booking's or incident's page:
{% paro_consultations entry "entry" %}. An inclusion tag, so the register, briefings and
incidents (earlier in the dependency order) never import paro."""

from __future__ import annotations

from django import template
from django.urls import reverse

from paro import permissions, queries

register = template.Library()


@register.inclusion_tag("paro/_consultations.html", takes_context=True)
def paro_consultations(context, target, kind: str):
    user = context["request"].user
    return {
        "consultations": queries.consultations_on(target),
        "record_url": reverse("paro:consult", kwargs={"kind": kind, "pk": target.pk})
        if permissions.can_record_consultations(user)
        else None,
    }
