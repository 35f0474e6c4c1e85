"""Every write of data protection: legal holds, the retention period, the retention run (one
funnel) and the log of subject access exports.

What a retention run erases, and why the rest stays, is written out in apply_retention's
docstring; the privacy notice (templates/public/privacy.html) says the same in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate
from dataprotection import queries, rules
from dataprotection.models import RetentionRun, SubjectAccessRequest
from election_protocol import staff_counts
from election_protocol.models import Election
from foi.models import Clarification, FoiCase, FoiEvent
from incidents.services import erase_personal_data
from publishing.anonymise import Subject, anonymise
from publishing.models import Correction, PrivateText, PublicEntry, PublicRedaction
from requests_register.models import (
    AnswerDocument,
    Assignment,
    Attachment,
    Contribution,
    Entry,
    Note,
    OutboundAttachment,
    OutboundEmail,
    SignOffProposal,
    StatusEvent,
)

# What replaces a person in an anonymised text (the register's own word for them).
PERSON_LABEL = "[requester]"
ERASED_REASON = "Personal data erased after the retention period"


class RetentionNotDue(ValueError):
    """The election's retention date has not come: nothing was erased."""


# --- legal hold and the retention period ----------------------------------------------------


@transaction.atomic
def set_legal_hold(
    entry_id: int, *, hold: bool, reason: str, by, now: datetime | None = None
) -> Entry:
    """Place (`hold=True`) or lift a legal hold on a register entry.

    Effects: the entry locked and its hold fields saved (reason, who, when); a history row
    naming `by` with the reason as its change reason, so the entry's timeline shows every hold
    placed and lifted; the version bumped (an edit page open on the old version is refused).
    Raises rules.LegalHoldError for a change the rules refuse.
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    rules.check_legal_hold(
        placing=hold,
        currently=entry.legal_hold,
        reason=reason,
        already_erased=entry.personal_data_erased_at is not None,
    )
    entry.legal_hold = hold
    entry.legal_hold_reason = reason.strip()
    entry.legal_hold_by = by
    entry.legal_hold_at = now
    entry.version += 1
    entry._history_user = by
    entry._history_date = now
    # The full reason is on the entry; the history's change reason holds 100 characters.
    label = "Legal hold placed: " if hold else "Legal hold lifted: "
    entry._change_reason = _fit(label + reason.strip(), 100)
    entry.save(
        update_fields=[
            "legal_hold",
            "legal_hold_reason",
            "legal_hold_by",
            "legal_hold_at",
            "version",
        ]
    )
    return entry


@transaction.atomic
def set_retention_period(election_id: int, *, months: int, by) -> Election:
    """Set how many months after the poll the register's personal data is kept.

    Effects: the election saved with a history row naming `by`. The public privacy notice
    states the period, so the caller republishes the site (publishing.site.schedule_publish).
    """
    election = Election.objects.select_for_update().get(pk=election_id)
    election.retention_months = months
    election._history_user = by
    election.full_clean(validate_unique=False, validate_constraints=False)
    election.save(update_fields=["retention_months"])
    return election


# --- the retention run ----------------------------------------------------------------------


def _fit(text: str, length: int) -> str:
    """Return `text` cut to `length` characters with an ellipsis: a label longer than the name
    it replaces can push a short field past its column's size."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _clean(values) -> list[str]:
    return [v.strip() for v in values if v and str(v).strip()]


@dataclass
class _Scrubber:
    """Anonymises texts for one run: the people being erased, the office's public contacts
    kept. Every e-mail address, UK phone number, postcode and @handle goes in any case."""

    subjects: list[Subject]
    keep: list[str]
    changed: int = 0
    identifiers: set[str] = field(default_factory=set)

    def __call__(self, text: str) -> str:
        if not text or not text.strip():
            return text
        result = anonymise(text, self.subjects, self.keep, subject_label=PERSON_LABEL).text
        if result != text:
            self.changed += 1
        return result

    def mentions(self, text: str) -> bool:
        """Return True if `text` holds one of the run's identifiers (a cheap first look)."""
        folded = text.casefold()
        return any(i in folded for i in self.identifiers)


def _keep(election: Election) -> list[str]:
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


def _requester_subject(entry: Entry) -> Subject:
    return Subject(
        name=entry.requester_name.strip(),
        emails=_clean([entry.requester_email]),
        phones=_clean([entry.requester_phone]),
        addresses=_clean([entry.requester_address]),
    )


