"""Every write to incidents: recording, the one status funnel, statements, consultations,
evidence, assignment, the incumbent reminder and the election's settings.

E-mail and letters go through the register's outbox (recorded first, sent after commit), each
linked to its incident (IncidentEmail: the copy kept). Every change writes a history row naming
who made it; every move an IncidentStep.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from candidates.models import Candidate
from election_protocol.models import Election
from election_protocol.roles import Role
from incidents import permissions, rules
from incidents.letters import IncidentLetter, render_letter_pdf
from incidents.models import (
    Consultation,
    Evidence,
    Incident,
    IncidentEmail,
    IncidentSettings,
    IncidentStep,
    Statement,
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
from requests_register.models import OutboundAttachment, OutboundEmail
from requests_register.queries import office_calendar
from requests_register.services import IncomingFile, check_attachment

DECIDER_ROLE = {
    rules.Actor.SPOC: Role.SPOC,
    rules.Actor.CHIEF_EXECUTIVE: Role.CHIEF_EXECUTIVE,
    rules.Actor.CHIEF_CONSTABLE: Role.CHIEF_CONSTABLE,
    rules.Actor.CHIEF_FIRE_OFFICER: Role.CHIEF_FIRE_OFFICER,
}


def settings_for(election: Election) -> IncidentSettings:
    """Return the election's incident settings, made with the defaults the first time."""
    found, _created = IncidentSettings.objects.get_or_create(election=election)
    return found


def _users_in(role: Role):
    return get_user_model().objects.filter(is_active=True, groups__name=role.value)


def _email(
    incident: Incident,
    *,
    purpose: str,
    to: list[str],
    subject: str,
    body: str,
    by,
    now: datetime,
    attachments=(),
) -> None:
    """Queue an e-mail through the outbox and keep it with the incident."""
    to = [address for address in dict.fromkeys(to) if address]
    if not to:
        return
    email = outbox.queue_email(
        purpose=purpose,
        to=to,
        subject=subject,
        body=body,
        reply_to=incident.election.spoc_email,
        by=by,
        now=now,
        attachments=attachments,
    )
    IncidentEmail.objects.create(incident=incident, email=email)


def _notify_role(incident: Incident, role: Role, *, subject: str, body: str, by, now) -> None:
    """E-mail everyone in `role` about an incident (a reference and a pointer, nothing more:
    the details stay in the application)."""
    _email(
        incident,
        purpose="incident_notice",
        to=[u.email for u in _users_in(role) if u.email],
        subject=subject,
        body=body,
        by=by,
        now=now,
    )


def _grant_service(incident: Incident) -> None:
    """Let the chief of the incident's service see it and decide what is theirs to decide.

    Granted to the role group, not to whoever holds it today (as for bookings): a new Chief
    Constable sees it, and someone who leaves the role loses it.
    """
    role = permissions.SERVICE_ROLE.get(rules.Service(incident.service))
    if role is None:
        return
    group = Group.objects.get(name=role.value)
    assign_perm("incidents.view_incident", group, incident)
    assign_perm("incidents.decide_incident", group, incident)


def _step(incident: Incident, old: str, new: str, by, now: datetime, note: str = "") -> None:
    IncidentStep.objects.create(
        incident=incident, old_status=old, new_status=new, at=now, by=by, note=note.strip()
    )


def _save(incident: Incident, by, now: datetime, fields: list[str] | None = None) -> None:
    incident._history_user = by
    incident._history_date = now
    incident.save(update_fields=fields)


@transaction.atomic
def record_incident(
    *,
    election: Election,
    by,
    kind: str,
    title: str,
    description: str,
    raised_at: datetime,
    service: str = rules.Service.OFFICE,
    links: str = "",
    raised_by_type: str = Incident.RaisedBy.STAFF,
    raised_by_name: str = "",
    raised_by_email: str = "",
    candidates: Iterable[Candidate] = (),
    source: str = "",
    platform: str = "",
    account: str = "",
    removed_at: datetime | None = None,
    removed_by: str = "",
    explanation_posted: str = "",
    statutory_business: bool | None = None,
    files: Iterable[IncomingFile] = (),
    referred_from: Incident | None = None,
    now: datetime | None = None,
) -> Incident:
    """Record an incident. Effects: the Incident numbered per election under a lock on the
    election row, its target (`rules.due_at` with the election's target for the kind), its
    candidates, evidence files (type and size checked: all or none), a first IncidentStep, a
    history row, object permissions for the chief of its service, and an e-mail to whoever
    decides it (or to the SPOC, who moves it on). A social-media removal with no explanation
    typed gets the office's standard one (Cumbria 7.2.3)."""
    now = now or timezone.now()
    kind = rules.Kind(kind)
    service = rules.Service(service)
    files = list(files)
    for file in files:
        check_attachment(file)
    Election.objects.select_for_update().filter(pk=election.pk).first()
    number = (Incident.objects.filter(election=election).aggregate(n=Max("number"))["n"] or 0) + 1
    config = settings_for(election)
    if kind == rules.Kind.SOCIAL_MEDIA and not explanation_posted.strip():
        explanation_posted = config.social_media_explanation
    incident = Incident(
        election=election,
        number=number,
        reference=f"{election.reference_prefix}-INC-{number:03d}",
        kind=kind,
        service=service,
        title=title.strip(),
        description=description.strip(),
        links=links.strip(),
        raised_by_type=raised_by_type,
        raised_by_name=raised_by_name.strip(),
        raised_by_email=raised_by_email.strip(),
        raised_at=raised_at,
        due_at=rules.due_at(raised_at, config.target_for(kind), office_calendar(election)),
        source=source.strip(),
        platform=platform.strip(),
        account=account.strip(),
        removed_at=removed_at,
        removed_by=removed_by.strip(),
        explanation_posted=explanation_posted.strip(),
        statutory_business=statutory_business,
        referred_from=referred_from,
        recorded_by=by,
        recorded_at=now,
    )
    incident._history_user = by
    incident._history_date = now
    incident.save()
    incident.candidates.set(list(candidates))
    for file in files:
        _store_evidence(incident, file, by, now)
    _step(incident, "", rules.Status.RECORDED, by, now)
    _grant_service(incident)
    _notify_role(
        incident,
        Role.SPOC,
        subject=f"{incident.reference}: {incident.kind_label} recorded",
        body=(
            f"{incident.reference} ({incident.kind_label}) has been recorded. "
            f"Target: {timezone.localtime(incident.due_at):%a %-d %b %Y, %H:%M}. "
            "Open it in Election SPOC."
        ),
        by=by,
        now=now,
    )
    return incident


