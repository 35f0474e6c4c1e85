"""The incident's status funnel (set_incident_status), reminders and the overdue alerts."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from election_protocol.models import Election
from election_protocol.roles import Role
from incidents import permissions, rules
from incidents.models import (
    Incident,
    Statement,
)
from incidents.services.common import (
    DECIDER_ROLE,
    _email,
    _notify_role,
    _save,
    _step,
)
from incidents.services.record import record_incident
from incidents.services.statement import _letter_recipients, _publish_statement, _send_letter


@transaction.atomic
def set_incident_status(
    incident_id: int,
    new: rules.Status | str,
    *,
    by,
    decision: str = "",
    reasons: str = "",
    considerations: dict[str, str] | None = None,
    classification: str = "",
    guidance: str = "",
    delay_effect: str = "",
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Incident:
    """Move an incident to `new`: the one funnel for every step.

    Checks rules.check_step (who acts, what each kind's decision needs) and raises
    rules.IncidentError. Effects, in one transaction:
    - to the decider (awaiting decision): a factual claim's classification kept; the decider
      e-mailed; a breach complaint acknowledged by e-mail to whoever complained;
    - referred to the PARO (a conduct concern): the referral e-mailed to the PARO, copy kept;
    - decided: decision, reasons, considerations (imagery), the effect of delay
      (announcements), the PARO's guidance (conduct) kept, with who and when; then
      imagery "ask to remove": a tagged PDF letter to each candidate and their agent;
      breach: the written answer as a letter to the complainant; factual "publish": the
      statement anonymised, approved and published on the public page (re-published after
      commit) and e-mailed where asked; incumbent "breach": a conduct concern recorded,
      referred from this one (Norfolk 15);
    - back to recorded: the reason noted; closed: what was done kept;
    - always: an IncidentStep and a history row naming `by`; the SPOC told of a decision.
    """
    now = now or timezone.now()
    new = rules.Status(new)
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("election")
        .get(pk=incident_id)
    )
    old = rules.Status(incident.status)
    if expected_status is not None and expected_status != old:
        raise rules.IncidentError(
            _("This incident changed while you were looking at it: check it and try again.")
        )
    kind = rules.Kind(incident.kind)
    statement = Statement.objects.filter(incident=incident).first()
    classification = classification or incident.classification
    rules.check_step(
        new,
        rules.StepFacts(
            kind=kind,
            status=old,
            service=rules.Service(incident.service),
            actors=permissions.actors_for(by, incident),
            decision=decision,
            reasons=reasons,
            considerations=considerations or {},
            classification=classification,
            statement_text=statement.draft if statement else "",
            guidance=guidance,
            delay_effect=delay_effect,
            outcome=reasons,
            actor_drafted_statement=bool(statement and statement.drafted_by_id == by.pk),
            referral_to=incident.election.paro_email,
            letter_recipient_known=bool(_letter_recipients(incident)),
        ),
    )
    fields = ["status"]
    note = reasons
    if new == rules.Status.AWAITING_DECISION and kind == rules.Kind.FACTUAL:
        incident.classification = classification
        fields.append("classification")
    if new == rules.Status.DECIDED:
        incident.decision = decision
        incident.reasons = reasons.strip()
        incident.decided_by = by
        incident.decided_at = now
        fields += ["decision", "reasons", "decided_by", "decided_at"]
        if kind == rules.Kind.IMAGERY:
            incident.considerations = {
                k: (considerations or {}).get(k, "").strip() for k in rules.IMAGERY_CONSIDERATIONS
            }
            fields.append("considerations")
        if kind == rules.Kind.ANNOUNCEMENT:
            incident.delay_effect = delay_effect.strip()
            fields.append("delay_effect")
        if kind == rules.Kind.CONDUCT:
            incident.guidance = guidance.strip()
            fields.append("guidance")
        note = f"{incident.decision_label}. {reasons.strip()}"
    if new == rules.Status.CLOSED:
        incident.outcome = reasons.strip()
        incident.closed_at = now
        fields += ["outcome", "closed_at"]
    incident.status = new
    _save(incident, by, now, fields)
    _step(incident, old, new, by, now, note)

    if new == rules.Status.AWAITING_DECISION:
        decider = rules.decider_for(kind, rules.Service(incident.service))
        _notify_role(
            incident,
            DECIDER_ROLE[decider],
            subject=f"{incident.reference}: {incident.kind_label}, awaiting your decision",
            body=(
                f"{incident.reference} ({incident.kind_label}) awaits your decision by "
                f"{timezone.localtime(incident.due_at):%a %-d %b %Y, %H:%M}. "
                "Please decide it in Election SPOC."
            ),
            by=by,
            now=now,
        )
        if kind == rules.Kind.BREACH and incident.raised_by_email and old == rules.Status.RECORDED:
            _email(
                incident,
                purpose="incident_acknowledgement",
                to=[incident.raised_by_email],
                subject=f"{incident.reference}: your complaint has been received",
                body=(
                    f"Dear {incident.raised_by_name or 'Sir or Madam'},\n\nThank you for your "
                    f"complaint ({incident.reference}). It is being investigated and the Chief "
                    "Executive will answer you in writing.\n\nYours sincerely\n\n"
                    f"{incident.election.spoc_name}\n{incident.election.office_name}\n"
                ),
                by=by,
                now=now,
            )
    if new == rules.Status.AWAITING_GUIDANCE:
        _email(
            incident,
            purpose="incident_referral",
            to=[incident.election.paro_email],
            subject=f"{incident.reference}: a concern about a candidate's conduct",
            body=(
                f"Dear {incident.election.paro_name},\n\nWe refer to you, as the protocol asks "
                f"(Avon and Somerset 1.3; Cumbria 1.3), a concern about a candidate's conduct "
                f"({incident.reference}).\n\n{reasons.strip()}\n\nPlease let us have your "
                f"guidance.\n\nYours sincerely\n\n{incident.election.spoc_name}\n"
                f"{incident.election.office_name}\n"
            ),
            by=by,
            now=now,
        )
    if new == rules.Status.DECIDED:
        if rules.needs_letter(kind, decision):
            _send_letter(incident, by, now)
        if kind == rules.Kind.FACTUAL and decision == "publish_statement":
            _publish_statement(incident, statement, by, now)
        if kind == rules.Kind.INCUMBENT and decision == "breach_referred":
            conduct = record_incident(
                election=incident.election,
                by=by,
                kind=rules.Kind.CONDUCT,
                service=incident.service,
                title=f"Referred from {incident.reference}: {incident.title}"[:200],
                description=reasons.strip(),
                raised_at=now,
                raised_by_type=Incident.RaisedBy.STAFF,
                candidates=list(incident.candidates.all()),
                referred_from=incident,
                now=now,
            )
            _step(incident, new, "referred", by, now, conduct.reference)
        _notify_role(
            incident,
            Role.SPOC,
            subject=f"{incident.reference}: decided",
            body=f"{incident.reference} has been decided: {incident.decision_label}.",
            by=by,
            now=now,
        )
    return incident


@transaction.atomic
def record_reminder(incident_id: int, *, by, now: datetime | None = None) -> Incident:
    """Record that the incumbent was reminded that protectively marked material must not be
    used in campaigning (Norfolk 15). Effects: reminder_sent_at, an IncidentStep, history."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if incident.kind != rules.Kind.INCUMBENT:
        raise rules.IncidentError(_("Only dealings with the incumbent have this reminder."))
    if incident.reminder_sent_at is not None:
        raise rules.IncidentError(_("The reminder is already recorded as sent."))
    incident.reminder_sent_at = now
    _save(incident, by, now, ["reminder_sent_at"])
    _step(
        incident,
        incident.status,
        "reminder",
        by,
        now,
        "Reminder sent: protectively marked material must not be used (Norfolk 15).",
    )
    return incident


def alert_overdue(election: Election, *, now: datetime | None = None) -> int:
    """E-mail the SPOC, once per incident, about each open incident past its target (hour
    targets cannot wait for the next morning's digest). Idempotent: a conditional update
    claims each incident, so two runs at once alert once. Returns how many were alerted."""
    now = now or timezone.now()
    alerted = 0
    late = Incident.objects.filter(
        election=election,
        status__in=[s.value for s in rules.OPEN],
        due_at__lt=now,
        overdue_alerted_at__isnull=True,
    )
    for incident in late.select_related("election"):
        with transaction.atomic():
            claimed = Incident.objects.filter(
                pk=incident.pk, overdue_alerted_at__isnull=True
            ).update(overdue_alerted_at=now)
            if not claimed:
                continue
            _notify_role(
                incident,
                Role.SPOC,
                subject=f"{incident.reference}: overdue",
                body=(
                    f"{incident.reference} ({incident.kind_label}) was due "
                    f"{timezone.localtime(incident.due_at):%a %-d %b %Y, %H:%M} and is "
                    f"still {incident.status_label.lower()}."
                ),
                by=None,
                now=now,
            )
            alerted += 1
    return alerted
