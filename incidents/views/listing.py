"""The incidents list (with each one's deadline) and the office's incident settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.shortcuts import election_or_setup
from incidents import permissions, queries, rules, services
from incidents.forms import (
    SettingsForm,
)


def _with_deadline(incidents, now):
    rows = list(incidents)
    for incident in rows:
        incident.deadline = rules.deadline_state(
            rules.Status(incident.status), incident.due_at, now
        )
    return rows


def incident_list(request: HttpRequest) -> HttpResponse:
    """Every incident the user may see: what awaits them, the open ones, then the decided."""
    election = election_or_setup()
    user = request.user
    now = timezone.now()
    visible = (
        permissions.incidents_for_user(user)
        .filter(election=election)
        .select_related("election")
        .order_by("due_at", "number")
    )
    rows = _with_deadline(visible, now)
    awaiting = [
        i
        for i in rows
        if i.status == rules.Status.AWAITING_DECISION and permissions.can_decide_incident(user, i)
    ]
    return render(
        request,
        "incidents/list.html",
        {
            "election": election,
            "awaiting": awaiting,
            "open": [i for i in rows if i.is_open],
            "done": sorted(
                (i for i in rows if not i.is_open), key=lambda i: i.raised_at, reverse=True
            ),
            "counts": queries.deadline_counts(visible, now),
            "kinds": [(k.value, rules.KIND_LABELS[k]) for k in rules.Kind],
            "can_record": permissions.can_record_incident(user),
            "can_change_settings": permissions.can_change_settings(user),
        },
    )


def settings_page(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_settings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    config = services.settings_for(election)
    initial = {"explanation": config.social_media_explanation}
    for kind in rules.Kind:
        target = config.target_for(kind)
        initial[f"{kind.value}_amount"] = target.amount
        initial[f"{kind.value}_unit"] = target.unit.value
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            election,
            targets=form.targets(),
            explanation=form.cleaned_data["explanation"],
            by=request.user,
        )
        messages.success(
            request, _("Settings saved. New targets apply to incidents recorded from now.")
        )
        return redirect("incidents:settings")
    return render(
        request,
        "incidents/settings.html",
        {"form": form, "election": election},
        status=400 if form.errors else 200,
    )
