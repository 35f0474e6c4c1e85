"""Every write to an FOI request: one funnel per change of its state, each with an FoiEvent
row (the audit trail) and, where the Act asks for a notice, an e-mail through the register's
outbox (recorded in the same transaction, sent after commit).

The register entry stays the one record of the request: its target date follows the FOI
clock (requests_register.services.set_target_date), a refusal is the register's own refusal
(signed off by the Chief Executive or a deputy, the notice as its reply) and another
authority's disclosure closes it (set_entry_status with answered_elsewhere).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from foi import rules
from foi.models import Clarification, FoiCase, FoiEvent
from requests_register import outbox
from requests_register import rules as register_rules
from requests_register import services as register
from requests_register.models import Entry


def _statutory_days(entry: Entry) -> list[date]:
    """Return the election's days of thanksgiving or mourning (FOIA s.10(6) counts them off)."""
    return [d.date for d in entry.election.days_off() if d.affects_statutory_deadlines]


def _received(entry: Entry) -> date:
    return timezone.localdate(entry.received_at)


def clock_for(case: FoiCase) -> rules.Clock:
    """Return the case's clock, from its clarifications and extension (rules.foi_clock)."""
    entry = case.entry
    return rules.foi_clock(
        _received(entry),
        [rules.Clarification(c.asked_on, c.answered_on) for c in case.clarifications.all()],
        case.extended_to,
        _statutory_days(entry),
    )


def clock_for_entry(entry: Entry) -> rules.Clock:
    """Return the clock of an FOI entry with no FOI step yet: the plain 20 working days."""
    return rules.foi_clock(_received(entry), (), None, _statutory_days(entry))


def _context(entry: Entry, **extra: str) -> dict[str, str]:
    election = entry.election
    return {
        "reference": entry.reference,
        "name": entry.requester_name,
        "topic": entry.topic,
        "spoc_name": election.spoc_name,
        "spoc_email": election.spoc_email,
        "office_name": election.office_name,
        **extra,
    }


def _email(entry: Entry, key: str, by, now: datetime, **extra: str):
    if not entry.requester_email:
        raise rules.FoiError(
            "Notices go by e-mail: add the requester's e-mail address first (Cumbria 6.1.2)."
        )
    return outbox.queue_templated_email(
        key=key, entry=entry, to=[entry.requester_email], context=_context(entry, **extra), by=by,
        now=now,
    )  # fmt: skip


def _lock(entry_id: int, by, now: datetime) -> FoiCase:
    """Return the entry's FOI case, locked, made on first use (holder: where it first
    arrived). Raises FoiError if the entry is not an FOI request."""
    # Only the entry's row is locked (not the election's, which logging locks to number).
    entry = (
        Entry.objects.select_for_update(of=("self",)).select_related("election").get(pk=entry_id)
    )
    if entry.kind != register_rules.Kind.FOI:
        raise rules.FoiError("This entry is not a Freedom of Information request.")
    case, created = FoiCase.objects.select_for_update().get_or_create(
        entry=entry,
        defaults={"holder": entry.first_reached, "created_at": now},
    )
    if created:
        FoiEvent.objects.create(
            case=case, at=now, by=by, new_state=case.state, what="FOI request opened."
        )
    case.entry = entry
    return case


def _move(case: FoiCase, new: rules.State, by, now: datetime, what: str, fields: list[str]):
    """Check and save a change of state: the one place a case's state is written."""
    old = rules.State(case.state)
    entry_status = register_rules.Status(case.entry.status)
    rules.check_transition(
        old,
        new,
        answered=entry_status in {register_rules.Status.SENT, register_rules.Status.CLOSED},
    )
    case.state = new
    case.version += 1
    case.save(update_fields=["state", "version", *fields])
    FoiEvent.objects.create(case=case, at=now, by=by, old_state=old, new_state=new, what=what)


def _follow_clock(case: FoiCase, by, now: datetime, why: str) -> rules.Clock:
    """Recompute the clock and move the register entry's target date to it."""
    clock = clock_for(case)
    case.due_explanation = clock.explanation
    case.save(update_fields=["due_explanation"])
    register.set_target_date(
        case.entry_id, due=clock.target, explanation=clock.explanation, by=by, why=why, now=now
    )
    return clock


