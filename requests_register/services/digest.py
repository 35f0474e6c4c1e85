"""The daily digest of open entries, one e-mail a person (through the outbox)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from election_protocol.models import Election
from election_protocol.roles import Role
from requests_register import hooks, outbox, rules
from requests_register.models import (
    Assignment,
    Entry,
    OutboundEmail,
)


def _digest_line(entry: Entry, today: date) -> str:
    state = "OVERDUE" if entry.target_date < today else f"due {entry.target_date:%a %-d %b}"
    status = rules.STATUS_LABELS[rules.Status(entry.status)]
    return f"- {entry.reference} {entry.topic} ({status}, {state})"


@transaction.atomic
def queue_daily_digests(election: Election, *, today: date, now: datetime | None = None) -> int:
    """Queue the daily digest: to each SPOC officer every open entry of the election, and to
    each colleague with assigned entries their own open ones; overdue first, then by target.

    Effects: one outbox e-mail per person with something open and an e-mail address (no
    requester details in it). Idempotent per day: someone who already has today's digest is
    skipped, so a re-run of the beat task never sends twice. Returns how many were queued.
    """
    now = now or timezone.now()
    # Two runs at once (beat and a manual run) queue each digest once: the second waits here,
    # then finds the first one's rows.
    Election.objects.select_for_update().filter(pk=election.pk).first()
    purpose = f"digest:{today:%Y-%m-%d}"
    open_entries = Entry.objects.filter(election=election, status__in=[s.value for s in rules.OPEN])
    recipients: dict[int, tuple[object, list[Entry]]] = {}
    spocs = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SPOC.value)
        .exclude(email="")
    )
    everything = list(open_entries.order_by("target_date", "number"))
    for user in spocs:
        recipients[user.pk] = (user, everything)
    assignments = (
        Assignment.objects.filter(entry__in=open_entries, assignee__is_active=True)
        .exclude(assignee__email="")
        .select_related("assignee", "entry")
        .order_by("entry__target_date", "entry__number")
    )
    for assignment in assignments:
        user = assignment.assignee
        if user.pk in recipients and recipients[user.pk][1] is everything:
            continue
        recipients.setdefault(user.pk, (user, []))[1].append(assignment.entry)
    already = set(
        OutboundEmail.objects.filter(purpose=purpose).values_list("created_by_id", flat=True)
    )
    queued = 0
    # The later apps' sections (open incidents the person may see, issue 12; answers awaiting
    # publication for the SPOC officers, issue 13), registered in requests_register.hooks.
    sections = hooks.prepare_digest(election, today, now)
    for user, entries in recipients.values():
        if user.pk in already:
            continue
        extra: list[str] = []
        for heading, lines_for in sections:
            lines = lines_for(user, entries is everything)
            if lines:
                extra += ["", heading, *lines]
        if not entries and not extra:
            continue
        ordered = sorted(entries, key=lambda e: (e.target_date >= today, e.target_date, e.number))
        # created_by marks whose digest it is, so a second run the same day skips them.
        outbox.queue_templated_email(
            key="digest",
            context={
                "name": user.get_full_name() or user.get_username(),
                "items": "\n".join([_digest_line(e, today) for e in ordered] + extra),
                "spoc_name": election.spoc_name,
                "office_name": election.office_name,
            },
            purpose=purpose,
            to=[user.email],
            election=election,
            by=user,
            now=now,
        )
        queued += 1
    return queued
