"""Reminders (issue 13, item 7), each batched and idempotent through `Reminder` rows:

- `queue_approval_reminders`: the Chief Executive and the deputies they named get one e-mail
  per run listing what awaits their approval (answers drafted, refusals, referrals and
  closures proposed for sign-off, bookings prepared, public entries awaiting the second
  approver), only when
  something is new since their last reminder; the e-mail lists everything still waiting.
- `queue_confirmation_chases`: an oral request still unconfirmed one working day after the
  confirmation e-mail is chased: its owner (or every SPOC officer) is e-mailed, once per
  confirmation asked.
- `queue_period_notices`: staff told once when the pre-election period starts and ends.

All go through the outbox (recorded first, sent after commit). The Celery beat task
`task_send_reminders` calls `run_reminders`.

The reminder is the register's; the items of later apps (bookings prepared, public entries
awaiting the second approver) come from the apps that own them, through the providers they
register in `requests_register.hooks` (docs/ARCHITECTURE.md, "Hooks").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from election_protocol import calendar
from election_protocol.models import Election
from election_protocol.roles import Role
from requests_register import hooks, outbox, queries, rules
from requests_register.models import Entry, Reminder, StatusEvent
from requests_register.signoff import pending_items


@dataclass(frozen=True)
class Item:
    key: str  # stable: the same thing waiting keeps the same key
    line: str


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def approvers(election: Election):
    """Return the active Chief Executives and named deputies with an e-mail address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return (
        users.filter(groups__name=Role.CHIEF_EXECUTIVE.value)
        | users.filter(pk__in=election.approval_deputies.values("pk"))
    ).distinct()


def approval_items(election: Election, user) -> list[Item]:
    """Return what awaits `user`'s approval in `election`, oldest first: answers drafted by
    someone else; bookings prepared (for holders of the approve-booking right); public
    entries awaiting the second approver, prepared by someone else."""
    items = [
        Item(
            # The answer's text, not the entry's version: an edit elsewhere on the entry (a
            # new owner, say) is not a new item; a redrafted answer is.
            f"entry:{e.pk}:{hashlib.sha256(e.answer.encode()).hexdigest()[:16]}",
            f"- {e.reference} {e.topic}: answer drafted, to approve",
        )
        for e in Entry.objects.filter(election=election, status=rules.Status.ANSWER_DRAFTED)
        .exclude(drafted_by=user)
        .order_by("number")
    ]
    for provider in hooks.approval_item_providers():
        items += [Item(key, line) for key, line in provider.items(election, user)]
    items += [Item(key, line) for key, line in pending_items(election, user)]
    return items


def _send_once(
    user, election: Election, key: str, template: str, context: dict, now: datetime, entry=None
) -> bool:
    """Queue template `key` to `user` unless they already had reminder `key`; return True if
    queued. Effects: an outbox e-mail and a Reminder row."""
    if Reminder.objects.filter(user=user, key=key).exists():
        return False
    email = outbox.queue_templated_email(
        key=template,
        context=context,
        purpose=f"reminder:{template}",
        to=[user.email],
        entry=entry,
        election=election,
        now=now,
    )
    Reminder.objects.create(user=user, key=key, email=email, sent_at=now)
    return True


