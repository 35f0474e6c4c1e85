"""Subject access (UK GDPR Article 15): everything the application holds about one person,
found by name, e-mail address, phone number or staff username, as plain values ready for JSON
or a tagged PDF.

`find_subject_data` reads; `as_json` and `render_pdf` format. Nothing here writes: the view logs
each export through dataprotection.services.record_subject_access.

Matching is deliberately exact (case, spacing and, for phones, punctuation aside) so an export
does not sweep in a namesake's record by a partial match; texts that merely mention the person
(notes, contributions, reasons, e-mails) are found by the name or e-mail appearing in them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string

from briefings.models import Attendance, Booking, CandidateOffer
from candidates.models import Candidate, StatusChange
from foi.models import FoiCase
from requests_register.models import (
    Contribution,
    Entry,
    Note,
    OutboundEmail,
    StatusEvent,
)

PDF_VARIANT = "pdf/ua-1"  # tagged, as briefings.letters


@dataclass(frozen=True)
class Query:
    name: str = ""
    email: str = ""
    phone: str = ""
    username: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.name.strip(), self.email.strip(), self.phone_digits, self.username))

    @property
    def phone_digits(self) -> str:
        return phone_digits(self.phone)

    @property
    def about(self) -> str:
        return ", ".join(v for v in (self.name, self.email, self.phone, self.username) if v)


def phone_digits(value: str) -> str:
    """Return a UK phone number's digits in national form: "+44 7700 900123" -> "07700900123"."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


def _norm(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _user(user) -> str | None:
    return user.get_username() if user else None


def _matches_entry(q: Query, name: str, email: str, phone: str) -> bool:
    return bool(
        (q.name and _norm(name) == _norm(q.name))
        or (q.email and _norm(email) == _norm(q.email))
        or (q.phone_digits and phone_digits(phone) == q.phone_digits)
    )


def _matches(q: Query, names, emails, phones) -> bool:
    return bool(
        (q.name and _norm(q.name) in {_norm(n) for n in names if n})
        or (q.email and _norm(q.email) in {_norm(e) for e in emails if e})
        or (q.phone_digits and q.phone_digits in {phone_digits(p) for p in phones if p})
    )


def _matches_candidate(q: Query, c) -> bool:
    """The person is the candidate (their own names, e-mails, phones; never the agent's)."""
    return _matches(q, [c.name, *(c.aliases or [])], c.emails or [], c.phones or [])


def _matches_agent(q: Query, c) -> bool:
    """The person is the candidate's agent: only the agent's own details are theirs."""
    return _matches(q, [c.agent_name], [c.agent_email], [c.agent_phone])


def _mention_filter(q: Query, field: str) -> Q | None:
    """A first, broad filter in the database; `_mentions` keeps whole words only."""
    terms = _mention_terms(q)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def _mention_terms(q: Query) -> list[str]:
    return [t for t in (q.name.strip(), q.email.strip()) if len(t) >= 3]


def _mentions(q: Query, text: str) -> bool:
    """Whether `text` names the person as a whole word ("Lee", never "Leeds")."""
    return any(
        re.search(rf"(?<![\w@.]){re.escape(term)}(?![\w@])", text or "", re.IGNORECASE)
        for term in _mention_terms(q)
    )


def _entry_data(entry: Entry) -> dict[str, Any]:
    history = entry.history.select_related("history_user").order_by("history_date", "history_id")
    return {
        "reference": entry.reference,
        "election": str(entry.election),
        "received_at": _when(entry.received_at),
        "channel": entry.get_channel_display(),
        "kind": entry.get_kind_display(),
        "topic": entry.topic,
        "question": entry.question,
        "requester": {
            "type": entry.get_requester_type_display(),
            "name": entry.requester_name,
            "email": entry.requester_email,
            "phone": entry.requester_phone,
            "address": entry.requester_address,
            "candidate": entry.candidate.name if entry.candidate else None,
            "party": entry.party.name if entry.party else None,
            "treated_as": entry.get_treated_as_display(),
        },
        "status": entry.status_label,
        "target_date": _when(entry.target_date),
        "answer": entry.answer,
        "answered_at": _when(entry.answered_at),
        "ending_reason": entry.ending_reason,
        "legal_hold": {
            "on_hold": entry.legal_hold,
            "reason": entry.legal_hold_reason,
            "since": _when(entry.legal_hold_at),
        },
        "personal_data_erased_at": _when(entry.personal_data_erased_at),
        "status_events": [
            {
                "at": _when(e.at),
                "from": e.old_status,
                "to": e.new_status,
                "by": _user(e.by),
                "reason": e.reason,
            }
            for e in entry.status_events.select_related("by")
        ],
        "notes": [
            {"at": _when(n.created_at), "kind": n.get_kind_display(), "text": n.body}
            for n in entry.notes.all()
        ],
        "contributions": [
            {"at": _when(c.created_at), "by": _user(c.author), "text": c.body}
            for c in entry.contributions.select_related("author")
        ],
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "received_at": _when(a.uploaded_at),
            }
            for a in entry.attachments.all()
        ],
        "emails": [_email_data(m) for m in entry.emails.all()],
        "freedom_of_information": _foi_data(entry),
        "history": [
            {
                "at": _when(h.history_date),
                "change": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                "by": _user(h.history_user),
                "reason": h.history_change_reason or "",
                "requester_name": h.requester_name,
                "requester_email": h.requester_email,
                "requester_phone": h.requester_phone,
                "requester_address": h.requester_address,
                "topic": h.topic,
                "question": h.question,
                "answer": h.answer,
                "status": h.status,
            }
            for h in history
        ],
    }


