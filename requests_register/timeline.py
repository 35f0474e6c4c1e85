"""The story of one entry, oldest first: every change, e-mail, contribution, decision and note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from requests_register import rules
from requests_register.models import Entry

CONTACT_FIELDS = {"requester_email", "requester_phone", "requester_address"}
# Shown by their own timeline items, or internal.
SKIP_FIELDS = {"status", "version", "answered_at", "approved_at", "approved_by", "confirmed_at"}
# Who placed a legal hold and when is the history row's own user and date (dataprotection).
SKIP_FIELDS |= {"legal_hold_by", "legal_hold_at"}


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # status, change, email, contribution, note, assignment, attachment
    title: str
    body: str = ""
    by: str = ""
    state: str = ""


def _name(user) -> str:
    return user.get_username() if user else "the system"


def entry_timeline(entry: Entry, *, show_contacts: bool) -> list[TimelineItem]:
    """Return the entry's timeline. Requester contact details appear only if `show_contacts`.

    A fixed number of queries: one per kind of item.
    """
    items: list[TimelineItem] = []
    for event in entry.status_events.select_related("by"):
        old = rules.STATUS_LABELS[rules.Status(event.old_status)] if event.old_status else ""
        new = rules.STATUS_LABELS[rules.Status(event.new_status)]
        title = f"{old} → {new}" if old else new
        items.append(TimelineItem(event.at, "status", title, event.reason, _name(event.by)))

    records = list(
        entry.history.select_related("history_user").order_by("history_date", "history_id")
    )
    for previous, record in pairwise(records):
        delta = record.diff_against(previous)
        changes = []
        for change in delta.changes:
            if change.field in SKIP_FIELDS or (
                change.field in CONTACT_FIELDS and not show_contacts
            ):
                continue
            label = Entry._meta.get_field(change.field).verbose_name
            changes.append(f"{label}: {change.old or '—'} → {change.new or '—'}")
        if changes:
            items.append(
                TimelineItem(
                    record.history_date,
                    "change",
                    "Details changed",
                    "\n".join(changes),
                    _name(record.history_user),
                )
            )

    for email in entry.emails.select_related("created_by"):
        to = (
            ", ".join(email.to)
            if show_contacts
            else "the requester"
            if email.purpose != "assignment"
            else "a colleague"
        )
        state = email.get_state_display()
        if email.state == email.State.FAILED and email.last_error:
            state = f"{state}: {email.last_error}"
        items.append(
            TimelineItem(
                email.created_at,
                "email",
                f"E-mail to {to}: {email.subject}",
                email.body,
                _name(email.created_by),
                state,
            )
        )
    for c in entry.contributions.select_related("author"):
        items.append(
            TimelineItem(c.created_at, "contribution", "Contribution", c.body, _name(c.author))
        )
    for n in entry.notes.select_related("author"):
        items.append(
            TimelineItem(n.created_at, "note", n.get_kind_display(), n.body, _name(n.author))
        )
    for a in entry.assignments.select_related("assignee", "assigned_by"):
        items.append(
            TimelineItem(
                a.assigned_at,
                "assignment",
                f"Assigned to {_name(a.assignee)}",
                a.request,
                _name(a.assigned_by),
            )
        )
    for f in entry.attachments.select_related("uploaded_by"):
        # A file name can identify the requester ("Letter from A Smith.pdf"): colleagues who may
        # not see contact details see only that a file came.
        title = f"Attachment: {f.filename}" if show_contacts else "Attachment received"
        items.append(TimelineItem(f.uploaded_at, "attachment", title, "", _name(f.uploaded_by)))
    # E-mails read from the SPOC mailbox (mail_intake): replies, confirmations, bounces.
    for m in entry.inbound_emails.defer("raw"):
        sender = m.sender_email if show_contacts else "the requester"
        items.append(
            TimelineItem(
                m.received_at,
                "email",
                f"E-mail received from {sender or 'an unknown sender'}: {m.subject}",
                m.body,
                "the SPOC mailbox",
                m.get_state_display(),
            )
        )
    return sorted(items, key=lambda item: item.at)
