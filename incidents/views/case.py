"""One incident's page and the steps taken on it: the status step, the decision, the statement,
consultations, the assignee and the incumbent reminder."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from election_protocol.permissions import get_managed
from election_protocol.shortcuts import act_and_tell, submit_form
from incidents import permissions, queries, rules, services
from incidents.forms import (
    AssignForm,
    ConsultationForm,
    DecideForm,
    EvidenceForm,
    StatementForm,
    StepForm,
)
from incidents.models import Incident, Statement

STEP_LABELS = {
    rules.Status.AWAITING_DECISION: _("Put it to the decider"),
    rules.Status.AWAITING_GUIDANCE: _("Refer it to the PARO"),
    rules.Status.RECORDED: _("Send it back to the SPOC"),
    rules.Status.CLOSED: _("Close it"),
}


STEP_NOTE_LABELS = {
    rules.Status.AWAITING_DECISION: _("Note for the decider (optional)"),
    rules.Status.AWAITING_GUIDANCE: _("The concern, as the PARO will read it"),
    rules.Status.RECORDED: _("Why it goes back"),
    rules.Status.CLOSED: _("What was done (letter, statement, deletion, referral)"),
}


def _managed_incident(request: HttpRequest, pk: int) -> Incident:
    """Return incident `pk` for one who manages incidents: 404 if they may not see it (as for
    a missing one), 403 if they see it but do not manage incidents."""
    return get_managed(
        request.user, pk, permissions.get_incident_for_user, permissions.can_manage_incidents
    )


def detail(
    request: HttpRequest, pk: int, *, failed: dict | None = None, status: int = 200
) -> HttpResponse:
    incident = permissions.get_incident_for_user(request.user, pk)
    user = request.user
    actors = permissions.actors_for(user, incident)
    current = rules.Status(incident.status)
    kind = rules.Kind(incident.kind)
    steps = []
    for new in rules.allowed_moves(kind, current):
        if new == rules.Status.DECIDED:
            continue  # its own page
        if rules.who_acts(kind, rules.Service(incident.service), current, new) not in actors:
            continue
        step = {
            "status": new.value,
            "label": STEP_LABELS[new],
            "note_label": STEP_NOTE_LABELS[new],
            "classify": kind == rules.Kind.FACTUAL and new == rules.Status.AWAITING_DECISION,
        }
        if failed and failed.get("status") == new.value:
            step.update(failed)
        steps.append(step)
    step_error = failed["error"] if failed and not any(s.get("failed") for s in steps) else None
    statement = Statement.objects.filter(incident=incident).first()
    manage = permissions.can_manage_incidents(user)
    decider = rules.decider_for(kind, rules.Service(incident.service))
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "deadline": rules.deadline_state(current, incident.due_at, timezone.now()),
            "candidates": incident.candidates.all(),
            "steps": steps,
            "step_error": step_error,
            "can_decide": current in rules.decidable_from(kind) and decider in actors,
            "decider": rules.ACTOR_LABELS[decider],
            "statement": statement,
            "can_draft_statement": manage
            and kind == rules.Kind.FACTUAL
            and incident.classification != rules.Classification.INTERPRETATION
            and current in (rules.Status.RECORDED, rules.Status.AWAITING_DECISION),
            "interpretation": incident.classification == rules.Classification.INTERPRETATION,
            "interpretation_text": rules.INTERPRETATION_NO_RESPONSE,
            "consultations": incident.consultations.select_related("recorded_by"),
            "consultation_form": ConsultationForm(prefix="consult")
            if manage and incident.is_open
            else None,
            "evidence": incident.evidence.all(),
            "can_view_evidence": permissions.can_view_evidence(user, incident),
            "evidence_form": EvidenceForm(prefix="evidence") if manage else None,
            "assign_form": AssignForm(prefix="assign") if manage else None,
            "can_remind": manage
            and kind == rules.Kind.INCUMBENT
            and incident.reminder_sent_at is None,
            "emails": [link.email for link in incident.emails.select_related("email")],
            "history": incident.steps.select_related("by"),
            "considerations": [
                (label, incident.considerations.get(key, ""))
                for key, label in rules.IMAGERY_CONSIDERATIONS.items()
            ]
            if incident.considerations
            else [],
            "referrals": incident.referrals.all(),
            "show_contacts": manage,
        },
        status=status,
    )


@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.get_incident_for_user(request.user, pk)
    form = StepForm(request.POST)
    chosen = request.POST.get("status", "")
    if not form.is_valid() and chosen not in {s.value for s in rules.Status}:
        return detail(request, pk, failed={"error": _("Choose a step from this page.")}, status=400)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_incident_status(
                incident.pk,
                data["status"],
                by=request.user,
                reasons=data["reasons"],
                classification=data["classification"],
                expected_status=data["expected_status"] or None,
            )
        except rules.IncidentError as error:
            reason = str(error)
        else:
            messages.success(request, _("Done."))
            return redirect("incidents:detail", pk=incident.pk)
    else:
        reason = " ".join(str(m) for errors in form.errors.values() for m in errors)
    # Refused by the form or by the rules: why, beside the step, with what was typed kept.
    failed = {
        "status": chosen,
        "failed": True,
        "error": reason,
        "reasons": request.POST.get("reasons", ""),
        "classification": request.POST.get("classification", ""),
    }
    return detail(request, pk, failed=failed, status=400)


def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision page: the protocol's criteria for the kind, and earlier decisions on
    similar cases beside them (Cumbria 3.3.1). Laid out for a phone as well."""
    incident = permissions.get_incident_for_user(request.user, pk)
    kind = rules.Kind(incident.kind)
    current = rules.Status(incident.status)
    decider = rules.decider_for(kind, rules.Service(incident.service))
    if decider not in permissions.actors_for(request.user, incident):
        raise PermissionDenied
    if current not in rules.decidable_from(kind):
        messages.error(
            request,
            _("There is nothing to decide: it is %(status)s.")
            % {"status": incident.status_label.lower()},
        )
        return redirect("incidents:detail", pk=incident.pk)
    form = DecideForm(request.POST or None, kind=kind, initial={"expected_status": current})

    def decide_it(data: dict) -> HttpResponse:
        services.set_incident_status(
            incident.pk,
            rules.Status.DECIDED,
            by=request.user,
            decision=data["decision"],
            reasons=data["reasons"],
            considerations={k: data.get(k, "") for k in rules.IMAGERY_CONSIDERATIONS},
            guidance=data.get("guidance", ""),
            delay_effect=data.get("delay_effect", ""),
            expected_status=data["expected_status"] or None,
        )
        messages.success(request, _("Decided."))
        return redirect("incidents:detail", pk=incident.pk)

    if response := submit_form(request, form, decide_it, rules.IncidentError):
        return response
    return render(
        request,
        "incidents/decide.html",
        {
            "incident": incident,
            "form": form,
            "candidates": incident.candidates.all(),
            "similar": queries.similar_decisions(incident),
            "statement": Statement.objects.filter(incident=incident).first(),
            "consultations": incident.consultations.all(),
            "evidence": incident.evidence.all(),
        },
        status=400 if form.errors else 200,
    )


