"""Preparing public entries: who must not be identified (the candidates, the requester), the
redactions the anonymiser finds, and the public texts computed from the private text and the
active redactions (publishing.services re-exports every public name here).

A public entry is prepared from what was told (a sent register answer, the notes of a held
meeting or of a briefing event), never edited by hand: its public texts are always computed
from the private text and the active redactions (rules.apply_redactions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from briefings.models import Booking, BriefingEvent
from candidates.models import Candidate
from election_protocol.models import Election
from election_protocol.services import save_with_history
from foi.queries import disclosure_elsewhere
from publishing import rules
from publishing.anonymise import Subject, anonymise
from publishing.models import PrivateText, PublicEntry, PublicRedaction
from requests_register.models import Entry

REQUESTER_LABEL = "[requester]"
CANDIDATE_LABEL = "[candidate]"


# --- who must not be identified -----------------------------------------------------------


def _clean(values) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _candidate_subjects(election: Election) -> list[Subject]:
    """Return a Subject for every candidate of `election` and for every agent.

    Every candidate, not only the requester: any of them may be named in a question or an
    answer, and naming one in public could favour or harm them (Cumbria 3.2.3).
    """
    subjects = []
    candidates = Candidate.objects.filter(election=election).select_related("party")
    for c in candidates.order_by("pk"):
        emails, phones = _clean(c.emails), _clean(c.phones)
        if c.agent_name.strip():
            subjects.append(
                Subject(
                    name=c.agent_name.strip(),
                    aliases=[],
                    emails=_clean([c.agent_email]),
                    phones=_clean([c.agent_phone]),
                    addresses=[],
                    party=None,
                    party_short_forms=[],
                    handles=[],
                    websites=[],
                )
            )
        else:  # an agent known only by contacts: hide those with the candidate's own
            emails += _clean([c.agent_email])
            phones += _clean([c.agent_phone])
        subjects.append(
            Subject(
                name=c.name.strip(),
                aliases=_clean(c.aliases),
                emails=emails,
                phones=phones,
                addresses=_clean([c.postal_address]),
                party=c.party.name if c.party else None,
                party_short_forms=_clean(c.party.short_forms) if c.party else [],
                handles=_clean(c.handles),
                websites=_clean([c.website]),
            )
        )
    return subjects


def _requester_subjects(entry: Entry | None) -> list[Subject]:
    """Return the requester of `entry` as a Subject: a member of the public too (name and
    contacts), with their party when the request came from a party."""
    if entry is None or not entry.requester_name.strip():
        return []
    party = entry.party
    return [
        Subject(
            name=entry.requester_name.strip(),
            aliases=[],
            emails=_clean([entry.requester_email]),
            phones=_clean([entry.requester_phone]),
            addresses=_clean([entry.requester_address]),
            party=party.name if party else None,
            party_short_forms=_clean(party.short_forms) if party else [],
            handles=[],
            websites=[],
        )
    ]


def subjects_for(election: Election, entry: Entry | None = None) -> list[Subject]:
    """Return everyone whose identity must not be published: the requester of `entry` (if
    given) first, then every candidate of `election` and every agent."""
    return [*_requester_subjects(entry), *_candidate_subjects(election)]


def keep_for(election: Election) -> list[str]:
    """Return the public contacts that must survive anonymisation: the office's and the
    PARO's e-mail and phone, and the names of the office, the force and the fire service."""
    return _clean(
        [
            election.spoc_email,
            election.spoc_phone,
            election.paro_email,
            election.paro_phone,
            election.paro_name,
            election.office_name,
            election.police_force_name,
            election.fire_service_name,
        ]
    )


def requester_label(entry: Entry) -> str:
    """Return what replaces the requester: "[candidate]" for a candidate or their agent,
    "[requester]" for a member of the public or a party."""
    if entry.requester_type in (Entry.RequesterType.CANDIDATE, Entry.RequesterType.AGENT):
        return CANDIDATE_LABEL
    return REQUESTER_LABEL


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str
    label: str