def _candidate_subjects(candidate: Candidate) -> list[Subject]:
    """Return the candidate's private details as subjects: the agent as a person; the
    candidate's own contacts without the name (a candidate's name is the public record)."""
    subjects = [
        Subject(
            name="",
            emails=_clean(candidate.emails),
            phones=_clean(candidate.phones),
            addresses=_clean([candidate.postal_address]),
            handles=_clean(candidate.handles),
            websites=_clean([candidate.website]),
        )
    ]
    if candidate.agent_name.strip() or candidate.agent_email or candidate.agent_phone:
        subjects.append(
            Subject(
                name=candidate.agent_name.strip(),
                emails=_clean([candidate.agent_email]),
                phones=_clean([candidate.agent_phone]),
            )
        )
    return subjects


def _identifiers(subjects: list[Subject]) -> set[str]:
    found = set()
    for s in subjects:
        found.update(v.casefold() for v in [s.name, *s.emails, *s.phones, *s.websites] if v)
        found.update(h.casefold().lstrip("@") for h in s.handles)
    return found


def _scrub_rows(rows, fields: tuple[str, ...], scrub: _Scrubber) -> list:
    """Anonymise `fields` of each row; return the rows that changed (for bulk_update)."""
    changed = []
    for row in rows:
        dirty = False
        for name in fields:
            old = getattr(row, name)
            new = scrub(old)
            if new != old:
                setattr(row, name, new)
                dirty = True
        if dirty:
            changed.append(row)
    return changed


def _delete_files_after_commit(names: list[str]) -> None:
    # After commit: if the run rolls back, the rows still point at files that still exist.
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


ENTRY_REQUESTER_ERASED = {
    "requester_name": "",
    "requester_email": "",
    "requester_phone": "",
    "requester_address": "",
}
ENTRY_TEXT_FIELDS = ("topic", "question", "answer", "ending_reason")
FOI_TEXT_FIELDS = (
    "extension_reason",
    "refusal_reason",
    "disclosure_text",
    "review_grounds",
    "review_notes",
)
TOPIC_LENGTH = Entry._meta.get_field("topic").max_length
SUBJECT_LENGTH = OutboundEmail._meta.get_field("subject").max_length


def _erase_entries(entries: list[Entry], scrub: _Scrubber, by, now: datetime, counts) -> None:
    ids = [e.pk for e in entries]
    # The entries: requester details gone, texts anonymised, a history row saying why.
    for entry in Entry.objects.select_for_update().filter(pk__in=ids):
        for name, value in ENTRY_REQUESTER_ERASED.items():
            setattr(entry, name, value)
        for name in ENTRY_TEXT_FIELDS:
            setattr(entry, name, scrub(getattr(entry, name)))
        entry.topic = _fit(entry.topic, TOPIC_LENGTH)
        entry.personal_data_erased_at = now
        entry.version += 1
        entry._history_user = by
        entry._history_date = now
        entry._change_reason = ERASED_REASON
        entry.save()
    counts["entries"] += len(ids)

    # Their history: every earlier version held the same personal data.
    history = Entry.history.model.objects.filter(id__in=ids)
    rows = list(history)
    for row in rows:
        for name, value in ENTRY_REQUESTER_ERASED.items():
            setattr(row, name, value)
        for name in ENTRY_TEXT_FIELDS:
            setattr(row, name, scrub(getattr(row, name)))
        row.topic = _fit(row.topic, TOPIC_LENGTH)
    Entry.history.model.objects.bulk_update(
        rows, [*ENTRY_REQUESTER_ERASED, *ENTRY_TEXT_FIELDS], batch_size=500
    )
    counts["history_rows"] += len(rows)

    # Free texts written about them: reasons, requests to colleagues, contributions, notes.
    for model, fields in (
        (StatusEvent, ("reason",)),
        (Assignment, ("request",)),
        (Contribution, ("body",)),
        (Note, ("body",)),
        (SignOffProposal, ("reason", "decision_note")),  # issue 13
    ):
        changed = _scrub_rows(model.objects.filter(entry_id__in=ids), fields, scrub)
        if changed:
            model.objects.bulk_update(changed, list(fields), batch_size=500)
        counts["texts"] += len(changed)

    # FOI requests (foi): the texts about them anonymised, another authority's copy (addressed
    # to the requester) deleted, row fields and bytes.
    for model, fields, where in (
        (Clarification, ("question", "answer"), {"case__entry_id__in": ids}),
        (FoiEvent, ("what",), {"case__entry_id__in": ids}),
        (FoiCase, FOI_TEXT_FIELDS, {"entry_id__in": ids}),
    ):
        changed = _scrub_rows(model.objects.filter(**where), fields, scrub)
        if changed:
            model.objects.bulk_update(changed, list(fields), batch_size=500)
        counts["texts"] += len(changed)
    copies = FoiCase.objects.filter(entry_id__in=ids).exclude(copy_stored_as="")
    copy_names = [c.copy_file.name for c in copies if c.copy_file]
    counts["attachments"] += len(copy_names)
    copies.update(
        copy_stored_as="", copy_file="", copy_filename="", copy_content_type="", copy_size=0
    )
    _delete_files_after_commit(copy_names)

    # Files received (the saved e-mail among them): deleted, rows and bytes.
    attachments = Attachment.objects.filter(entry_id__in=ids)
    names = [a.file.name for a in attachments if a.file]
    counts["attachments"] += attachments.count()
    attachments.delete()
    _delete_files_after_commit(names)

    # E-mails sent about them: no recipients, texts anonymised, attached letters deleted.
    emails = list(OutboundEmail.objects.filter(entry_id__in=ids))
    for email in emails:
        email.to = []
        email.subject = _fit(scrub(email.subject), SUBJECT_LENGTH)
        email.body = scrub(email.body)
        email.last_error = scrub(email.last_error)
    OutboundEmail.objects.bulk_update(
        emails, ["to", "subject", "body", "last_error"], batch_size=500
    )
    counts["emails"] += len(emails)
    letters = OutboundAttachment.objects.filter(email__entry_id__in=ids)
    counts["email_attachments"] += letters.count()
    letters.delete()
    # Documents sent with an answer (issue 13): deleted, like the letters.
    documents = AnswerDocument.objects.filter(entry_id__in=ids)
    counts["email_attachments"] += documents.count()
    documents.delete()

    # The publishing workspace. The published entry stays exactly as it is; the private text
    # it was made from becomes the public text itself, and what each redaction hid is dropped
    # (marked superseded, so nothing recomputed from them can bring a name back).
    public_ids = list(PublicEntry.objects.filter(entry_id__in=ids).values_list("pk", flat=True))
    _erase_public_workspace(public_ids, scrub, counts)


