"""What the incident test modules share: the staff and the candidate an incident's story
needs."""

from __future__ import annotations

from datetime import datetime

from election_protocol.roles import Role
from tests.builders import declared_candidate

# Short name: (role, username); each is e-mailed at <username>@example.org.
STAFF = {
    "spoc": (Role.SPOC, "s"),
    "ce": (Role.CHIEF_EXECUTIVE, "ce"),
    "cc": (Role.CHIEF_CONSTABLE, "cc"),
    "cfo": (Role.CHIEF_FIRE_OFFICER, "cfo"),
    "pl": (Role.POLICE_LIAISON, "pl"),
    "aud": (Role.AUDITOR, "aud"),
}


def staff_and_ada(make_user, election, names: list[str], *, at: datetime, **candidate_fields):
    """Return the staff named (made in that order, by short name) and Ada Lovelock, declared
    at `at` by the SPOC (ada@example.org; `candidate_fields` add to her)."""
    users = {}
    for name in names:
        role, username = STAFF[name]
        users[name] = make_user(role, username=username, email=f"{username}@example.org")
    ada = declared_candidate(
        election,
        users["spoc"],
        at=at,
        name="Ada Lovelock",
        emails=["ada@example.org"],
        **candidate_fields,
    )
    return users, ada