def _redactions_for(
    text: str, election: Election, entry: Entry | None, label: str, candidates: list[Subject]
) -> list[_Found]:
    """Return the automatic redactions of `text`, non-overlapping, offsets in `text`.

    The anonymiser takes one label for all its subjects, so a member of the public's request
    is anonymised twice over the same text, the requester as "[requester]" and the candidates
    as "[candidate]", and the two sets of spans are joined (rules.merge_spans: an overlap
    becomes one span, the requester's label first).
    """
    if not text.strip():
        return []
    keep = keep_for(election)
    requester = _requester_subjects(entry)
    if label == CANDIDATE_LABEL:
        runs = [anonymise(text, [*requester, *candidates], keep, subject_label=CANDIDATE_LABEL)]
    else:
        runs = [
            anonymise(text, requester, keep, subject_label=REQUESTER_LABEL),
            anonymise(text, candidates, keep, subject_label=CANDIDATE_LABEL),
        ]
    spans = [
        rules.Span(r.start, r.end, r.label, r.kind)
        for run in runs
        for r in sorted(run.redactions, key=lambda r: (r.start, -r.end))
    ]
    return [_Found(s.start, s.end, str(s.key), s.label) for s in rules.merge_spans(spans)]


def _automatic_redactions(
    public_entry: PublicEntry,
    field: rules.Field,
    text: str,
    found_with: tuple[Election, Entry | None, str, list[Subject]],
    by,
    now: datetime,
) -> list[PublicRedaction]:
    """Return the automatic redactions of `text` (_redactions_for with `found_with`: the
    election, the entry, the requester's label, the candidates) as unsaved rows of `field`."""
    return [
        PublicRedaction(
            public_entry=public_entry,
            field=field,
            start=f.start,
            end=f.end,
            kind=f.kind,
            label=f.label,
            original=text[f.start : f.end],
            source=PublicRedaction.Source.AUTOMATIC,
            by=by,
            at=now,
        )
        for f in _redactions_for(text, *found_with)
    ]


# --- building and recomputing public texts ------------------------------------------------


def _create_redactions(rows: list[PublicRedaction], by, now: datetime, why: str) -> None:
    """Save new redactions, each with its history row (who, when, why)."""
    bulk_create_with_history(
        rows, PublicRedaction, default_user=by, default_date=now, default_change_reason=why
    )


def _save_private_text(private: PrivateText, by, now: datetime) -> None:
    save_with_history(private, by=by, at=now)


def _private_texts(public_entry: PublicEntry) -> dict[rules.Field, PrivateText]:
    rows = PrivateText.objects.filter(public_entry=public_entry)
    return {rules.Field(row.field): row for row in rows}


def _active(public_entry: PublicEntry, field: rules.Field | None = None):
    rows = PublicRedaction.objects.filter(
        public_entry=public_entry, restored=False, superseded=False
    )
    return rows.filter(field=field) if field else rows


def _spans(redactions) -> list[rules.Span]:
    return [rules.Span(r.start, r.end, r.label, r.pk) for r in redactions]


def _recompute(public_entry: PublicEntry, field: rules.Field, text: str) -> None:
    """Set the public `field` from its private `text` and its active redactions."""
    setattr(
        public_entry,
        field.value,
        rules.apply_redactions(text, _spans(_active(public_entry, field))),
    )


def _record_texts(
    public_entry: PublicEntry,
    texts: dict[rules.Field, str],
    *,
    election: Election,
    entry: Entry | None,
    label: str,
    by,
    now: datetime,
) -> None:
    """Store the private texts and their automatic redactions; set the public fields."""
    candidates = _candidate_subjects(election)
    for field, text in texts.items():
        _save_private_text(PrivateText(public_entry=public_entry, field=field, text=text), by, now)
        rows = _automatic_redactions(
            public_entry, field, text, (election, entry, label, candidates), by, now
        )
        _create_redactions(rows, by, now, "Found when prepared")
        _recompute(public_entry, field, text)


