"""The retention run (apply_retention): the register's entries, the publishing workspace, the
candidates and other e-mails cleaned of personal data once the period is over, with counts."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate
from dataprotection import queries, rules
from dataprotection.models import RetentionRun
from dataprotection.services.scrub import (
    ERASED_REASON,
    _candidate_subjects,
    _clean,
    _delete_files_after_commit,
    _fit,
    _identifiers,
    _requester_subject,
    _scrub_rows,
    _Scrubber,
)
from election_protocol import staff_counts
from election_protocol.models import Election
from election_protocol.services import save_with_history
from foi.models import Clarification, FoiCase, FoiEvent
from incidents.services import erase_personal_data
from publishing.anonymise import Subject
from publishing.models import Correction, PrivateText, PublicEntry, PublicRedaction
from publishing.preparation import keep_for
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


class RetentionNotDue(ValueError):
    """The election's retention date has not come: nothing was erased."""


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
        save_with_history(entry, by=by, at=now, why=ERASED_REASON)
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
        save_with_history(candidate, by=by, at=now, why=ERASED_REASON)
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
    scrub = _Scrubber(subjects=subjects, keep=keep_for(election))
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