def _erase_public_workspace(public_ids: list[int], scrub: _Scrubber, counts) -> None:
    if not public_ids:
        return
    publics = {p.pk: p for p in PublicEntry.objects.filter(pk__in=public_ids)}
    texts = list(PrivateText.objects.filter(public_entry_id__in=public_ids))
    for text in texts:
        text.text = getattr(publics[text.public_entry_id], text.field)
    PrivateText.objects.bulk_update(texts, ["text"], batch_size=500)
    history = list(PrivateText.history.model.objects.filter(public_entry_id__in=public_ids))
    for row in history:
        row.text = scrub(row.text)
    PrivateText.history.model.objects.bulk_update(history, ["text"], batch_size=500)
    # A correction's text as written (private, like PrivateText), history included.
    for model in (Correction, Correction.history.model):
        rows = list(model.objects.filter(public_entry_id__in=public_ids).exclude(answer=""))
        for row in rows:
            row.answer = scrub(row.answer)
        model.objects.bulk_update(rows, ["answer"], batch_size=500)
    redactions = PublicRedaction.objects.filter(public_entry_id__in=public_ids)
    counts["redactions"] += redactions.update(original="", superseded=True)
    PublicRedaction.history.model.objects.filter(public_entry_id__in=public_ids).update(original="")
    counts["public_texts"] += len(texts)
    counts["history_rows"] += len(history)


def _erase_candidates(candidates: list[Candidate], by, now: datetime, counts) -> None:
    ids = [c.pk for c in candidates]
    for candidate in Candidate.objects.select_for_update().filter(pk__in=ids):
        for name, value in queries.CANDIDATE_PRIVATE_FIELDS.items():
            setattr(candidate, name, value)
        candidate._history_user = by
        candidate._history_date = now
        candidate._change_reason = ERASED_REASON
        candidate.save()
    counts["candidates"] += len(ids)
    # Every history row of every candidate of the election: one that no longer has contacts
    # may have had them in an earlier version.
    history = Candidate.history.model.objects.filter(id__in=ids)
    counts["history_rows"] += history.update(
        **{name: value for name, value in queries.CANDIDATE_PRIVATE_FIELDS.items()}
    )


def _scrub_other_emails(scrub: _Scrubber, erased_addresses: set[str], counts) -> None:
    """Remove the erased people from e-mails not tied to a register entry (invitations to
    briefing events, the equal offer): their address from the recipients, their details from
    the text. Only rows that mention one of them are touched."""
    changed = []
    for email in OutboundEmail.objects.filter(entry__isnull=True).iterator():
        recipients = [a for a in email.to if a.casefold() not in erased_addresses]
        text = f"{email.subject}\n{email.body}\n{email.last_error}"
        if recipients == email.to and not scrub.mentions(text):
            continue
        email.to = recipients
        email.subject = _fit(scrub(email.subject), SUBJECT_LENGTH)
        email.body = scrub(email.body)
        email.last_error = scrub(email.last_error)
        changed.append(email)
    OutboundEmail.objects.bulk_update(
        changed, ["to", "subject", "body", "last_error"], batch_size=500
    )
    counts["emails"] += len(changed)


