"""Template context shared by every staff page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from election_protocol.permissions import is_staff_member
from election_protocol.queries import current_election_for_request
from incidents import permissions as incident_permissions
from incidents import queries as incident_queries
from publishing import deadlines as publication_deadlines
from publishing import permissions as publishing_permissions
from requests_register import permissions, queries


def office(request: HttpRequest) -> dict[str, object]:
    """Return the office's name for the header and, for staff, the register's deadline counts.

    Overdue and due-soon entries are shown on every page (issue 3, item 7), counted over what
    the user may see: the whole register, or what is assigned to them.
    """
    today = timezone.localdate()
    election = current_election_for_request(request, today)
    context: dict[str, object] = {
        "office_name": election.office_name if election else "Election SPOC"
    }
    user = getattr(request, "user", None)
    if election is None or user is None or not is_staff_member(user):
        return context
    entries = permissions.entries_for_user(user).filter(election=election)
    context["deadlines"] = queries.deadline_counts(
        entries, today, queries.due_soon_cutoff(election, today)
    )
    # Incidents' targets beside the register's (issue 12): hours or working days per kind.

    context["incident_deadlines"] = incident_queries.deadline_counts(
        incident_permissions.incidents_for_user(user).filter(election=election), timezone.now()
    )
    # Publication targets of sent answers beside the register's (issue 13, item 1).

    if publishing_permissions.can_view_publishing(user):
        context["publication_deadlines"] = publication_deadlines.publication_counts(election, today)
    return context
