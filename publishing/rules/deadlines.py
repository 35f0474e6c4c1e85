"""The publication deadline (issue 13, item 1). Pure."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from election_protocol.calendar import DueDate, WorkingDays, explain_due_date
from publishing.rules.review import PUBLISHABLE_REGISTER_STATUSES

# --- the publication deadline (issue 13, item 1) --------------------------------------------
#
# "What one candidate is told, everyone can read": information provided to a candidate is
# anonymised and published (Cumbria 3.2.4; Avon and Somerset 3.2.4), at once where it was not
# available to other candidates (Norfolk 11), FOI responses "as soon as reasonably practicable"
# (Cleveland 5; Cumbria 6.1.4). Each sent answer gets a publication target in office working
# days (the election's setting, 2 by default), counted on the office calendar
# (election_protocol.calendar: weekends, England and Wales bank holidays, Christmas Eve,
# office closures). The target ends when the answer is published, or when the Chief Executive
# signs off a "not for publication" decision (Cumbria 3.1: the Chief Executive decides).


class PublicationState(StrEnum):
    PUBLISHED = "published"
    NOT_FOR_PUBLICATION = "not_for_publication"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NO_TARGET = "no_target"


PUBLICATION_STATE_LABELS = {
    PublicationState.PUBLISHED: _("Published"),
    PublicationState.NOT_FOR_PUBLICATION: _("Not for publication"),
    PublicationState.OVERDUE: _("Publication overdue"),
    PublicationState.DUE_SOON: _("Publication due soon"),
    PublicationState.ON_TRACK: _("To publish"),
    PublicationState.NO_TARGET: _("No publication target"),
}
# Requester types whose answers always get a target: a candidate or their agent.
CANDIDATE_REQUESTER_TYPES = frozenset({"candidate", "agent"})


def has_publication_target(status: str, requester_type: str, for_all_answers: bool) -> bool:
    """Return True if a register entry gets a publication target: an answer that was sent
    (PUBLISHABLE_REGISTER_STATUSES) to a candidate or agent (Cumbria 3.2.4, Norfolk 11) and, by
    the election's default (`for_all_answers`), to anyone (Leicestershire Req 3: the register
    posted on the website)."""
    if status not in PUBLISHABLE_REGISTER_STATUSES:
        return False
    return for_all_answers or requester_type in CANDIDATE_REQUESTER_TYPES


def publication_due(answered: date, working_days: int, calendar: WorkingDays) -> DueDate:
    """Return the day an answer sent on `answered` should be published by: `working_days`
    working days after it in the office's `calendar` (the day it was sent is never counted;
    an answer sent on a Saturday counts from the next working day), with the days skipped."""
    if working_days < 1:
        raise ValueError("The publication target is at least one working day.")
    return explain_due_date(answered, working_days, calendar)


def latest_answer_day_due_by(day: date, working_days: int, calendar: WorkingDays) -> date:
    """Return the latest day an answer can have been sent for its publication to be due on or
    before `day` (the inverse of publication_due, for counting in the database: an answer
    sent on or before this day is due by `day`).

    The due date only moves forward as the sending day does, so this steps back from `day`
    until a sending day's due date is on or before it.
    """
    candidate = day
    while calendar.add(candidate, working_days) > day:
        candidate -= timedelta(days=1)
    return candidate


def publication_state(
    due: date | None,
    *,
    today: date,
    due_soon_cutoff: date,
    published: bool,
    not_for_publication: bool,
) -> PublicationState:
    """Return where an answer's publication stands: published or decided not for publication
    (either ends the target), else overdue (due before `today`), due soon (due by
    `due_soon_cutoff`) or on track; no target when `due` is None."""
    if published:
        return PublicationState.PUBLISHED
    if not_for_publication:
        return PublicationState.NOT_FOR_PUBLICATION
    if due is None:
        return PublicationState.NO_TARGET
    if due < today:
        return PublicationState.OVERDUE
    if due <= due_soon_cutoff:
        return PublicationState.DUE_SOON
    return PublicationState.ON_TRACK