def _numbered(election_id: int, kind: rules.Kind, letter: str) -> dict:
    """Return the election, the next number of a public entry of `kind` that no register entry
    numbers, and its reference (`<prefix>-<letter>-0001`). The election row is locked so two
    preparations get two numbers."""
    election = Election.objects.select_for_update().get(pk=election_id)
    last = PublicEntry.objects.filter(election=election, kind=kind).aggregate(n=Max("number"))
    number = (last["n"] or 0) + 1
    reference = f"{election.reference_prefix}-{letter}-{number:04d}"
    return {"election": election, "number": number, "reference": reference}


def _locked_entry(entry: Entry) -> Entry:
    """Return register `entry` read again, its own row locked, with its election and party."""
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("election", "party")
        .get(pk=entry.pk)
    )


def _check_entry_unpublished(entry: Entry) -> None:
    """Raise rules.PublishingError if register `entry` already has a public entry: one each."""
    if PublicEntry.objects.filter(entry=entry).exists():
        raise rules.PublishingError(
            _("%(reference)s already has a public entry.") % {"reference": entry.reference}
        )


def _from_register(entry: Entry) -> dict:
    """Return what a public entry made from register `entry` (its answer, or the action taken)
    takes from it: the election, its number and reference, the requester its texts anonymise
    and how they are named, the day it was received, whether it was an FOI request."""
    return {
        "election": entry.election,
        "entry": entry,
        "number": entry.number,
        "reference": entry.reference,
        "requester": entry,
        "label": requester_label(entry),
        "received_on": timezone.localdate(entry.received_at),
        "is_foi": entry.kind == "foi",
    }


def _create(
    *,
    kind: rules.Kind,
    election: Election,
    number: int,
    reference: str,
    texts: dict[rules.Field, str],
    requester: Entry | None,
    label: str,
    by,
    now: datetime,
    **fields,
) -> PublicEntry:
    public_entry = PublicEntry(
        kind=kind,
        election=election,
        number=number,
        reference=reference,
        prepared_by=by,
        prepared_at=now,
        **fields,
    )
    # Saved first with empty public texts (the redactions need its id), then with the texts:
    # at no moment does a public field hold private text.
    public_entry.topic = public_entry.question = public_entry.answer = ""
    public_entry.save()
    _record_texts(
        public_entry, texts, election=election, entry=requester, label=label, by=by, now=now
    )
    save_with_history(
        public_entry, by=by, at=now, why="Prepared", fields=["topic", "question", "answer"]
    )
    return public_entry


_BODY_FROM_ORGANISATION = {
    Entry.Organisation.OPCC: PublicEntry.AnsweringBody.OFFICE,
    Entry.Organisation.POLICE: PublicEntry.AnsweringBody.POLICE,
    Entry.Organisation.FIRE: PublicEntry.AnsweringBody.FIRE,
}


@transaction.atomic
def prepare_public_entry(entry: Entry, by, *, now: datetime | None = None) -> PublicEntry:
    """Prepare the public version of an answered register entry, as a draft.

    Raises rules.PublishingError unless the entry was answered (sent or closed, with an answer:
    rules.PUBLISHABLE_REGISTER_STATUSES) and has no public entry yet. Effects: a PublicEntry
    (draft, the register reference, dates without times, FOI or not, the organisation it was
    made to as the answering body), the private topic, question and answer kept in PrivateText,
    each automatic redaction recorded (the requester as "[requester]" for a member of the public
    or "[candidate]", every candidate and agent as "[candidate]"), a history row naming `by`.
    """
    now = now or timezone.now()
    entry = _locked_entry(entry)
    # An FOI request disclosed by the force or the fire service under its own Act duty: the
    # disclosure is the answer published (Cumbria 6.1.4, Avon and Somerset 6.1.4, Norfolk 12:
    # "the response will be posted on the ... web site"), through the same gate.
    elsewhere = disclosure_elsewhere(entry) if entry.kind == "foi" else None
    answer = elsewhere.disclosure_text if elsewhere else entry.answer
    if not rules.can_publish_register_entry(entry.status, bool(answer.strip())):
        raise rules.PublishingError(
            _("Only an answer that was sent can be published: this entry is %(status)s.")
            % {"status": entry.status_label.lower()}
        )
    _check_entry_unpublished(entry)
    return _create(
        kind=rules.Kind.REGISTER_ANSWER,
        **_from_register(entry),
        texts={
            rules.Field.TOPIC: entry.topic,
            rules.Field.QUESTION: entry.question,
            rules.Field.ANSWER: answer,
        },
        answered_on=(
            elsewhere.other_disclosed_on
            if elsewhere
            else timezone.localdate(entry.answered_at)
            if entry.answered_at
            else None
        ),
        answering_body=_BODY_FROM_ORGANISATION[
            Entry.Organisation(elsewhere.holder if elsewhere else entry.first_reached)
        ],
        by=by,
        now=now,
    )


