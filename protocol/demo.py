"""Fictional protocol for the demo: two versions (the second with a change note and clauses
mapped to the rules the software applies), read by some of the staff. Called by
election_protocol.demo before the publishing demo, so the public page carries version 2."""

from __future__ import annotations

from datetime import datetime, timedelta

from election_protocol.models import Election
from protocol import services

TITLE = "Election protocol: dealing with candidates and their agents"
TEXT_V1 = "\n".join(
    [
        "1. Purpose",
        "This protocol sets out how the office, the police and the fire and rescue service "
        "deal with candidates, their agents and the public during the election (fictional "
        "demo text).",
        "",
        "2. One point of contact",
        "Every request from a candidate goes to the Election SPOC. Requests received "
        "elsewhere are passed on the same day.",
        "",
        "3. Equal treatment",
        "What is given to one candidate is offered to every candidate.",
        "",
        "4. Answers",
        "Answers are approved by the Chief Executive, or a deputy they name, before they are "
        "sent. Answers to candidates are published on the election page.",
    ]
)
TEXT_V2 = "\n".join(
    [
        TEXT_V1,
        "",
        "5. Oral requests",
        "A request made by phone or in person is confirmed back in writing before any answer "
        "is given.",
        "",
        "6. After the poll",
        "The register is closed, frozen and archived within seven days of the poll, and "
        "personal data is kept no longer than the privacy notice states.",
    ]
)
CLAUSES_V2 = {
    "register.four_eyes": "4. Answers are approved by the Chief Executive, or a deputy they "
    "name, before they are sent.",
    "register.equal_treatment": "3. What is given to one candidate is offered to every candidate.",
    "register.written_confirmation": "5. A request made by phone or in person is confirmed "
    "back in writing before any answer is given.",
    "closedown.after_poll": "6. The register is closed, frozen and archived within seven days "
    "of the poll.",
}


def seed_protocol(election: Election, users: dict, now: datetime, *, read_by=None) -> None:
    """Two versions; version 1 read by everyone, version 2 by the SPOC and the auditor only, so
    the Chief Executive's list shows who has still to read it."""
    if election.protocol_versions.exists():
        return
    spoc = users["spoc"]
    first = services.add_version(
        election,
        title=TITLE,
        text=TEXT_V1,
        change_note="First version, agreed with the Chief Constable and the Chief Fire Officer.",
        clauses={"register.four_eyes": CLAUSES_V2["register.four_eyes"]},
        by=spoc,
        now=now - timedelta(days=40),
    )
    for user in users.values():
        services.acknowledge(first, by=user, now=now - timedelta(days=39))
    second = services.add_version(
        election,
        title=TITLE,
        text=TEXT_V2,
        change_note="Adds oral requests (clause 5) and the close-down after the poll (clause 6).",
        clauses=CLAUSES_V2,
        by=users["chief-executive"],
        now=now - timedelta(days=10),
    )
    for name in read_by if read_by is not None else ("spoc", "chief-executive", "auditor"):
        services.acknowledge(second, by=users[name], now=now - timedelta(days=9))
