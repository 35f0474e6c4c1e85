"""What a text is cleaned of before it is kept past its retention: the requester's and the
candidates' identifiers (through the anonymiser), the office's own contacts kept; the files
deleted after commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction

from candidates.models import Candidate
from publishing.anonymise import Subject, anonymise
from requests_register.models import (
    Entry,
)

# What replaces a person in an anonymised text (the register's own word for them).
PERSON_LABEL = "[requester]"


ERASED_REASON = "Personal data erased after the retention period"


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
