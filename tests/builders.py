"""Builders: objects made through the services, as the application makes them (issue 17).

A factory (tests/factories.py) writes a row; a builder takes the funnel, so what it returns has
its history, status events, notes and e-mails like the real thing. Use a builder whenever the
test is about anything downstream of a step (publishing an answer, booking a meeting).

`cast` is the conftest fixture: a dict of staff users by role ("spoc", "ce", ...).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from briefings import services as briefings
from briefings.models import Booking
from candidates.models import Candidate
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from publishing import services as publishing
from publishing.models import PublicEntry
from requests_register import services as register
from requests_register.models import Entry

RECEIVED = datetime(2024, 2, 19, 9, 30, tzinfo=LONDON)  # Monday, before the period
NOW = datetime(2024, 2, 20, 12, 0, tzinfo=LONDON)  # before the pre-election period

# A fictional member of the public, and how they wrote (every detail a private identifier).
REQUESTER = {
    "requester_type": "public",
    "requester_name": "Dorothy Pennington-Smythe",
    "requester_email": "dot.pennington@example.net",
    "requester_phone": "01632 960 123",
    "requester_address": "4 Mill Lane, Kirkby Stephen, CA17 4QT",
}
QUESTION = (
    "My name is Dorothy Pennington-Smythe of 4 Mill Lane, Kirkby Stephen, CA17 4QT. How many "
    "officers cover the Eden district at night? Reply to dot.pennington@example.net."
)
ANSWER = "Eight officers cover the Eden district overnight, against six in 2022."

# A member of the public who gives a name and an e-mail address, nothing more.
ALEX = {
    "requester_type": "public",
    "requester_name": "Alex Example",
    "requester_email": "alex@example.org",
}


def from_candidate(candidate: Candidate, email: str | None = None) -> dict:
    """Return the requester fields (log_entry's) of a request from `candidate`, written from
    `email` or the candidate's first address."""
    return {
        "requester_type": "candidate",
        "candidate": candidate,
        "requester_name": candidate.name,
        "requester_email": email or candidate.emails[0],
    }


def logged(
    election,
    by,
    *,
    received_at: datetime,
    topic: str = "Patrols",
    question: str = "How many patrols?",
    channel: str = "email",
    kind: str = "information",
    **fields,
) -> Entry:
    """Return a register entry logged by `by` through the register's funnel (log_entry): an
    information request e-mailed by `ALEX` unless `fields` (the requester's, `now`, ...) say
    otherwise; `fields` win."""
    return register.log_entry(
        election=election,
        by=by,
        received_at=received_at,
        channel=channel,
        kind=kind,
        topic=topic,
        question=question,
        **{**ALEX, **fields},
    )


def answered(
    election,
    cast,
    *,
    topic: str = "Night cover",
    question: str = QUESTION,
    answer: str = ANSWER,
    received_at: datetime = RECEIVED,
    now: datetime = NOW,
    **who,
) -> Entry:
    """Return a register entry taken through the register's own funnel to sent: logged by the
    SPOC, drafted, approved by the Chief Executive (four eyes), sent."""
    entry = logged(
        election,
        cast["spoc"],
        received_at=received_at,
        topic=topic,
        question=question,
        now=now,
        **(who or REQUESTER),
    )
    register.set_entry_status(entry.pk, "in_progress", by=cast["spoc"], now=now)
    register.draft_answer(entry.pk, answer=answer, by=cast["spoc"], now=now)
    register.set_entry_status(entry.pk, "approved", by=cast["ce"], may_approve=True, now=now)
    register.set_entry_status(entry.pk, "sent", by=cast["spoc"], now=now)
    entry.refresh_from_db()
    return entry


# An answer naming a person who only later asks a question of their own (a requester): their
# name becomes private after the answer was published (the leak scan's carried check).
NAMED_LATER = "Ask Ms Quentin Bassingthwaite."


def named_later_as_requester(election, cast) -> Entry:
    """Return the register entry that makes the person NAMED_LATER names a requester."""
    return answered(
        election,
        cast,
        requester_type="public",
        requester_name="Quentin Bassingthwaite",
        requester_email="qb@example.net",
    )


def published(election, cast, *, now: datetime = NOW, **kw) -> PublicEntry:
    """Return a public entry of an answered register entry (`answered`), prepared by the SPOC
    and approved by the Chief Executive."""
    entry = answered(election, cast, now=now, **kw)
    public_entry = publishing.prepare_public_entry(entry, cast["spoc"])
    publishing.submit_for_approval(public_entry.pk, cast["spoc"])
    return publishing.approve_and_publish(public_entry.pk, cast["ce"], False, now)


def declared_candidate(
    election, by, *, name: str = "Ada Example", at: datetime = NOW, **fields
) -> Candidate:
    """Return a declared candidate made by the candidates' status funnel."""
    fields.setdefault("emails", ["ada@example.org"])
    return create_candidate(election=election, by=by, status="declared", at=at, name=name, **fields)


def prepared_booking(
    election,
    cast,
    candidate: Candidate,
    *,
    kind: str = "meeting_cc",
    received_at: datetime = RECEIVED,
    **booking_fields,
) -> Booking:
    """Return a booking prepared by the SPOC from a meeting or visit request logged on the
    register by `candidate` (briefings.services.prepare_booking)."""
    entry = logged(
        election,
        cast["spoc"],
        received_at=received_at,
        kind="visit" if kind == "visit" else "meeting",
        topic="Meeting",
        question="May I?",
        **from_candidate(candidate),
    )
    booking_fields.setdefault("advance_questions", "Questions")
    booking_fields.setdefault("material_check_note", "Checked the plan")
    return briefings.prepare_booking(entry, by=cast["spoc"], kind=kind, **booking_fields)


# --- reading what was published -----------------------------------------------------------------


def site_files(folder: Path) -> list[Path]:
    """Return every file of a published site folder, sorted, through the links a version's
    permalink folders are (generations: publishing.site.target), which Path.rglob does not
    follow."""
    found = []
    for here, _folders, names in os.walk(folder, followlinks=True):
        found += (path for name in names if (path := Path(here, name)).is_file())
    return sorted(found)


def read_site(folder: Path) -> dict[str, bytes]:
    """Return every file of a published site folder (site_files), by its path inside it."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in site_files(folder)}


def text(data: bytes) -> str:
    """Return a published file's text (UTF-8, with or without the BOM the CSV carries)."""
    return data.decode("utf-8-sig")


# Every trace of the requester that answered() logs: none may reach a published file.
REQUESTER_TRACES = [
    "Dorothy",
    "Pennington",
    "Smythe",
    "Mill Lane",
    "CA17",
    "dot.pennington",
    "960 123",
    "01632960123",
]
