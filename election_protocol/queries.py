"""Reusable reads about elections. "Today" is always a parameter."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, timedelta

from django.db import connection
from django.db.models import OuterRef, prefetch_related_objects
from django.db.models.functions import JSONObject

from election_protocol import staff_counts
from election_protocol.models import Election, NonWorkingDay

_DAY_FIELDS = ("id", "election_id", "date", "kind", "reason")


def current_election(today: date, *, elections=None) -> Election | None:
    """Return the election the office is working on at `today`.

    That is the soonest election whose new commissioner has not yet taken office (the poll
    date plus seven days: PCC Elections Order 2012), or else the most recent one.
    `elections`: the queryset to read it from (Election.objects by default).
    """
    elections = Election.objects.all() if elections is None else elections
    upcoming = elections.filter(poll_date__gte=today - timedelta(days=7)).order_by("poll_date")
    return upcoming.first() or elections.order_by("-poll_date").first()


def _elections_with_days():
    """Return Election.objects with each election's non-working days as one JSON array
    (PostgreSQL): the election and its office calendar in one query instead of two."""
    # PostgreSQL only (the tests also run on SQLite): loaded on the path that uses it.
    from django.contrib.postgres.expressions import ArraySubquery

    days = NonWorkingDay.objects.filter(election=OuterRef("pk")).order_by("date")
    row = JSONObject(**{name: name for name in _DAY_FIELDS})
    return Election.objects.annotate(_days=ArraySubquery(days.values(row=row)))


def _load_days(election: Election) -> None:
    """Keep the days read by _elections_with_days on the election (Election.days_off reads
    them), so the office calendar costs no second query. Public API only: a model instance
    built by from_db, kept in an attribute of our own (not Django's prefetch cache)."""
    election.loaded_non_working_days = [
        NonWorkingDay.from_db(
            connection.alias,
            _DAY_FIELDS,
            [d["id"], d["election_id"], date.fromisoformat(d["date"]), d["kind"], d["reason"]],
        )
        for d in election._days
    ]


# The election a member of staff chose with the switcher (issue 15, item 1): its id in the
# session. Absent or gone, the current election is used.
SESSION_KEY = "chosen_election_id"

# The request being served (set by election_protocol.middleware.ChosenElectionMiddleware), so
# that a view calling election_or_setup() without its request still gets the chosen election.
active_request: ContextVar = ContextVar("active_request", default=None)


def chosen_election_id(request) -> int | None:
    """Return the id of the election chosen in this request's session, if any."""
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _read_election(chosen: int | None, today: date) -> Election | None:
    """Return the election `chosen` (if it still exists), else current_election(today), with
    its non-working days loaded."""
    # On PostgreSQL the election and its office calendar come in one query (issue 16).
    on_postgresql = connection.vendor == "postgresql"
    elections = _elections_with_days() if on_postgresql else Election.objects.all()
    election = elections.filter(pk=chosen).first() if chosen else None
    if election is None:
        election = current_election(today, elections=elections)
    if election is not None and on_postgresql:
        _load_days(election)
    elif election is not None:
        # One query now instead of one per office_calendar() later.
        prefetch_related_objects([election], "non_working_days")
    return election


def current_election_for_request(request, today: date) -> Election | None:
    """Return the election this request works on: the one chosen with the switcher (kept in
    the session), else current_election(today). Read once per request (memoised on
    `request`), with its non-working days loaded: a staff page's view and the context
    processor (the deadline counts on every page) both need the election and its office
    calendar, and reading them twice was a tenth of the register list's database time (issue
    16, item 3)."""
    memo = getattr(request, "_current_election", None)
    if memo is None or memo[0] != today:
        chosen = chosen_election_id(request)
        # Kept in the shared cache between writes to an election or its calendar (as the
        # deadline counts are: staff_counts), so a page usually reads no election at all.
        kept = staff_counts.get(
            "election", chosen or 0, today, lambda: {"election": _read_election(chosen, today)}
        )
        memo = (today, kept["election"])
        request._current_election = memo
    return memo[1]
