"""Pure rules of data protection: when the register's personal data is due for erasure, and
which entries are erased. No ORM and no clock: callers pass the facts and the day.

The protocols require every dealing to be recorded (Cumbria 6.1.2; Leicestershire "Single
Electronic Register") and the answers published in anonymised form (Cumbria 3.2.4, 6.1.4); they
say nothing about how long the private register is kept. UK GDPR Article 5(1)(e) (storage
limitation) does: personal data is kept no longer than the purpose needs. The purpose ends some
time after the poll, once challenges (an election petition: 21 days, Representation of the
People Act 1983 s.122) and complaints about the office's even-handedness are done; the office
chooses how long (Election.retention_months, 12 by default).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# The retention date is computed with the election calendar (publishing shows it on the public
# page, and sits below data protection in the dependency order: docs/ARCHITECTURE.md).
from election_protocol.calendar import HasRetention, add_months, retention_date  # noqa: F401
from requests_register import rules as register_rules


def retention_due(election: HasRetention, today: date) -> bool:
    """Return True if the retention period after the election's poll has passed on `today`."""
    return today >= retention_date(election)


class Decision(StrEnum):
    """What a retention run does with one register entry."""

    ERASE = "erase"
    HOLD = "hold"  # on legal hold: kept as it is
    OPEN = "open"  # still being worked on: kept, and listed so staff finish or hold it
    DONE = "done"  # erased by an earlier run


DECISION_LABELS = {
    Decision.ERASE: _("Personal data to be erased"),
    Decision.HOLD: _("Kept: on legal hold"),
    Decision.OPEN: _("Kept: still open"),
    Decision.DONE: _("Already erased"),
}


def entry_decision(*, status: str, legal_hold: bool, already_erased: bool) -> Decision:
    """Return what retention does with an entry once the election's retention date has passed.

    A legal hold wins over everything. An entry still open is never erased under someone
    working on it: the run lists it instead, so it is finished (or held) and erased by the next
    run. Only finished entries (answered, ended, passed to a booking) are erased.
    """
    if already_erased:
        return Decision.DONE
    if legal_hold:
        return Decision.HOLD
    if register_rules.Status(status) in register_rules.OPEN:
        return Decision.OPEN
    return Decision.ERASE


class LegalHoldError(ValueError):
    """A legal hold change the rules refuse; the message says why."""


def check_legal_hold(*, placing: bool, currently: bool, reason: str, already_erased: bool) -> None:
    """Refuse a pointless or unexplained legal hold change.

    Placing a hold needs a reason (it keeps personal data past the period the privacy notice
    promises, so it must be justified) and is impossible once the data is gone.
    """
    if placing and currently:
        raise LegalHoldError(_("This entry is already on legal hold."))
    if not placing and not currently:
        raise LegalHoldError(_("This entry is not on legal hold."))
    if not reason.strip():
        raise LegalHoldError(_("Give the reason: it is kept with the entry's history."))
    if placing and already_erased:
        raise LegalHoldError(
            _("The personal data of this entry has already been erased: there is nothing to hold.")
        )
