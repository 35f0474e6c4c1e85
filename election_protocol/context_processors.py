"""Template context shared by every staff page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

# Later apps in the dependency order (docs/ARCHITECTURE.md): the counts every page shows.
from election_protocol import staff_counts
from election_protocol.permissions import is_staff_member
from election_protocol.queries import current_election_for_request
from incidents import permissions as incident_permissions
from incidents import queries as incident_queries
from incidents.models import Incident
from publishing import deadlines as publication_deadlines
from publishing import permissions as publishing_permissions
from requests_register import permissions, queries
from requests_register.models import Entry


def office(request: HttpRequest) -> dict[str, object]:
    """Return the office's name for the header and, for staff, the register's deadline counts.

    Overdue and due-soon entries are shown on every page (issue 3, item 7), counted over what
    the user may see: the whole register, or what is assigned to them. The whole register's
    counts are the same for everyone who sees it all, and are kept between writes
    (staff_counts, issue 16 item 3); a colleague's own are counted each time.
    """
    today = timezone.localdate()
    election = current_election_for_request(request, today)
    context: dict[str, object] = {
        "office_name": election.office_name if election else "Election SPOC"
    }
    user = getattr(request, "user", None)
    if election is None or user is None or not is_staff_member(user):
        return context
    now = timezone.now()
    sees_all = permissions.can_view_register(user) and incident_permissions.can_view_all_incidents(
        user
    )
    if sees_all:
        counts = staff_counts.get(
            "deadlines",
            election.pk,
            today,
            lambda: _whole_counts(election, today, now),
            lambda kept: kept["incidents"]["until"] is None or now < kept["incidents"]["until"],
        )
    else:
        counts = _counts(
            permissions.entries_for_user(user),
            incident_permissions.incidents_for_user(user),
            election,
            today,
            now,
            publication=False,
        )
    context["deadlines"] = counts["register"]
    # Incidents' targets beside the register's (issue 12): hours or working days per kind.
    context["incident_deadlines"] = counts["incidents"]
    # Publication targets of sent answers beside the register's (issue 13, item 1).
    if publishing_permissions.can_view_publishing(user):
        if "publication" not in counts:
            counts["publication"] = publication_deadlines.publication_counts(election, today)
        context["publication_deadlines"] = counts["publication"]
    return context


def _whole_counts(election, today, now) -> dict[str, dict]:
    entries, incidents = Entry.objects.all(), Incident.objects.all()
    return _counts(entries, incidents, election, today, now, publication=True)


def _counts(entries, incidents, election, today, now, *, publication: bool) -> dict[str, dict]:
    counts = {
        "register": queries.deadline_counts(
            entries.filter(election=election), today, queries.due_soon_cutoff(election, today)
        ),
        "incidents": incident_queries.deadline_counts_until(
            incidents.filter(election=election), now
        ),
    }
    if publication:
        counts["publication"] = publication_deadlines.publication_counts(election, today)
    return counts
