"""Reusable reads about elections. "Today" is always a parameter."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import OuterRef, prefetch_related_objects
from django.db.models.functions import JSONObject

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
    from django.contrib.postgres.expressions import ArraySubquery

    days = NonWorkingDay.objects.filter(election=OuterRef("pk")).order_by("date")
    row = JSONObject(**{name: name for name in _DAY_FIELDS})
    return Election.objects.annotate(_days=ArraySubquery(days.values(row=row)))


def _load_days(election: Election) -> None:
    """Put the days read by _elections_with_days where prefetch_related would have."""
    instances = [
        NonWorkingDay.from_db(
            connection.alias,
            _DAY_FIELDS,
            [d["id"], d["election_id"], date.fromisoformat(d["date"]), d["kind"], d["reason"]],
        )
        for d in election._days
    ]
    days = election.non_working_days.all()
    days._result_cache, days._prefetch_done = instances, True
    election._prefetched_objects_cache = {"non_working_days": days}


def current_election_for_request(request, today: date) -> Election | None:
    """Return current_election(today), read once per request (memoised on `request`), with
    its non-working days loaded: a staff page's view and the context processor (the deadline
    counts on every page) both need the election and its office calendar, and reading them
    twice was a tenth of the register list's database time (issue 16, item 3)."""
    memo = getattr(request, "_current_election", None)
    if memo is None or memo[0] != today:
        if connection.vendor == "postgresql":
            election = current_election(today, elections=_elections_with_days())
            if election is not None:
                _load_days(election)
        else:
            election = current_election(today)
            if election is not None:
                # One query now instead of one per office_calendar() later.
                prefetch_related_objects([election], "non_working_days")
        memo = (today, election)
        request._current_election = memo
    return memo[1]
