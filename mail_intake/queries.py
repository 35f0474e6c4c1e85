"""Reads of the SPOC mailbox: the triage inbox, the other lists, the mailbox's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, QuerySet

from mail_intake import rules
from mail_intake.models import InboundMessage, MailboxState

State = InboundMessage.State
WAITING = (State.TRIAGE, State.NEEDS_ATTENTION)


def triage_inbox() -> QuerySet[InboundMessage]:
    """Return the messages waiting for a decision (new requests and those needing attention),
    oldest first: the order they should be dealt with."""
    return (
        InboundMessage.objects.filter(state__in=WAITING)
        .select_related("candidate")
        .defer("raw")
        .order_by("received_at", "pk")
    )


def recent_sorted(limit: int = 50) -> QuerySet[InboundMessage]:
    """Return the latest messages already dealt with (threaded, decided, bounces, automatic
    replies), newest first."""
    return (
        InboundMessage.objects.exclude(state__in=(*WAITING, State.RECEIVED))
        .select_related("entry", "decided_by")
        .defer("raw", "body")
        .order_by("-received_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class MailboxHealth:
    configured: bool
    status: str  # "ok", "unavailable" or "not configured"
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    consecutive_failures: int
    waiting_on_server: int
    waiting_for_staff: int
    needs_attention: int


def mailbox_health(now: datetime) -> MailboxHealth:
    """Return the mailbox's health at `now`: "ok" if the last pass succeeded within
    rules.STALE_AFTER and no pass has failed since; "unavailable" otherwise."""
    state = MailboxState.objects.filter(pk=1).first() or MailboxState()
    counts = dict(
        InboundMessage.objects.filter(state__in=WAITING)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    configured = bool(settings.MAILBOX_URL)
    failing = state.consecutive_failures > 0
    stale = state.last_success_at is None or now - state.last_success_at > rules.STALE_AFTER
    if not configured:
        status = "not configured"
    elif failing or stale:
        status = "unavailable"
    else:
        status = "ok"
    return MailboxHealth(
        configured=configured,
        status=status,
        last_success_at=state.last_success_at,
        last_error=state.last_error,
        last_error_at=state.last_error_at,
        consecutive_failures=state.consecutive_failures,
        waiting_on_server=state.waiting_on_server,
        waiting_for_staff=counts.get(State.TRIAGE, 0),
        needs_attention=counts.get(State.NEEDS_ATTENTION, 0),
    )