def _store_evidence(incident: Incident, file: IncomingFile, by, now: datetime) -> Evidence:

    evidence = Evidence(
        incident=incident,
        name=file.filename[:255],
        content_type=file.content_type,
        size=len(file.data),
        uploaded_by=by,
        uploaded_at=now,
    )
    # A random stored name: the typed file name never reaches the disk.
    evidence.file.save(secrets.token_urlsafe(24), ContentFile(file.data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def add_evidence(
    incident_id: int, files: Iterable[IncomingFile], *, by, now: datetime | None = None
) -> list[Evidence]:
    """Keep files with an incident. Raises ValidationError for a file refused (type, size,
    content): all or none. Effects: Evidence rows and their files, an IncidentStep note."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    files = list(files)
    for file in files:
        check_attachment(file)
    stored = [_store_evidence(incident, f, by, now) for f in files]
    _step(
        incident,
        incident.status,
        "evidence",
        by,
        now,
        ", ".join(e.name for e in stored),
    )
    return stored


# --- statements and consultations --------------------------------------------------------------


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
    statement._history_user = by
    statement.save()
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
    consultation._history_user = by
    consultation.save()
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
    statement._history_user = by
    statement.save()
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


# --- the rest ----------------------------------------------------------------------------------


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


@transaction.atomic
def assign_incident(incident_id: int, assignee, *, by, now: datetime | None = None) -> None:
    """Let a colleague (a liaison) see an incident. Effects: a django-guardian object
    permission for that person, an IncidentStep note."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    assign_perm("incidents.view_incident", assignee, incident)
    _step(incident, incident.status, "assigned", by, now, assignee.get_username())


@transaction.atomic
def save_settings(
    election: Election,
    *,
    targets: dict[str, rules.Target],
    explanation: str,
    by,
) -> IncidentSettings:
    """Set the election's targets per kind and the social-media explanation. Targets apply to
    incidents recorded from now on. Effects: IncidentSettings saved, a history row."""
    config = settings_for(election)
    config.targets = {
        kind: {"amount": t.amount, "unit": t.unit.value} for kind, t in targets.items()
    }
    config.social_media_explanation = explanation.strip()
    config._history_user = by
    config.save()
    return config


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


# --- data protection --------------------------------------------------------------------------


def incidents_with_personal_data(election: Election):
    """Return the decided or closed incidents of `election` still holding whoever raised them
    (name, e-mail) or evidence files: what a retention run erases (dataprotection)."""

    return (
        Incident.objects.filter(election=election)
        .exclude(status__in=[s.value for s in rules.OPEN])
        .filter(~Q(raised_by_name="") | ~Q(raised_by_email="") | Q(evidence__isnull=False))
        .distinct()
    )


def erase_personal_data(election: Election, *, now: datetime) -> int:
    """Erase, from each decided or closed incident, who raised it and its evidence; called by
    dataprotection.services.apply_retention once the retention period has passed, in its
    transaction. Open incidents are kept, as open register entries are.

    Effects: raised_by_name and raised_by_email emptied in the incident and every history row
    of it; evidence rows deleted and their files after commit; the e-mails sent about it lose
    that person's address and name (the letters addressed to them deleted); an IncidentStep
    note. Candidates' details are erased by the candidates' own step of the run. Idempotent.
    Returns how many incidents were changed.
    """

    changed = 0
    ids = list(incidents_with_personal_data(election).values_list("pk", flat=True))
    for incident in Incident.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
        address = incident.raised_by_email.strip().casefold()
        subject = (
            [Subject(name=incident.raised_by_name.strip(), emails=[incident.raised_by_email])]
            if incident.raised_by_name.strip()
            else []
        )
        for link in incident.emails.select_related("email"):
            email: OutboundEmail = link.email
            if address and address in [a.casefold() for a in email.to]:
                email.to = [a for a in email.to if a.casefold() != address]
                OutboundAttachment.objects.filter(email=email).delete()
            if subject:
                email.subject = anonymise(email.subject, subject, subject_label="[person]").text
                email.body = anonymise(email.body, subject, subject_label="[person]").text
            email.save(update_fields=["to", "subject", "body"])
        names = [e.file.name for e in incident.evidence.all()]
        incident.evidence.all().delete()
        if names:
            _delete_after_commit(names)
        Incident.objects.filter(pk=incident.pk).update(raised_by_name="", raised_by_email="")
        Incident.history.filter(id=incident.pk).update(raised_by_name="", raised_by_email="")
        IncidentStep.objects.create(
            incident=incident,
            old_status=incident.status,
            new_status="erased",
            at=now,
            by=incident.recorded_by,
            note="Personal data erased at the end of the retention period.",
        )
        changed += 1
    return changed


def _delete_after_commit(names: list[str]) -> None:

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
