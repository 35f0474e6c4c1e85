"""Reads about the protocol document."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from election_protocol.models import Election
from election_protocol.roles import Role
from protocol import rules
from protocol.models import ProtocolVersion


def latest_version(election: Election | None) -> ProtocolVersion | None:
    """Return the election's newest protocol version (the one in force), or None."""
    if election is None:
        return None
    return election.protocol_versions.order_by("-number").first()


def published_protocol(election: Election) -> dict | None:
    """Return the version in force as plain public values for the public page, or None.

    The protocol is a public document the office writes for the public and the candidates; it
    names no requester. Only the title, version, date, change note, text and clauses go out."""
    version = latest_version(election)
    if version is None:
        return None
    return {
        "title": version.title,
        "number": version.number,
        "created_at": version.created_at,
        "change_note": version.change_note,
        "text": version.text,
        # The PDF as adopted, if uploaded: its stored (random) name and where the site puts it.
        "pdf_name": version.pdf.name if version.pdf else "",
        "pdf_path": f"protocol/protocol-version-{version.number}.pdf" if version.pdf else "",
        "clauses": [
            {"key": key, "rule": str(rules.RULES[key]), "clause": clause}
            for key, clause in version.clauses.items()
            if key in rules.RULES
        ],
    }


def clause_for(election: Election | None, key: str) -> str | None:
    """Return the office's own clause mapped to rule `key` in the version in force, if any."""
    version = latest_version(election)
    if version is None:
        return None
    return version.clauses.get(key) or None


def staff_readers() -> list[rules.Reader]:
    """Return every active staff member (a role group or superuser) as a Reader."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[r.value for r in Role]))
        .distinct()
        .order_by("username")
    )
    return [rules.Reader(u.pk, u.get_full_name() or u.get_username()) for u in users]


def not_acknowledged(version: ProtocolVersion) -> list[rules.Reader]:
    """Return the staff who have not acknowledged `version`."""
    done = set(version.acknowledgements.values_list("user_id", flat=True))
    return rules.not_acknowledged(staff_readers(), done)
