"""The Act's clock (FOIA s.10): clarifications that restart it (s.1(3), s.10(6)(b)), the
public-interest extension (s.10(3)), the steps allowed, another authority's disclosure and the
internal review's dates. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from election_protocol.calendar import (
    FOI_WORKING_DAYS,
    DueDate,
    WorkingDays,
    explain_due_date,
    working_days_between,
)
from foi.rules.states import (
    EXTENSION_MAX_WORKING_DAYS,
    REVIEW_LATEST_WORKING_DAYS,
    REVIEW_TARGET_WORKING_DAYS,
    STATE_LABELS,
    TRANSITIONS,
    Authority,
    FoiError,
    State,
    _short_date,
)

# --- the clock ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clarification:
    """A request for clarification (s.1(3)): asked on one day, answered (or not yet) on another."""

    asked_on: date
    answered_on: date | None = None


@dataclass(frozen=True)
class Pause:
    asked_on: date
    answered_on: date | None
    calendar_days: int  # days the clock stood still (None answered: so far, to the latest day)
    working_days: int


@dataclass(frozen=True)
class Clock:
    """Where an FOI request's clock stands, with every step explained."""

    received: date
    # The "date of receipt" of s.10(6): the day the request arrived, or the day the last
    # clarification was received.
    clock_start: date
    pauses: tuple[Pause, ...]
    # None while a clarification is awaited: no due date runs (s.1(3)).
    statutory: DueDate | None
    # The earliest the due date can be while paused: 20 working days after the question.
    earliest_if_paused: date | None
    extended_to: date | None

    @property
    def paused(self) -> bool:
        return self.statutory is None

    @property
    def target(self) -> date:
        """Return the date the register counts to: the extended date, the statutory date, or
        while paused the earliest the restarted clock can end."""
        if self.extended_to is not None:
            return self.extended_to
        if self.statutory is not None:
            return self.statutory.due
        # Paused: foi_clock always sets the earliest date then.
        return self.earliest_if_paused or self.received

    @property
    def lines(self) -> list[str]:
        """Return the explanation, one sentence a line: received, each pause (how long the
        clock stood still and why), the 20 working days and the days skipped, the extension."""
        out = [f"Received {_short_date(self.received)} (day 0; FOIA s.10(1))."]
        for pause in self.pauses:
            if pause.answered_on is None:
                out.append(
                    f"Clarification asked {_short_date(pause.asked_on)}: the clock is stopped "
                    "until the requester answers (FOIA s.1(3)). Due no earlier than "
                    f"{_short_date(self.earliest_if_paused)} (20 working days after the "
                    "question, if answered the same day)."
                )
            else:
                out.append(
                    f"Clarification asked {_short_date(pause.asked_on)}, answered "
                    f"{_short_date(pause.answered_on)}: the clock stood still for "
                    f"{pause.calendar_days} days ({pause.working_days} working days) and runs "
                    "again from the answer, the new date of receipt (FOIA s.1(3), s.10(6)(b))."
                )
        if self.statutory is not None:
            out.append(self.statutory.explanation)
        if self.extended_to is not None:
            out.append(
                f"Extended to {_short_date(self.extended_to)} to consider the public interest "
                "(FOIA s.10(3)); the requester was sent a notice (s.17(2))."
            )
        return out

    @property
    def explanation(self) -> str:
        return " ".join(self.lines)


def _check_clarifications(received: date, clarifications: Sequence[Clarification]) -> None:
    previous = received
    for i, c in enumerate(clarifications):
        if c.asked_on < previous:
            raise FoiError(
                _("A clarification cannot be asked before the request or an earlier answer.")
            )
        if c.answered_on is not None and c.answered_on < c.asked_on:
            raise FoiError(_("The answer cannot arrive before the question was asked."))
        if c.answered_on is None and i != len(clarifications) - 1:
            raise FoiError(_("Only the latest clarification can still be awaited."))
        previous = c.answered_on or c.asked_on


def foi_clock(
    received: date,
    clarifications: Iterable[Clarification] = (),
    extended_to: date | None = None,
    extra_non_working: Iterable[date] = (),
) -> Clock:
    """Return the clock of an FOI request received on `received`.

    The authority must answer promptly and by the 20th working day following the date of
    receipt (FOIA s.10(1)). Where it reasonably needs more information to find what is asked
    for and has told the requester (s.1(3)), it need not comply until it has it: the clock
    stops when the question is asked, and the "date of receipt" becomes the day the answer is
    received (s.10(6)(b)), so the 20 working days run afresh from the answer (the ICO's
    guidance: treat the clarified request as a new one). A public-interest extension (s.10(3))
    replaces the due date with `extended_to`. Days of thanksgiving or mourning are
    `extra_non_working`.
    """
    clarifications = list(clarifications)
    _check_clarifications(received, clarifications)
    calendar = WorkingDays.for_foi(extra_non_working)
    start = received
    pauses = []
    earliest = None
    for c in clarifications:
        end = c.answered_on if c.answered_on is not None else c.asked_on
        pauses.append(
            Pause(
                asked_on=c.asked_on,
                answered_on=c.answered_on,
                calendar_days=(end - c.asked_on).days,
                working_days=working_days_between(c.asked_on, end, calendar),
            )
        )
        if c.answered_on is not None:
            start = c.answered_on
        else:
            earliest = calendar.add(c.asked_on, FOI_WORKING_DAYS)
    paused = bool(clarifications) and clarifications[-1].answered_on is None
    statutory = None if paused else explain_due_date(start, FOI_WORKING_DAYS, calendar)
    return Clock(
        received=received,
        clock_start=start,
        pauses=tuple(pauses),
        statutory=statutory,
        earliest_if_paused=earliest if paused else None,
        extended_to=extended_to,
    )