def _foi_data(entry: Entry) -> dict[str, Any] | None:
    """Return what an FOI request (foi app) holds beyond the entry: clarifications, the
    extension, the refusal, another authority's disclosure, the internal review."""
    case = FoiCase.objects.filter(entry=entry).first()
    if case is None:
        return None
    return {
        "held_by": case.get_holder_display(),
        "state": case.state_label,
        "clarifications": [
            {
                "asked_on": _when(c.asked_on),
                "question": c.question,
                "answered_on": _when(c.answered_on),
                "answer": c.answer,
            }
            for c in case.clarifications.all()
        ],
        "extended_to": _when(case.extended_to),
        "extension_reason": case.extension_reason,
        "exemptions": case.exemption_labels,
        "refusal_reason": case.refusal_reason,
        "other_authority_reference": case.other_reference,
        "disclosure_text": case.disclosure_text,
        "copy_received": case.copy_filename,
        "review": {
            "requested_on": _when(case.review_requested_on),
            "grounds": case.review_grounds,
            "outcome": case.get_review_outcome_display(),
            "notes": case.review_notes,
        },
    }


def _email_data(m: OutboundEmail) -> dict[str, Any]:
    return {
        "to": list(m.to),
        "subject": m.subject,
        "body": m.body,
        "state": m.get_state_display(),
        "created_at": _when(m.created_at),
        "sent_at": _when(m.sent_at),
        "attachments": [a.filename for a in m.attachments.all()],
    }


def _candidate_data(c: Candidate) -> dict[str, Any]:
    return {
        "election": str(c.election),
        "name": c.name,
        "aliases": list(c.aliases or []),
        "party": c.party_label,
        "status": c.status_label,
        "incumbent_role": c.get_incumbent_role_display() if c.incumbent_role else "",
        "emails": list(c.emails or []),
        "phones": list(c.phones or []),
        "postal_address": c.postal_address,
        "handles": list(c.handles or []),
        "website": c.website,
        "agent": {"name": c.agent_name, "email": c.agent_email, "phone": c.agent_phone},
        "status_changes": [
            {
                "at": _when(s.changed_at),
                "from": s.old_label,
                "to": s.new_label,
                "by": _user(s.changed_by),
                "note": s.note,
            }
            for s in StatusChange.objects.filter(candidate=c).select_related("changed_by")
        ],
        "event_invitations": [
            {"event": str(a.event), "invited_at": _when(a.invited_at), "attended": a.attended}
            for a in Attendance.objects.filter(candidate=c).select_related("event")
        ],
        "equal_offer": [
            {
                "item": o.item.title,
                "state": o.get_state_display(),
                "offered_at": _when(o.offered_at),
            }
            for o in CandidateOffer.objects.filter(candidate=c).select_related("item")
        ],
        "bookings": [
            {
                "what": b.what,
                "status": b.status_label,
                "register_entry": b.entry.reference,
                "starts_at": _when(b.starts_at),
                "place": b.place,
                "advance_questions": b.advance_questions,
                "decision_reason": b.decision_reason,
                "notes": b.notes,
            }
            for b in Booking.objects.filter(candidate=c).select_related("entry", "visit_type")
        ],
        "history": [
            {
                "at": _when(h.history_date),
                "change": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                "by": _user(h.history_user),
                "name": h.name,
                "emails": list(h.emails or []),
                "phones": list(h.phones or []),
                "postal_address": h.postal_address,
                "agent_name": h.agent_name,
                "agent_email": h.agent_email,
                "agent_phone": h.agent_phone,
            }
            for h in c.history.select_related("history_user").order_by("history_date")
        ],
    }


def _staff_accounts(q: Query) -> list:
    User = get_user_model()
    condition = Q(pk__in=[])
    if q.username:
        condition |= Q(username__iexact=q.username)
    if q.email:
        condition |= Q(email__iexact=q.email.strip())
    return list(User.objects.filter(condition).order_by("username"))


def _audit_events(users: list, q: Query) -> list[dict[str, Any]]:
    """Return the security app's audit events about or by the person, if that app is here."""
    if not apps.is_installed("security"):
        return []
    try:
        AuditEvent = apps.get_model("security", "AuditEvent")
    except LookupError:
        return []
    usernames = {u.get_username() for u in users} | ({q.username} if q.username else set())
    if not usernames and not users:
        return []
    condition = Q(username__in=usernames) | Q(user__in=users) | Q(actor__in=users)
    return [
        {
            "at": _when(e.at),
            "event": e.get_kind_display(),
            "username": e.username,
            "by": e.actor_name,
            "ip_address": e.ip_address,
            "detail": e.detail,
        }
        for e in AuditEvent.objects.filter(condition).order_by("at", "pk")
    ]