_BODY_FROM_CHIEF = {
    "": PublicEntry.AnsweringBody.OFFICE,
    "chief_constable": PublicEntry.AnsweringBody.POLICE,
    "chief_fire_officer": PublicEntry.AnsweringBody.FIRE,
}


@transaction.atomic
def prepare_meeting_notes(booking: Booking, by, *, now: datetime | None = None) -> PublicEntry:
    """Prepare the public notes of a held meeting or visit, as a draft (Cumbria 8.3).

    Raises rules.PublishingError unless the booking was held with notes and has no public
    entry yet. Effects: the election row locked to number it (`<prefix>-M-0001`); a PublicEntry
    whose question is the advance questions and whose answer is the notes, both anonymised
    (the candidate and every other as "[candidate]"), the chief's organisation as the
    answering body; private texts and redactions recorded; a history row naming `by`.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("election", "entry", "entry__party", "visit_type")
        .get(pk=booking.pk)
    )
    if not rules.can_publish_booking(booking.status, bool(booking.notes.strip())):
        raise rules.PublishingError(
            _("Only a meeting or visit held, with its notes, is published.")
        )
    if PublicEntry.objects.filter(booking=booking).exists():
        raise rules.PublishingError(_("This meeting already has a public entry."))
    return _create(
        kind=rules.Kind.MEETING_NOTES,
        **_numbered(booking.election_id, rules.Kind.MEETING_NOTES, "M"),
        booking=booking,
        texts={
            rules.Field.TOPIC: booking.what,
            rules.Field.QUESTION: booking.advance_questions,
            rules.Field.ANSWER: booking.notes,
        },
        requester=booking.entry,
        label=CANDIDATE_LABEL,
        received_on=timezone.localdate(booking.entry.received_at),
        answered_on=timezone.localdate(booking.starts_at) if booking.starts_at else None,
        answering_body=_BODY_FROM_CHIEF.get(booking.chief, PublicEntry.AnsweringBody.OFFICE),
        by=by,
        now=now,
    )


@transaction.atomic
def prepare_event_notes(event: BriefingEvent, by, *, now: datetime | None = None) -> PublicEntry:
    """Prepare the public notes of a briefing event, as a draft (Cumbria 8.2).

    Raises rules.PublishingError unless the event was announced, not cancelled, has notes and
    no public entry yet. Effects: the election row locked to number it (`<prefix>-E-0001`); a
    PublicEntry whose topic is the event's title and answer its notes, anonymised (every
    candidate as "[candidate]"), answered by the office on the day of the event; private texts
    and redactions recorded; a history row naming `by`.
    """
    now = now or timezone.now()
    event = BriefingEvent.objects.select_for_update().get(pk=event.pk)
    if not rules.can_publish_event(
        event.invited_at is not None, bool(event.cancelled_reason), bool(event.notes.strip())
    ):
        raise rules.PublishingError(
            _(
                "Only the notes of a briefing event announced to candidates, and not cancelled, "
                "are published."
            )
        )
    if PublicEntry.objects.filter(event=event).exists():
        raise rules.PublishingError(_("This event already has a public entry."))
    return _create(
        kind=rules.Kind.EVENT_NOTES,
        **_numbered(event.election_id, rules.Kind.EVENT_NOTES, "E"),
        event=event,
        texts={rules.Field.TOPIC: event.title, rules.Field.ANSWER: event.notes},
        requester=None,
        label=CANDIDATE_LABEL,
        received_on=None,
        answered_on=timezone.localdate(event.starts_at),
        answering_body=PublicEntry.AnsweringBody.OFFICE,
        by=by,
        now=now,
    )