def check_clarification(state: State, asked_on: date, clock: Clock) -> None:
    """Raise FoiError unless a clarification may be asked now: only while the clock runs
    (not extended, refused or finished), on or after the date of receipt, and by the due date
    (the ICO expects it asked promptly, within the 20 working days)."""
    if state != State.OPEN:
        raise FoiError(
            _("A clarification can be asked only while the clock is running (not %(state)s).")
            % {"state": str(STATE_LABELS[state]).lower()}
        )
    if asked_on < clock.clock_start:
        raise FoiError(_("The question cannot be asked before the request was received."))
    if clock.statutory is not None and asked_on > clock.statutory.due:
        raise FoiError(
            _("The 20 working days have passed: answer the request as it stands, or refuse it.")
        )


def check_clarification_answer(asked_on: date, answered_on: date, today: date) -> None:
    """Raise FoiError unless the answer's date is between the question and today."""
    if answered_on < asked_on:
        raise FoiError(_("The answer cannot arrive before the question was asked."))
    if answered_on > today:
        raise FoiError(_("The date the answer arrived cannot be in the future."))


def extension_limit(clock: Clock, extra_non_working: Iterable[date] = ()) -> date:
    """Return the latest date an extension may give: a further 20 working days after the
    statutory due date (the ICO's reasonable maximum under s.10(3))."""
    if clock.statutory is None:
        raise FoiError(_("The clock is stopped: wait for the clarification first."))
    calendar = WorkingDays.for_foi(extra_non_working)
    return calendar.add(clock.statutory.due, EXTENSION_MAX_WORKING_DAYS)


def check_extension(
    state: State, clock: Clock, new_date: date, today: date, extra_non_working: Iterable[date] = ()
) -> None:
    """Raise FoiError unless the time may be extended to `new_date` (s.10(3)): only once,
    while the clock runs; the notice (s.17(2)) must go by the statutory due date; the new date
    after it and no more than a further 20 working days on (extension_limit)."""
    if state != State.OPEN:
        raise FoiError(
            _("The time can be extended only while the clock is running (not %(state)s).")
            % {"state": str(STATE_LABELS[state]).lower()}
        )
    if clock.statutory is None:
        raise FoiError(_("The clock is stopped: wait for the clarification first."))
    if today > clock.statutory.due:
        raise FoiError(
            _(
                "The notice of an extension must be sent by the due date (%(due)s, section "
                "17(2)): it is too late to extend."
            )
            % {"due": _short_date(clock.statutory.due)}
        )
    if new_date <= clock.statutory.due:
        raise FoiError(
            _("Give a date after the current due date (%(due)s).")
            % {"due": _short_date(clock.statutory.due)}
        )
    limit = extension_limit(clock, extra_non_working)
    if new_date > limit:
        raise FoiError(
            _(
                "A reasonable extension is at most a further 20 working days: give a date no "
                "later than %(limit)s."
            )
            % {"limit": _short_date(limit)}
        )


def check_transition(current: State, new: State, *, answered: bool = False) -> None:
    """Raise FoiError unless an FOI request in `current` may move to `new`. Internal review
    from a running clock needs the office's answer sent (`answered`)."""
    if new not in TRANSITIONS[current]:
        raise FoiError(
            _("An FOI request that is %(state)s cannot become %(new_state)s.")
            % {
                "state": str(STATE_LABELS[current]).lower(),
                "new_state": str(STATE_LABELS[new]).lower(),
            }
        )
    if new == State.UNDER_REVIEW and current != State.REFUSED and not answered:
        raise FoiError(
            _("An internal review is of a response: send the answer or the refusal first.")
        )


def check_disclosure_elsewhere(holder: Authority, disclosed_on: date, today: date) -> None:
    """Raise FoiError unless another authority's disclosure can be recorded: the holder is
    the force or the fire service (the office's own disclosure is its answer on the register),
    on a day not in the future."""
    if Authority(holder) == Authority.OFFICE:
        raise FoiError(
            _(
                "The commissioner's office holds this information: its disclosure is the "
                "answer on the register. Change who holds it first if another authority "
                "disclosed."
            )
        )
    if disclosed_on > today:
        raise FoiError(_("The date of the disclosure cannot be in the future."))


def review_dates(
    requested_on: date, extra_non_working: Iterable[date] = ()
) -> tuple[DueDate, date]:
    """Return an internal review's target (20 working days after the complaint, explained)
    and its latest date (40 working days): the ICO's guidance and the s.45 Code of Practice."""
    calendar = WorkingDays.for_foi(extra_non_working)
    target = explain_due_date(requested_on, REVIEW_TARGET_WORKING_DAYS, calendar)
    return target, calendar.add(requested_on, REVIEW_LATEST_WORKING_DAYS)
