"""What later apps add to the register's own e-mails: the hooks the register offers.

The register is early in the dependency order (docs/ARCHITECTURE.md): it must not import
briefings, publishing or incidents. Yet two of its e-mails list things those apps own:

- the daily digest (`services.queue_daily_digests`) adds a section per later app (open
  incidents; answers awaiting publication);
- the approval reminder (`reminders.approval_items`) adds the items awaiting the approver in a
  later app (bookings prepared; public entries awaiting the second approver).

Each later app registers its provider in its `AppConfig.ready()`; the register calls them in
`position` order (so the e-mail reads the same whichever app is loaded first). Registering the
same name again replaces the provider (ready() may run more than once in tests).
Signals stay for the audit trail only; these are plain function calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DigestSection:
    """A later app's section of the daily digest.

    `prepare(election, today, now)` is called once per run and returns `lines_for(user,
    sees_everything)`, the section's lines for one recipient (`sees_everything`: the recipient
    is a SPOC officer, who gets every open entry). An empty list leaves the section out."""

    name: str
    heading: str
    position: int
    prepare: Callable[..., Callable[[object, bool], list[str]]]


@dataclass(frozen=True)
class ApprovalItems:
    """A later app's items awaiting an approver: `items(election, user)` returns (key, line)
    pairs, the key stable while the same thing waits."""

    name: str
    position: int
    items: Callable[..., list[tuple[str, str]]]


_digest_sections: dict[str, DigestSection] = {}
_approval_items: dict[str, ApprovalItems] = {}


def register_digest_section(
    name: str,
    heading: str,
    prepare: Callable[..., Callable[[object, bool], list[str]]],
    *,
    position: int,
) -> None:
    _digest_sections[name] = DigestSection(name, heading, position, prepare)


def register_approval_items(
    name: str, items: Callable[..., list[tuple[str, str]]], *, position: int
) -> None:
    _approval_items[name] = ApprovalItems(name, position, items)


def digest_sections() -> list[DigestSection]:
    return sorted(_digest_sections.values(), key=lambda s: (s.position, s.name))


def approval_item_providers() -> list[ApprovalItems]:
    return sorted(_approval_items.values(), key=lambda p: (p.position, p.name))


def prepare_digest(election, today: date, now: datetime) -> list[tuple[str, Callable]]:
    """Return (heading, lines_for) for each registered section, prepared once for this run."""
    return [(s.heading, s.prepare(election, today, now)) for s in digest_sections()]