@transaction.atomic
def queue_approval_reminders(election: Election, *, now: datetime | None = None) -> int:
    """E-mail each approver (approvers) the list of what awaits them (approval_items), in one
    e-mail, if at least one item is new since their last reminder. Returns how many e-mails
    were queued. Effects: outbox e-mails; a Reminder row per person and item."""
    now = now or timezone.now()
    # Two runs at once queue each reminder once: the second waits here, then finds the rows.
    Election.objects.select_for_update().filter(pk=election.pk).first()
    queued = 0
    for user in approvers(election):
        items = approval_items(election, user)
        if not items:
            continue
        keys = [f"approval:{i.key}" for i in items]
        seen = set(Reminder.objects.filter(user=user, key__in=keys).values_list("key", flat=True))
        new = [k for k in keys if k not in seen]
        if not new:
            continue
        email = outbox.queue_templated_email(
            key="approvals_reminder",
            context={
                "name": _name(user),
                "count": str(len(items)),
                "items": "\n".join(i.line for i in items),
                "spoc_name": election.spoc_name,
                "office_name": election.office_name,
            },
            purpose="reminder:approvals",
            to=[user.email],
            election=election,
            now=now,
        )
        Reminder.objects.bulk_create(
            Reminder(user=user, key=k, email=email, sent_at=now) for k in new
        )
        queued += 1
    return queued


@transaction.atomic
def queue_confirmation_chases(election: Election, *, now: datetime | None = None) -> int:
    """Chase every oral request still awaiting written confirmation one working day (or more)
    after the confirmation e-mail (Cumbria 6.1.2): its owner, or every SPOC officer if it has
    none, is e-mailed once per confirmation asked. Returns how many e-mails were queued."""
    now = now or timezone.now()
    Election.objects.select_for_update().filter(pk=election.pk).first()
    today = timezone.localdate(now)
    cal = queries.office_calendar(election)
    spocs = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SPOC.value)
        .exclude(email="")
    )
    queued = 0
    waiting = Entry.objects.filter(
        election=election, status=rules.Status.AWAITING_CONFIRMATION
    ).select_related("owner")
    for entry in waiting:
        asked = (
            StatusEvent.objects.filter(entry=entry, new_status=rules.Status.AWAITING_CONFIRMATION)
            .order_by("-at", "-pk")
            .first()
        )
        if asked is None or cal.add(timezone.localdate(asked.at), 1) > today:
            continue
        owner = entry.owner
        recipients = [owner] if owner is not None and owner.is_active and owner.email else spocs
        for user in recipients:
            queued += _send_once(
                user,
                election,
                f"chase:{entry.pk}:{asked.pk}",
                "confirmation_chase",
                {
                    "name": _name(user),
                    "reference": entry.reference,
                    "topic": entry.topic,
                    "asked_on": f"{timezone.localdate(asked.at):%A %-d %B %Y}",
                    "office_name": election.office_name,
                },
                now,
                entry=entry,
            )
    return queued


def staff_to_tell():
    """Return the active users holding a staff role, with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .exclude(email="")
        .distinct()
    )


@transaction.atomic
def queue_period_notices(election: Election, *, now: datetime | None = None) -> int:
    """Tell staff, once, that the pre-election period has started (while it lasts) and that it
    has ended. Returns how many e-mails were queued."""
    now = now or timezone.now()
    Election.objects.select_for_update().filter(pk=election.pk).first()
    start, end = calendar.pre_election_period(
        election.timetable,
        election.notice_published,
        calendar.PreElectionEnd(election.pre_election_end),
    )
    if now < start:
        return 0
    key, template = (
        (f"period_started:{election.pk}", "period_started")
        if now < end
        else (f"period_ended:{election.pk}", "period_ended")
    )
    context = {
        "election": str(election),
        "start": f"{timezone.localtime(start):%-d %B %Y}",
        "end": f"{timezone.localtime(end):%-d %B %Y, %-I:%M %p}",
        "spoc_name": election.spoc_name,
        "office_name": election.office_name,
    }
    queued = 0
    for user in staff_to_tell():
        queued += _send_once(user, election, key, template, {**context, "name": _name(user)}, now)
    return queued


def run_reminders(election: Election, *, now: datetime | None = None) -> dict[str, int]:
    """Run every reminder for `election` (the beat task's service); return counts queued."""
    now = now or timezone.now()
    return {
        "approvals": queue_approval_reminders(election, now=now),
        "chases": queue_confirmation_chases(election, now=now),
        "period": queue_period_notices(election, now=now),
    }