@transaction.atomic
def open_case(entry_id: int, *, by, now: datetime | None = None) -> FoiCase:
    """Return the FOI case of an FOI entry, made on first use. Effects (first time): the case
    (held by where the request first arrived, clock running), an FoiEvent, the explanation."""
    now = now or timezone.now()
    case = _lock(entry_id, by, now)
    if not case.due_explanation:
        case.due_explanation = clock_for(case).explanation
        case.save(update_fields=["due_explanation"])
    return case


@transaction.atomic
def set_holder(entry_id: int, *, holder: str, by, now: datetime | None = None) -> FoiCase:
    """Record which public authority holds the information and discloses it (Cumbria 6.1.4).
    Effects: holder saved, an FoiEvent. Refused once another authority's disclosure is in."""
    now = now or timezone.now()
    case = _lock(entry_id, by, now)
    holder = rules.Authority(holder)
    if rules.State(case.state) == rules.State.DISCLOSED_ELSEWHERE:
        raise rules.FoiError("The disclosure is recorded: the holder can no longer change.")
    if case.holder == holder:
        return case
    case.holder = holder
    case.version += 1
    case.save(update_fields=["holder", "version"])
    FoiEvent.objects.create(
        case=case, at=now, by=by, what=f"Held and disclosed by: {rules.AUTHORITY_LABELS[holder]}."
    )
    return case


