"""Reusable reads about elections. "Today" is always a parameter."""

from __future__ import annotations

from datetime import date, timedelta

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