def statement(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed_incident(request, pk)
    existing = Statement.objects.filter(incident=incident).first()
    initial = (
        {"title": existing.title, "draft": existing.draft, "email_to": existing.email_to}
        if existing
        else {}
    )
    form = StatementForm(request.POST or None, initial=initial)

    def draft(data: dict) -> HttpResponse:
        services.draft_statement(
            incident.pk,
            by=request.user,
            title=data["title"],
            draft=data["draft"],
            email_to=data["email_to"],
        )
        messages.success(request, _("Statement saved."))
        return redirect("incidents:detail", pk=incident.pk)

    if response := submit_form(request, form, draft, rules.IncidentError):
        return response
    return render(
        request,
        "incidents/statement.html",
        {"incident": incident, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def consult(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed_incident(request, pk)
    form = ConsultationForm(request.POST, prefix="consult")
    if form.is_valid():
        data = form.cleaned_data

        def record() -> str:
            services.record_consultation(
                incident.pk,
                by=request.user,
                consultee=data["consultee"],
                consultee_name=data["consultee_name"],
                asked_at=data["asked_at"],
                answer=data["answer"],
            )
            return _("Consultation recorded.")

        act_and_tell(request, record, rules.IncidentError)
    else:
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        )
        messages.error(request, _("Not recorded. %(problems)s") % {"problems": problems})
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed_incident(request, pk)
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        services.assign_incident(incident.pk, form.cleaned_data["assignee"], by=request.user)
        messages.success(request, _("They can see it now."))
    else:
        messages.error(request, _("Choose a colleague from the list."))
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
def reminder(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed_incident(request, pk)

    def record() -> str:
        services.record_reminder(incident.pk, by=request.user)
        return _("Reminder recorded as sent.")

    act_and_tell(request, record, rules.IncidentError)
    return redirect("incidents:detail", pk=incident.pk)
