"""Pure rules about candidates: status transitions and who counts as a candidate.

No ORM and no clock: callers pass the moment and the election's timetable.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    PROSPECTIVE = "prospective"
    DECLARED = "declared"
    WITHDRAWN = "withdrawn"
    ELECTED = "elected"
    NOT_ELECTED = "not_elected"


# The one table of allowed status changes. Declared means "on the statement of persons
# nominated"; a nomination cannot be withdrawn after the close of nominations, which comes
# before the SoPN, so a declared candidate cannot become withdrawn. A prospective candidate who
# withdrew may announce again, but only while nominations are open.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PROSPECTIVE: frozenset({Status.DECLARED, Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset({Status.PROSPECTIVE}),
    Status.DECLARED: frozenset({Status.ELECTED, Status.NOT_ELECTED}),
    Status.ELECTED: frozenset(),
    Status.NOT_ELECTED: frozenset(),
}

# Corrections of a mistake (a wrong SoPN match, a mis-recorded result): allowed only to the
# Chief Executive, always with a note, and kept in the history as corrections.
CORRECTIONS: dict[Status, frozenset[Status]] = {
    Status.PROSPECTIVE: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.DECLARED: frozenset({Status.PROSPECTIVE}),
    Status.ELECTED: frozenset({Status.DECLARED}),
    Status.NOT_ELECTED: frozenset({Status.DECLARED}),
}


class TransitionError(ValueError):
    """A status change the rules do not allow; the message says why and what to do."""


@dataclass(frozen=True)
class TransitionContext:
    """What the status rules need to know about the election at the moment of the change."""

    at: datetime
    close_of_nominations: datetime
    poll_closes: datetime
    another_candidate_elected: bool = False
    may_correct: bool = False
    note: str = ""


def is_correction(current: Status, new: Status) -> bool:
    """Return True if moving from `current` to `new` corrects a mistake (CORRECTIONS)."""
    return new in CORRECTIONS[Status(current)]


def check_transition(current: Status, new: Status, ctx: TransitionContext) -> None:
    """Raise TransitionError unless moving from `current` to `new` is allowed at `ctx.at`.

    - Only changes in TRANSITIONS are allowed, and CORRECTIONS for someone who may correct,
      with a note saying what was wrong.
    - Declared (on the SoPN) only once nominations have closed at 4pm on the 19th working day
      before the poll (PCC Elections Order 2012, Sch 3; Cumbria protocol 1.4).
    - A withdrawn candidate may announce again only while nominations are open.
    - Elected or not elected only after the poll closes at 10pm; one winner per election.
    """
    current, new = Status(current), Status(new)
    if new == current:
        raise TransitionError(
            _("The candidate is already %(label)s.") % {"label": label(current).lower()}
        )
    if is_correction(current, new):
        if not ctx.may_correct:
            raise TransitionError(
                _("Only the Chief Executive can correct a %(label)s candidate back to %(label2)s.")
                % {"label": label(current).lower(), "label2": label(new).lower()}
            )
        if not ctx.note.strip():
            raise TransitionError(_("Say in the note what was wrong: a correction needs a reason."))
        return
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(label(s).lower() for s in allowed_next(current)) or "nothing"
        raise TransitionError(
            _("A %(label)s candidate cannot become %(label2)s; allowed: %(allowed)s.")
            % {"label": label(current).lower(), "label2": label(new).lower(), "allowed": allowed}
        )
    if new == Status.DECLARED and ctx.at < ctx.close_of_nominations:
        raise TransitionError(
            _(
                "A candidate can be marked declared only from the close of nominations "
                "(%(day)s at %(time)s), when the statement of persons nominated can be published."
            )
            % {
                "day": date_format(ctx.close_of_nominations, "j F Y"),
                "time": time_format(ctx.close_of_nominations, "ga"),
            }
        )
    if current == Status.WITHDRAWN and ctx.at >= ctx.close_of_nominations:
        raise TransitionError(
            _("Nominations have closed: someone who withdrew can no longer stand in this election.")
        )
    if new in (Status.ELECTED, Status.NOT_ELECTED) and ctx.at < ctx.poll_closes:
        raise TransitionError(
            _("The result can be recorded only after the poll closes (%(day)s at 10pm).")
            % {"day": date_format(ctx.poll_closes, "j F Y")}
        )
    if new == Status.ELECTED and ctx.another_candidate_elected:
        raise TransitionError(_("Another candidate is already recorded as elected."))


def blocks_staff_access(
    status: Status, at: datetime, close_of_nominations: datetime, election_over: datetime
) -> bool:
    """Return True if a staff user linked to a candidate in `status` must be refused at `at`.

    An incumbent PCC or Deputy who stands is a candidate like any other and must not see what
    the office holds about the other candidates (Cumbria protocol 3.4.2; Leicestershire
    "Incumbent PCC"). The refusal lasts until the election is over (`election_over`: when the
    new commissioner takes office). Someone who withdrew is refused until nominations close,
    since until then they could announce again.
    """
    if at >= election_over:
        return False
    if Status(status) == Status.WITHDRAWN:
        return at < close_of_nominations
    return True


def check_staff_link(incumbent_role: str, linked_user_id: int | None) -> None:
    """Raise ValueError if a staff account is linked to a candidate who is not an incumbent.

    Only an incumbent commissioner or deputy has a staff account to link; linking any other
    account (say, a SPOC officer's own by mistake) would lock that person out.
    """
    if linked_user_id and not incumbent_role:
        raise ValueError(
            "Only an incumbent commissioner or deputy can be linked to a staff account: "
            "choose their role, or remove the staff account."
        )


def allowed_next(current: Status, *, may_correct: bool = False) -> list[Status]:
    """Return the statuses a candidate in `current` may move to, in table order."""
    allowed = TRANSITIONS[Status(current)] | (
        CORRECTIONS[Status(current)] if may_correct else set()
    )
    return [s for s in Status if s in allowed]


_LABELS = {
    Status.PROSPECTIVE: _("Prospective"),
    Status.DECLARED: _("Declared"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.ELECTED: _("Elected"),
    Status.NOT_ELECTED: _("Not elected"),
}


def label(status: Status) -> str:
    """Return the human label of a status."""
    return _LABELS[Status(status)]


def treated_as_candidate(status: Status, undeclared_as_candidates: bool) -> bool:
    """Return True if a request from someone with `status` is treated as from a candidate.

    Cumbria protocol 1.1 and 6.1.1: until someone has declared, their request is treated as if
    from any member of the public. Norfolk protocol 6 instead counts prospective candidates and
    those expressing an interest as candidates; the election chooses (`undeclared_as_candidates`).
    A withdrawn candidate is a member of the public again.
    """
    status = Status(status)
    if status in (Status.DECLARED, Status.ELECTED, Status.NOT_ELECTED):
        return True
    if status == Status.PROSPECTIVE:
        return undeclared_as_candidates
    return False


def normalise_name(name: str) -> str:
    """Return `name` folded for matching: accents removed, case folded, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())
