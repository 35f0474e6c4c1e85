"""What publishing offers the register's hooks (requests_register.hooks), registered in
`PublishingConfig.ready()`: the register may not import publishing (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from publishing.deadlines import digest_lines
from publishing.models import PublicEntry
from publishing.rules import Status


def approval_items(election, user) -> list[tuple[str, str]]:
    """Public entries awaiting the second approver, prepared by someone else (the approval
    reminder, issue 13, item 7), by number."""
    if not user.has_perm("publishing.approve_publicentry"):
        return []
    return [
        (f"public:{p.pk}:{p.version}", f"- {p.reference} {p.topic}: public entry to approve")
        for p in PublicEntry.objects.filter(election=election, status=Status.AWAITING_APPROVAL)
        .exclude(prepared_by=user)
        .order_by("number")
    ]


def digest_section(election, today, now):
    """Answers awaiting publication, overdue or due soon, for the SPOC officers' daily digest
    (issue 13): read once per run, given to those who see every entry."""
    lines = digest_lines(election, today)
    return lambda user, sees_everything: lines if sees_everything else []
