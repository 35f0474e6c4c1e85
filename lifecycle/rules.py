"""Pure rules of the close-down after the poll (issue 15, item 3). No ORM, no clock: the
caller passes the facts and the moment.

The order follows the protocols' closing sections (Cleveland, closing section; Norfolk 12:
the register is kept and published; Cumbria 11: publication of answers): the results are
recorded, the last answers are published (or why not is explained), no entry is left open
without a reason; only then is the register frozen. From a frozen register the public page is
archived, the summary report made, and the retention clock started (UK GDPR Art. 5(1)(e):
personal data kept no longer than the period the privacy notice states).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Step(StrEnum):
    RESULTS = "results"
    LAST_ANSWERS = "last_answers"
    OPEN_ENTRIES = "open_entries"
    FREEZE = "freeze"
    ARCHIVE = "archive"
    REPORT = "report"
    RETENTION = "retention"


STEP_LABELS = {
    Step.RESULTS: _("Results recorded"),
    Step.LAST_ANSWERS: _("Last answers published"),
    Step.OPEN_ENTRIES: _("Open entries closed with reasons"),
    Step.FREEZE: _("Register frozen"),
    Step.ARCHIVE: _("Public page archived"),
    Step.REPORT: _("Summary report made"),
    Step.RETENTION: _("Retention clock started"),
}

# Steps that the office takes on this page (the others are done where the work is).
ACTIONS = frozenset({Step.LAST_ANSWERS, Step.FREEZE, Step.ARCHIVE, Step.REPORT, Step.RETENTION})
BEFORE_FREEZE = (Step.RESULTS, Step.LAST_ANSWERS, Step.OPEN_ENTRIES)


class CloseDownError(ValueError):
    """A close-down step that cannot be taken now; the message says what to do first."""


@dataclass(frozen=True)
class Facts:
    now: datetime
    poll_closes: datetime
    takes_office: date
    results_recorded: bool
    awaiting_publication: int
    explanation: str
    open_entries: int
    frozen: bool
    archived: bool
    reported: bool
    retention_started: bool


@dataclass(frozen=True)
class Item:
    step: Step
    label: str
    done: bool
    due: date | None
    detail: str


def is_done(step: Step, facts: Facts) -> bool:
    """Return True if `step` is complete on these facts."""
    return {
        Step.RESULTS: facts.results_recorded,
        Step.LAST_ANSWERS: facts.awaiting_publication == 0 or bool(facts.explanation.strip()),
        Step.OPEN_ENTRIES: facts.open_entries == 0,
        Step.FREEZE: facts.frozen,
        Step.ARCHIVE: facts.archived,
        Step.REPORT: facts.reported,
        Step.RETENTION: facts.retention_started,
    }[step]


def check_step(step: Step, facts: Facts) -> None:
    """Raise CloseDownError unless `step` may be taken now.

    - Nothing before the poll closes (10pm on polling day).
    - Each step once.
    - Explaining the last answers only while some await publication.
    - Freezing needs the results, the last answers and no open entry.
    - Archiving, the report and the retention clock need the frozen register: they record the
      final state."""
    if facts.now < facts.poll_closes:
        raise CloseDownError(
            _("The close-down starts when the poll closes, at %(when)s.")
            % {"when": f"{facts.poll_closes:%-I%p on %-d %B %Y}".replace("PM", "pm")}
        )
    if is_done(step, facts) and step != Step.LAST_ANSWERS:
        raise CloseDownError(_("That step is already done."))
    if step == Step.LAST_ANSWERS and facts.awaiting_publication == 0:
        raise CloseDownError(_("Every answer is published: there is nothing to explain."))
    if step == Step.FREEZE:
        missing = [str(STEP_LABELS[s]).lower() for s in BEFORE_FREEZE if not is_done(s, facts)]
        if missing:
            raise CloseDownError(
                _("The register can be frozen only after: %(steps)s.")
                % {"steps": ", ".join(missing)}
            )
    if step in (Step.ARCHIVE, Step.REPORT, Step.RETENTION) and not facts.frozen:
        raise CloseDownError(_("Freeze the register first: this step records its final state."))


def checklist(facts: Facts) -> list[Item]:
    """Return the close-down's items in order, each done or not, with its due date (driven by
    the timetable: everything before the new commissioner takes office, the archive and
    report the same day) and what is left to do."""
    details = {
        Step.RESULTS: _("Record who was elected on the candidates' page."),
        Step.LAST_ANSWERS: _("%(n)s answers await publication: publish them or explain why not.")
        % {"n": facts.awaiting_publication},
        Step.OPEN_ENTRIES: _("%(n)s entries are still open: close each with a reason.")
        % {"n": facts.open_entries},
        Step.FREEZE: _("The register becomes read-only; it can still be exported."),
        Step.ARCHIVE: _(
            'A permanent copy of the public page, with a "this election is over" banner.'
        ),
        Step.REPORT: _("Counts, times and the equal-treatment report, as a tagged PDF."),
        Step.RETENTION: _("Personal data is erased when the retention period ends."),
    }
    return [
        Item(
            step,
            str(STEP_LABELS[step]),
            is_done(step, facts),
            facts.takes_office,
            str(details[step]),
        )
        for step in Step
    ]


def is_complete(facts: Facts) -> bool:
    return all(is_done(step, facts) for step in Step)


ARCHIVE_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def archive_folder(reference_prefix: str) -> str:
    """Return the archive's folder name for an election: its register prefix in lower case
    (unique per election, 2 to 8 letters or digits: safe in a path)."""
    name = reference_prefix.lower()
    if not name or not set(name) <= ARCHIVE_PREFIX_CHARS:
        raise ValueError(f"Not a reference prefix: {reference_prefix!r}")
    return name


def read_only_reason(frozen: bool) -> str | None:
    """Return why an election is read-only, or None if it may be changed."""
    if frozen:
        return str(
            _(
                "This election is over and its register is frozen: it is read-only (you can "
                "still read and export it). Choose the current election to make changes."
            )
        )
    return None
