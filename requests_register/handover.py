"""Who looks after an entry: its owner in the SPOC team, and the colleagues assigned to it
(issue 13, item 8: handover and leave cover). Every write here is a funnel with a note on the
entry and a history row; object permissions follow the assignments."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import remove_perm

from election_protocol.roles import Role
from election_protocol.services import save_with_history
from requests_register import rules, services
from requests_register.models import Assignment, Entry, Note


def spoc_team():
    """Return the active users who may own an entry: the SPOC officers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SPOC.value)
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def set_owner(entry_id: int, *, owner, by, now: datetime | None = None) -> Entry:
    """Give an entry to `owner` (a SPOC officer), or to nobody (`owner` None).

    Raises rules.TransitionError if `owner` is not an active SPOC officer. Effects: owner
    saved, version bumped, a history row naming `by`, a note on the entry.
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if owner is not None and not spoc_team().filter(pk=owner.pk).exists():
        raise rules.TransitionError(_("Only an active SPOC officer can own an entry."))
    if entry.owner_id == (owner.pk if owner else None):
        raise rules.TransitionError(_("The entry already has that owner."))
    entry.owner = owner
    entry.version += 1
    save_with_history(entry, by=by, at=now, fields=["owner", "version"])
    text = (
        f"Owner now {owner.get_full_name() or owner.get_username()}." if owner else "Owner removed."
    )
    Note.objects.create(entry=entry, kind=Note.Kind.NOTE, body=text, author=by, created_at=now)
    return entry


@transaction.atomic
def unassign_entry(entry_id: int, *, assignee, by, now: datetime | None = None) -> None:
    """Take an entry away from a colleague it was assigned to.

    Raises rules.TransitionError if it was not assigned to them. Effects: the Assignment row
    deleted; their permission to contribute removed, and to view it unless they logged it; a
    note on the entry (their contributions stay, with their name).
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    deleted, _count = Assignment.objects.filter(entry=entry, assignee=assignee).delete()
    if not deleted:
        raise rules.TransitionError(
            _("%(username)s is not assigned to this entry.") % {"username": assignee.get_username()}
        )
    remove_perm("requests_register.contribute_entry", assignee, entry)
    if entry.created_by_id != assignee.pk:
        remove_perm("requests_register.view_entry", assignee, entry)
    Note.objects.create(
        entry=entry,
        kind=Note.Kind.NOTE,
        body=f"No longer assigned to {assignee.get_username()}.",
        author=by,
        created_at=now,
    )


@transaction.atomic
def reassign_entry(
    entry_id: int, *, from_user, to_user, by, request: str = "", now: datetime | None = None
) -> Assignment:
    """Move an assignment from one colleague to another (leave cover): unassign_entry, then
    services.assign_entry (the new colleague e-mailed), all or nothing."""
    now = now or timezone.now()
    if from_user.pk == to_user.pk:
        raise rules.TransitionError(_("Choose a different colleague."))
    unassign_entry(entry_id, assignee=from_user, by=by, now=now)
    return services.assign_entry(entry_id, assignee=to_user, by=by, request=request, now=now)