COUNT_KINDS = (
    "entries",
    "history_rows",
    "texts",
    "attachments",
    "emails",
    "email_attachments",
    "public_texts",
    "redactions",
    "candidates",
    "incidents",
)


@transaction.atomic
def apply_retention(
    election_id: int, *, run_by=None, today: date, now: datetime | None = None
) -> RetentionRun | None:
    """Erase the personal data the election's retention period no longer allows us to keep.

    Runs only once the retention date (poll + Election.retention_months) has passed on `today`
    (else RetentionNotDue). Under a lock on the election row, so two runs cannot interleave.
    For each finished register entry not on legal hold (rules.entry_decision):

    - the requester's name, e-mail, phone and address are emptied, in the entry and in every
      history row of it; its topic, question, answer and ending reason, its status reasons,
      requests to colleagues, contributions and notes are anonymised (publishing.anonymise,
      the people erased in this run as subjects: names, contacts, addresses; every e-mail
      address, UK phone number and postcode whoever's), the entry stamped
      `personal_data_erased_at` with a history row giving the reason;
    - its attachments (the saved e-mail among them) are deleted, rows and files (after commit);
    - its outbox e-mails lose their recipients, their texts are anonymised, attached letters
      are deleted;
    - its public entry stays as published; the private text behind it becomes the public text
      and what each redaction hid is dropped, in the history too.

    Every candidate of the election loses their private contact details and their agent's, in
    the record and its history; name, aliases, party and status (the public record) stay.
    E-mails not tied to an entry (invitations, the equal offer) lose those people's addresses.
    Decided and closed incidents lose who raised them and their evidence
    (incidents.services.erase_personal_data); open ones are kept.

    Kept: entries on legal hold and entries still open (listed in the run), bookings and
    briefing events (the record of organised meetings with candidates), the published register
    and site. Idempotent: a second run finds nothing left to erase.

    Effects: a RetentionRun row (counts per kind, references kept) when anything was erased or
    when a person ran it; an automatic run with nothing to do writes nothing (else one row a
    day per election, for ever). Returns the run, or None.
    """
    now = now or timezone.now()
    election = Election.objects.select_for_update().get(pk=election_id)
    if not rules.retention_due(election, today):
        until = rules.retention_date(election)
        raise RetentionNotDue(f"Personal data of this election is kept until {until:%-d %B %Y}.")
    plan = queries.plan_retention(election, today)
    if not plan.has_work and run_by is None:
        return None
    candidates = plan.candidates
    subjects: list[Subject] = []
    erased_addresses: set[str] = set()
    entries = list(Entry.objects.filter(pk__in=[e.pk for e in plan.erase]))
    for entry in entries:
        subjects.append(_requester_subject(entry))
        erased_addresses.update(a.casefold() for a in _clean([entry.requester_email]))
    for candidate in candidates:
        subjects += _candidate_subjects(candidate)
        erased_addresses.update(a.casefold() for a in _clean([*candidate.emails]))
        erased_addresses.update(a.casefold() for a in _clean([candidate.agent_email]))
    scrub = _Scrubber(subjects=subjects, keep=_keep(election))
    scrub.identifiers = _identifiers(subjects) | erased_addresses
    counts = dict.fromkeys(COUNT_KINDS, 0)
    if entries:
        _erase_entries(entries, scrub, run_by, now, counts)
    if candidates:
        _erase_candidates(candidates, run_by, now, counts)
    if subjects:
        _scrub_other_emails(scrub, erased_addresses, counts)

    counts["incidents"] = erase_personal_data(election, now=now)
    # Entries' topics were rewritten by bulk_update, which sends no signal: the register
    # list's kept topics must go (election_protocol.staff_counts).
    staff_counts.bump()
    return RetentionRun.objects.create(
        election=election,
        ran_at=now,
        run_by=run_by,
        due_on=plan.due_on,
        counts=counts,
        held=[e.reference for e in plan.held],
        still_open=[e.reference for e in plan.still_open],
    )


# --- subject access ---------------------------------------------------------------------------


def record_subject_access(
    *,
    by,
    name: str,
    email: str,
    phone: str,
    username: str = "",
    format: str,
    found: dict,
    now: datetime | None = None,
) -> SubjectAccessRequest:
    """Log a subject access export. Effects: one SubjectAccessRequest row."""
    return SubjectAccessRequest.objects.create(
        requested_by=by,
        at=now or timezone.now(),
        name=name,
        email=email,
        phone=phone,
        username=username,
        format=format,
        found=found,
    )
