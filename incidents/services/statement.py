"""The statement about an incident: its draft, the consultations on it, its publication on the
public site and the letters that go with it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from election_protocol.services import save_with_history
from incidents import rules
from incidents.letters import IncidentLetter, render_letter_pdf
from incidents.models import (
    Consultation,
    Incident,
    Statement,
)
from incidents.services.common import (
    _email,
    _step,
)
from publishing.anonymise import Subject, anonymise
from publishing.services import (
    CANDIDATE_LABEL,
    REQUESTER_LABEL,
    _schedule_publish,
    keep_for,
    subjects_for,
)
from requests_register import outbox


@transaction.atomic
def draft_statement(
    incident_id: int,
    *,
    by,
    title: str,
    draft: str,
    email_to: str = "",
    now: datetime | None = None,
) -> Statement:
    """Write (or rewrite) the neutral statement answering a factual inaccuracy (Cumbria 7.1.2).

    Raises IncidentError for another kind, a claim classified as an interpretation (no
    response: Cumbria 7.1.3), or once decided. Effects: the Statement (its drafter is whoever
    wrote it last: they cannot approve it), an IncidentStep note, a history row.
    """
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if incident.kind != rules.Kind.FACTUAL:
        raise rules.IncidentError(_("Only a factually incorrect claim has a statement."))
    if incident.classification == rules.Classification.INTERPRETATION:
        raise rules.IncidentError(str(rules.INTERPRETATION_NO_RESPONSE))
    if rules.Status(incident.status) not in (rules.Status.RECORDED, rules.Status.AWAITING_DECISION):
        raise rules.IncidentError(_("The decision is made: the statement can no longer change."))
    for address in [a.strip() for a in email_to.splitlines() if a.strip()]:
        try:
            outbox.check_address(address, "address")
        except ValueError:
            raise rules.IncidentError(
                _("“%(address)s” is not an e-mail address.") % {"address": address}
            ) from None
    statement = Statement.objects.filter(incident=incident).first() or Statement(
        incident=incident, election=incident.election
    )
    statement.title = title.strip()
    statement.draft = draft.strip()
    statement.email_to = email_to.strip()
    statement.drafted_by = by
    statement.drafted_at = now
    save_with_history(statement, by=by)
    _step(incident, incident.status, "statement_drafted", by, now, statement.title)
    return statement


@transaction.atomic
def record_consultation(
    incident_id: int,
    *,
    by,
    consultee: str,
    asked_at: datetime,
    answer: str = "",
    consultee_name: str = "",
    now: datetime | None = None,
) -> Consultation:
    """Record that someone was consulted and what they answered (Cumbria 7.1: the PARO and the
    Chief Constable see a response first). Effects: a Consultation, an IncidentStep note. The
    PARO is refused here (rules.check_consultee): consultations with the PARO are recorded by
    the paro app, on the same page."""
    now = now or timezone.now()
    rules.check_consultee(consultee)
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if not incident.is_open:
        raise rules.IncidentError(_("The incident is decided: consult before deciding."))
    consultation = Consultation(
        incident=incident,
        consultee=consultee,
        consultee_name=consultee_name.strip(),
        asked_at=asked_at,
        answer=answer.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    save_with_history(consultation, by=by)
    label = Consultation.Consultee(consultee).label
    _step(incident, incident.status, "consulted", by, now, f"{label}: {answer.strip()}")
    return consultation


def _publish_statement(incident: Incident, statement: Statement, by, now: datetime) -> None:
    """Approve and publish a statement: the public text anonymised exactly as register answers
    are (every candidate and agent, contact details; the office's and the PARO's kept), then
    the public site re-published after commit (its leak scan reads every page)."""

    keep = keep_for(incident.election)
    candidates = subjects_for(incident.election)
    # Whoever raised it (a journalist, a member of the public) is not named either.
    raiser = (
        [
            Subject(
                name=incident.raised_by_name.strip(),
                emails=[incident.raised_by_email] if incident.raised_by_email else [],
            )
        ]
        if incident.raised_by_name.strip()
        else []
    )

    def public(text: str) -> str:
        if raiser:
            text = anonymise(text, raiser, keep, subject_label=REQUESTER_LABEL).text
        return anonymise(text, candidates, keep, subject_label=CANDIDATE_LABEL).text

    statement.public_title = public(statement.title)
    statement.public_text = public(statement.draft)
    statement.approved_by = by
    statement.published_at = now
    save_with_history(statement, by=by)
    _schedule_publish(incident.election_id)
    recipients = [a.strip() for a in statement.email_to.splitlines() if a.strip()]
    if recipients:
        _email(
            incident,
            purpose="incident_statement",
            to=recipients,
            subject=f"Statement: {statement.public_title}",
            body=(
                f"{statement.public_text}\n\n{incident.election.spoc_name}\n"
                f"{incident.election.office_name}\n"
            ),
            by=by,
            now=now,
        )


def _letter_recipients(incident: Incident) -> list[tuple[str, list[str]]]:
    """Return (addressee, addresses) for a decision letter: to each candidate concerned and
    their agent (imagery), or to whoever complained (a breach complaint)."""
    if incident.kind == rules.Kind.BREACH:
        if incident.raised_by_email:
            return [(incident.raised_by_name or _("Sir or Madam"), [incident.raised_by_email])]
        return []
    found = []
    for candidate in incident.candidates.order_by("name"):
        to = [*candidate.emails[:1], candidate.agent_email]
        if any(to):
            found.append((candidate.name, [a for a in to if a]))
    return found


def _send_letter(incident: Incident, by, now: datetime) -> None:

    kind = rules.Kind(incident.kind)
    if kind == rules.Kind.IMAGERY:
        heading = _("Use of police, fire or office imagery in campaign material")
        request = _(
            "Please remove or withdraw the material described above, and do not use this "
            "imagery or livery in any campaign or publicity material."
        )
        considerations = tuple(
            (str(label), incident.considerations.get(key, ""))
            for key, label in rules.IMAGERY_CONSIDERATIONS.items()
        )
    else:
        heading = _("Your complaint that the election protocol was breached")
        request = ""
        considerations = ()
    who = rules.decider_for(kind, rules.Service(incident.service))
    for addressee, to in _letter_recipients(incident):
        letter = IncidentLetter(
            reference=incident.reference,
            office_name=incident.election.office_name,
            date=timezone.localdate(now),
            addressee=addressee,
            heading=str(heading),
            about=incident.title,
            decision=incident.decision_label,
            reasons=incident.reasons,
            considerations=considerations,
            request=str(request),
            clauses=incident.clauses,
            signatory=f"{incident.election.spoc_name}, on behalf of {rules.ACTOR_LABELS[who]}",
        )
        _email(
            incident,
            purpose=f"incident_letter_{kind.value}",
            to=to,
            subject=f"{incident.reference}: {heading}",
            body=(
                f"Dear {addressee},\n\nPlease find attached our letter ({incident.reference})."
                f"\n\nYours sincerely\n\n{incident.election.spoc_name}\n"
                f"{incident.election.office_name}\n"
            ),
            by=by,
            now=now,
            attachments=[
                (f"{incident.reference}-letter.pdf", "application/pdf", render_letter_pdf(letter))
            ],
        )