def find_subject_data(q: Query) -> dict[str, Any]:
    """Return everything held about the person `q` describes, grouped by kind.

    Register entries where they are the requester (by the current details or any history
    row, so an entry whose details were later corrected is found too), their candidate records
    (as candidate or agent) with status changes, invitations, offers, bookings and history,
    e-mails sent to their address, notes, contributions and reasons that mention them, staff
    accounts and audit events. Empty lists when nothing is held.
    """
    if q.is_empty:
        raise ValueError("Give a name, an e-mail address, a phone number or a username.")
    fields = ("id", "requester_name", "requester_email", "requester_phone")
    entry_ids = {
        pk
        for model in (Entry, Entry.history.model)
        for pk, name, email, phone in model.objects.values_list(*fields).distinct()
        if _matches_entry(q, name, email, phone)
    }
    candidates = [
        c
        for c in Candidate.objects.select_related("party", "election").order_by("pk")
        if _matches_candidate(q, c)
    ]
    history_only = {
        row.id
        for row in Candidate.history.model.objects.all()
        if _matches_candidate(q, row) and row.id not in {c.pk for c in candidates}
    }
    candidates += list(Candidate.objects.filter(pk__in=history_only).select_related("party"))
    agent_of = [
        {
            "candidate": c.name,  # a standing candidate's name is public (SoPN)
            "election": str(c.election),
            "agent_name": c.agent_name,
            "agent_email": c.agent_email,
            "agent_phone": c.agent_phone,
        }
        for c in Candidate.objects.select_related("election").order_by("pk")
        if _matches_agent(q, c)
    ]
    entries = list(
        Entry.objects.filter(pk__in=entry_ids)
        .select_related("election", "candidate", "party")
        .order_by("received_at", "pk")
    )

    emails = []
    if q.email.strip():
        emails = [
            _email_data(m)
            for m in OutboundEmail.objects.exclude(entry_id__in=entry_ids)
            .filter(to__icontains=q.email.strip())
            .order_by("created_at", "pk")
            if _norm(q.email) in {_norm(a) for a in m.to}
        ]

    mentions = []
    for model, field, kind in (
        (Note, "body", "note"),
        (Contribution, "body", "contribution"),
        (StatusEvent, "reason", "status reason"),
    ):
        condition = _mention_filter(q, field)
        if condition is None:
            continue
        rows = model.objects.filter(condition).exclude(entry_id__in=entry_ids)
        mentions += [
            {"entry": row.entry.reference, "kind": kind, "text": getattr(row, field)}
            for row in rows.select_related("entry").order_by("pk")
            if _mentions(q, getattr(row, field))
        ]
    condition = _mention_filter(q, "question")
    if condition is not None:
        for field in ("question", "answer"):
            rows = Entry.objects.filter(_mention_filter(q, field)).exclude(pk__in=entry_ids)
            mentions += [
                {"entry": e.reference, "kind": field, "text": getattr(e, field)}
                for e in rows.order_by("pk")
                if _mentions(q, getattr(e, field))
            ]

    users = _staff_accounts(q)
    return {
        "register_entries": [_entry_data(e) for e in entries],
        "candidate_records": [_candidate_data(c) for c in candidates],
        "agent_of": agent_of,
        "emails_to_them": emails,
        "mentions": mentions,
        "staff_accounts": [
            {
                "username": u.get_username(),
                "name": u.get_full_name(),
                "email": u.email,
                "roles": sorted(u.groups.values_list("name", flat=True)),
                "active": u.is_active,
                "last_login": _when(u.last_login),
                "date_joined": _when(u.date_joined),
            }
            for u in users
        ],
        "audit_events": _audit_events(users, q),
    }


def summary(data: dict[str, Any]) -> dict[str, int]:
    """Return how many items of each kind `data` holds (logged with the export)."""
    return {kind: len(items) for kind, items in data.items()}


def as_json(data: dict[str, Any], *, q: Query, office: str, by: str, now: datetime) -> bytes:
    """Return the export as indented UTF-8 JSON with who made it, when, and for whom."""
    document = {
        "subject_access_export": {
            "controller": office,
            "generated_at": now.isoformat(),
            "generated_by": by,
            "search": {"name": q.name, "email": q.email, "phone": q.phone, "username": q.username},
        },
        **data,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def render_pdf(data: dict[str, Any], *, q: Query, office: str, by: str, now: datetime) -> bytes:
    """Return the export as a tagged PDF/UA-1 document (WeasyPrint), as the letters are."""
    from weasyprint import HTML  # loads Pango and fonts: only when a PDF is asked for

    html = render_to_string(
        "dataprotection/subject_access_pdf.html",
        {"data": data, "q": q, "office": office, "by": by, "now": now},
    )
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
