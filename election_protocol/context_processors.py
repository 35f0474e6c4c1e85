"""Template context shared by every staff page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from election_protocol.queries import current_election


def office(request: HttpRequest) -> dict[str, object]:
    """Return the office's name for the header, from the current election if there is one."""
    election = current_election(timezone.localdate())
    return {"office_name": election.office_name if election else "Election SPOC"}
