"""The election switcher's line on every staff page (issue 15, item 1)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from election_protocol.permissions import is_staff_member
from election_protocol.queries import chosen_election_id, current_election_for_request
from lifecycle import queries, rules


def election_choice(request: HttpRequest) -> dict[str, object]:
    """Return the election the pages show, whether it was chosen (not the default), and why
    it is read-only, if it is."""
    user = getattr(request, "user", None)
    if user is None or not is_staff_member(user):
        return {}
    election = current_election_for_request(request, timezone.localdate())
    if election is None:
        return {}
    return {
        "shown_election": election,
        "election_chosen": chosen_election_id(request) == election.pk,
        "election_read_only": rules.read_only_reason(queries.is_frozen(election.pk)),
    }