@transaction.atomic
def ask_clarification(
    entry_id: int, *, question: str, by, today: date | None = None, now: datetime | None = None
) -> Clarification:
    """Ask the requester to clarify (FOIA s.1(3)): the clock stops until the answer.

    Effects: a Clarification row; the case awaiting clarification (FoiEvent); the question
    e-mailed to the requester through the outbox; the entry's target date moved to the
    earliest the restarted clock can end, explained.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if not question.strip():
        raise rules.FoiError("Write what the requester needs to tell you.")
    case = _lock(entry_id, by, now)
    rules.check_clarification(rules.State(case.state), today, clock_for(case))
    email = _email(case.entry, "foi_clarification", by, now, clarification=question.strip())
    clarification = Clarification.objects.create(
        case=case, asked_on=today, question=question.strip(), asked_by=by, email=email
    )
    _move(case, rules.State.AWAITING_CLARIFICATION, by, now, "Clarification asked.", [])
    _follow_clock(case, by, now, "FOI clock stopped: clarification asked (s.1(3))")
    return clarification


@transaction.atomic
def record_clarification(
    entry_id: int, *, answered_on: date, answer: str, by, now: datetime | None = None
) -> Clarification:
    """Record the requester's clarification: the clock runs again from `answered_on`, the
    new date of receipt (FOIA s.10(6)(b)).

    Effects: the Clarification answered; the case's clock running (FoiEvent); the entry's
    target date recomputed and explained (the pause and the days skipped).
    """
    now = now or timezone.now()
    if not answer.strip():
        raise rules.FoiError("Write what the requester told you (or paste their reply).")
    case = _lock(entry_id, by, now)
    if rules.State(case.state) != rules.State.AWAITING_CLARIFICATION:
        raise rules.FoiError("No clarification is awaited on this request.")
    clarification = case.clarifications.select_for_update().get(answered_on__isnull=True)
    rules.check_clarification_answer(clarification.asked_on, answered_on, timezone.localdate(now))
    clarification.answered_on = answered_on
    clarification.answer = answer.strip()
    clarification.recorded_by = by
    clarification.save(update_fields=["answered_on", "answer", "recorded_by"])
    _move(case, rules.State.OPEN, by, now, "Clarification received: the clock runs again.", [])
    _follow_clock(case, by, now, "FOI clock restarted: clarification received (s.10(6)(b))")
    return clarification


@transaction.atomic
def extend_for_public_interest(
    entry_id: int,
    *,
    new_date: date,
    exemptions: Sequence[str],
    reason: str,
    by,
    now: datetime | None = None,
) -> FoiCase:
    """Extend the time to consider the public interest (FOIA s.10(3)), with the notice.

    Effects: the case extended to `new_date` with the exemptions considered (FoiEvent); the
    notice (s.17(2): the exemptions and the date expected) e-mailed through the outbox; the
    entry's target date moved and explained. Raises FoiError (nothing done) unless
    rules.check_extension allows it.
    """
    now = now or timezone.now()
    case = _lock(entry_id, by, now)
    sections = rules.check_exemptions(exemptions, for_extension=True)
    clock = clock_for(case)
    rules.check_extension(
        rules.State(case.state), clock, new_date, timezone.localdate(now),
        _statutory_days(case.entry),
    )  # fmt: skip
    notice = _email(
        case.entry,
        "foi_extension",
        by,
        now,
        exemptions="\n".join(f"- {rules.exemption_label(s)}" for s in sections),
        new_date=f"{new_date:%A} {new_date.day} {new_date:%B %Y}",
        reason=reason.strip(),
    )
    case.extended_to = new_date
    case.extension_exemptions = sections
    case.extension_reason = reason.strip()
    case.extension_notice = notice
    _move(
        case,
        rules.State.EXTENDED,
        by,
        now,
        f"Extended to {new_date:%a %-d %b %Y} for the public interest test; notice sent.",
        ["extended_to", "extension_exemptions", "extension_reason", "extension_notice"],
    )
    _follow_clock(case, by, now, "FOI time extended for the public interest test (s.10(3))")
    return case


@transaction.atomic
def refuse_with_exemptions(
    entry_id: int,
    *,
    exemptions: Sequence[str],
    reason: str,
    by,
    may_approve: bool,
    now: datetime | None = None,
) -> FoiCase:
    """Refuse an FOI request, citing exemptions (FOIA s.17(1)).

    Effects: the exemptions and reason kept on the case (FoiEvent); the register entry
    refused through its funnel (signed off by the Chief Executive or a deputy: `may_approve`),
    whose reply is the refusal notice (template foi_refusal: the exemptions, why, the right to
    an internal review and to complain to the ICO), through the outbox.
    """
    now = now or timezone.now()
    if not reason.strip():
        raise rules.FoiError("Say why each exemption applies: it goes in the refusal notice.")
    case = _lock(entry_id, by, now)
    sections = rules.check_exemptions(exemptions)
    rules.check_transition(rules.State(case.state), rules.State.REFUSED)
    notice = rules.refusal_notice(sections, reason)
    register.set_entry_status(
        case.entry_id,
        register_rules.Status.REFUSED,
        by=by,
        reason=notice,
        may_approve=may_approve,
        reply_template="foi_refusal",
        now=now,
    )
    case.entry.refresh_from_db()
    case.exemptions = sections
    case.refusal_reason = reason.strip()
    _move(
        case,
        rules.State.REFUSED,
        by,
        now,
        "Refused under " + ", ".join(f"s.{s}" for s in sections) + "; refusal notice sent.",
        ["exemptions", "refusal_reason"],
    )
    return case


@transaction.atomic
def record_disclosure_elsewhere(
    entry_id: int,
    *,
    their_reference: str,
    disclosed_on: date,
    text: str,
    copy: register.IncomingFile,
    by,
    now: datetime | None = None,
) -> FoiCase:
    """Record that the force or the fire service disclosed under its own Act duty and copied
    the SPOC (Cumbria 6.1.4, Avon and Somerset 6.1.4, Norfolk 12, Cleveland 5.1,
    Leicestershire Req 5).

    Effects: their reference, the date, what was disclosed (the text that may be published
    through publishing's gate) and the copy received (type and size checked as any
    attachment) kept on the case (FoiEvent); the register entry closed as answered elsewhere.
    """
    now = now or timezone.now()
    if not their_reference.strip():
        raise rules.FoiError("Give the other authority's reference for its disclosure.")
    if not text.strip():
        raise rules.FoiError("Write what was disclosed (it is what can be published).")
    register.check_attachment(copy)
    case = _lock(entry_id, by, now)
    rules.check_disclosure_elsewhere(
        rules.Authority(case.holder), disclosed_on, timezone.localdate(now)
    )
    rules.check_transition(rules.State(case.state), rules.State.DISCLOSED_ELSEWHERE)
    holder = rules.AUTHORITY_LABELS[rules.Authority(case.holder)]
    register.set_entry_status(
        case.entry_id,
        register_rules.Status.CLOSED,
        by=by,
        reason=f"Disclosed by {holder} under its own FOI duty (their reference "
        f"{their_reference.strip()}, {disclosed_on:%-d %B %Y}); copy received by the SPOC.",
        answered_elsewhere=True,
        now=now,
    )
    case.entry.refresh_from_db()
    case.other_reference = their_reference.strip()
    case.other_disclosed_on = disclosed_on
    case.disclosure_text = text.strip()
    case.copy_stored_as = secrets.token_urlsafe(24)
    case.copy_filename = copy.filename[:255]
    case.copy_content_type = copy.content_type
    case.copy_size = len(copy.data)
    case.copy_file.save(case.copy_stored_as, ContentFile(copy.data), save=False)
    _move(
        case,
        rules.State.DISCLOSED_ELSEWHERE,
        by,
        now,
        f"Disclosed by {holder} (their reference {case.other_reference}); copy received.",
        [
            "other_reference",
            "other_disclosed_on",
            "disclosure_text",
            "copy_stored_as",
            "copy_filename",
            "copy_content_type",
            "copy_size",
            "copy_file",
        ],
    )
    return case


@transaction.atomic
def request_review(
    entry_id: int, *, requested_on: date, grounds: str, by, now: datetime | None = None
) -> FoiCase:
    """Record a request for an internal review, with its own target: 20 working days, 40 at
    most (the ICO's guidance). Effects: the review's dates and explanation, the case under
    review (FoiEvent)."""
    now = now or timezone.now()
    if not grounds.strip():
        raise rules.FoiError("Write what the requester is unhappy with.")
    if requested_on > timezone.localdate(now):
        raise rules.FoiError("The date of the request for review cannot be in the future.")
    case = _lock(entry_id, by, now)
    target, latest = rules.review_dates(requested_on, _statutory_days(case.entry))
    case.review_requested_on = requested_on
    case.review_grounds = grounds.strip()
    case.review_target = target.due
    case.review_latest = latest
    case.review_explanation = (
        f"{target.explanation} At most 40 working days: {latest:%a %-d %b %Y}."
    )
    _move(
        case,
        rules.State.UNDER_REVIEW,
        by,
        now,
        f"Internal review requested; target {target.due:%a %-d %b %Y}.",
        ["review_requested_on", "review_grounds", "review_target", "review_latest",
         "review_explanation"],
    )  # fmt: skip
    return case


@transaction.atomic
def decide_review(
    entry_id: int,
    *,
    outcome: str,
    notes: str,
    by,
    may_approve: bool,
    now: datetime | None = None,
) -> FoiCase:
    """Record the internal review's decision (by the Chief Executive or a deputy) and tell the
    requester. Effects: the outcome, date and notes on the case (FoiEvent); the outcome
    e-mailed through the outbox, with the right to complain to the ICO."""
    now = now or timezone.now()
    if not may_approve:
        raise rules.FoiError("Only the Chief Executive, or a deputy they name, decides a review.")
    if not notes.strip():
        raise rules.FoiError("Explain the decision: it goes to the requester.")
    outcome = rules.ReviewOutcome(outcome)
    case = _lock(entry_id, by, now)
    rules.check_transition(rules.State(case.state), rules.State.REVIEWED)
    _email(
        case.entry,
        "foi_review_outcome",
        by,
        now,
        outcome=str(rules.REVIEW_OUTCOME_LABELS[outcome]),
        notes=notes.strip(),
    )
    case.review_outcome = outcome
    case.review_notes = notes.strip()
    case.review_decided_on = timezone.localdate(now)
    _move(
        case,
        rules.State.REVIEWED,
        by,
        now,
        f"Internal review decided: {rules.REVIEW_OUTCOME_LABELS[outcome]}.",
        ["review_outcome", "review_notes", "review_decided_on"],
    )
    return case
