"""Every write to the election's configuration made from the staff pages."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Model

from election_protocol.models import Election, NonWorkingDay


def save_with_history(
    row: Model,
    *,
    by,
    at: datetime | None = None,
    why: str | None = None,
    fields: list[str] | None = None,
) -> None:
    """Save `row` (only `fields`, if given). Effects: the history row django-simple-history
    writes with it names `by`, is dated `at` (the write's own clock, so the history reads as
    the story happened; None: the moment of saving) and, given `why`, carries it as the change
    reason (the caller fits it to the history's 100 characters)."""
    row._history_user = by
    if at is not None:
        row._history_date = at
    if why is not None:
        row._change_reason = why
    row.save(update_fields=fields)


@transaction.atomic
def add_non_working_day(
    election: Election, *, day: date, kind: str, reason: str, by
) -> NonWorkingDay:
    """Add a non-working day. Effects: the row and its history row naming `by`.

    A day of thanksgiving or mourning changes the election's computed timetable at once (the
    timetable is derived, never stored).
    """
    nwd = NonWorkingDay(election=election, date=day, kind=kind, reason=reason)
    nwd._history_user = by
    nwd.full_clean()
    nwd.save()
    return nwd


@transaction.atomic
def remove_non_working_day(nwd_id: int, *, by) -> None:
    """Remove a non-working day. Effects: the row deleted; a history row naming `by`."""
    nwd = NonWorkingDay.objects.select_for_update().filter(pk=nwd_id).first()
    if nwd is None:
        return
    nwd._history_user = by
    nwd.delete()
