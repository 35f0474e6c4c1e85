"""Reusable reads about elections. "Today" is always a parameter."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import prefetch_related_objects

from election_protocol.models import Election


def current_election(today: date) -> Election | None:
    """Return the election the office is working on at `today`.

    That is the soonest election whose new commissioner has not yet taken office (the poll
    date plus seven days: PCC Elections Order 2012), or else the most recent one.
    """
    upcoming = (
        Election.objects.filter(poll_date__gte=today - timedelta(days=7))
        .order_by("poll_date")
        .first()
    )
    return upcoming or Election.objects.order_by("-poll_date").first()


def current_election_for_request(request, today: date) -> Election | None:
    """Return current_election(today), read once per request (memoised on `request`), with
    its non-working days loaded: a staff page's view and the context processor (the deadline
    counts on every page) both need the election and its office calendar, and reading them
    twice was a tenth of the register list's database time (issue 16, item 3)."""
    memo = getattr(request, "_current_election", None)
    if memo is None or memo[0] != today:
        election = current_election(today)
        if election is not None:
            # One query now instead of one per office_calendar() later.
            prefetch_related_objects([election], "non_working_days")
        memo = (today, election)
        request._current_election = memo
    return memo[1]
