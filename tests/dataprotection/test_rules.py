"""The retention rules (pure): reference election, poll 2 May 2024."""

from dataclasses import dataclass
from datetime import date

import pytest

from dataprotection import rules
from requests_register.rules import Status


@dataclass
class E:
    poll_date: date
    retention_months: int = 12


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 5, 2), 12, date(2025, 5, 2)),
        (date(2024, 5, 2), 6, date(2024, 11, 2)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),  # clamped to the month's end
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # a leap year
        (date(2021, 5, 6), 36, date(2024, 5, 6)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_retention_due_from_the_retention_date_on():
    election = E(date(2024, 5, 2))
    assert rules.retention_date(election) == date(2025, 5, 2)
    assert not rules.retention_due(election, date(2025, 5, 1))
    assert rules.retention_due(election, date(2025, 5, 2))
    assert rules.retention_due(E(date(2024, 5, 2), 3), date(2024, 8, 2))


@pytest.mark.parametrize(
    ("status", "hold", "erased", "expected"),
    [
        (Status.SENT, False, False, rules.Decision.ERASE),
        (Status.CLOSED, False, False, rules.Decision.ERASE),
        (Status.REFUSED, False, False, rules.Decision.ERASE),
        (Status.DUPLICATE, False, False, rules.Decision.ERASE),
        (Status.BOOKED, False, False, rules.Decision.ERASE),
        (Status.CLOSED, True, False, rules.Decision.HOLD),
        (Status.IN_PROGRESS, True, False, rules.Decision.HOLD),
        (Status.IN_PROGRESS, False, False, rules.Decision.OPEN),
        (Status.LOGGED, False, False, rules.Decision.OPEN),
        (Status.APPROVED, False, False, rules.Decision.OPEN),
        (Status.CLOSED, False, True, rules.Decision.DONE),
    ],
)
def test_entry_decision(status, hold, erased, expected):
    assert rules.entry_decision(status=status, legal_hold=hold, already_erased=erased) == expected


@pytest.mark.parametrize(
    ("placing", "currently", "reason", "erased", "message"),
    [
        (True, True, "x", False, "already on legal hold"),
        (False, False, "x", False, "not on legal hold"),
        (True, False, "  ", False, "Give the reason"),
        (False, True, "", False, "Give the reason"),
        (True, False, "ICO complaint", True, "already been erased"),
    ],
)
def test_check_legal_hold_refuses(placing, currently, reason, erased, message):
    with pytest.raises(rules.LegalHoldError, match=message):
        rules.check_legal_hold(
            placing=placing, currently=currently, reason=reason, already_erased=erased
        )


def test_check_legal_hold_allows_placing_and_lifting_with_a_reason():
    rules.check_legal_hold(placing=True, currently=False, reason="Claim", already_erased=False)
    rules.check_legal_hold(placing=False, currently=True, reason="Closed", already_erased=False)
