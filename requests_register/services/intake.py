"""Putting a contact on the register (log_entry) and editing what was logged (update_entry, with
its version check)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from election_protocol.models import Election
from election_protocol.roles import Role
from election_protocol.services import save_with_history
from requests_register import rules
from requests_register.models import (
    Entry,
    StatusEvent,
)
from requests_register.services.common import (
    ConcurrentEditError,
    IncomingFile,
    _email_requester,
    _store_attachment,
    check_attachment,
    target_for,
)


@transaction.atomic
def log_entry(
    *,
    election: Election,
    by,
    received_at: datetime,
    channel: str,
    kind: str,
    topic: str,
    question: str,
    requester_type: str,
    requester_name: str,
    first_reached: str = Entry.Organisation.OPCC,
    redirected_at: datetime | None = None,
    candidate=None,
    party=None,
    requester_email: str = "",
    requester_phone: str = "",
    requester_address: str = "",
    attachments: Iterable[IncomingFile] = (),
    acknowledge: bool = False,
    initiated_by_office: bool = False,
    now: datetime | None = None,
) -> Entry:
    """Put a new contact on the register.

    Effects: the election row locked to number the entry (`<prefix>-0001`, …); the entry with
    how its requester is treated decided now, from the election's policy and the candidate's
    status now (Cumbria 1.1, 6.1.1), and its target date; a StatusEvent (logged); attachments
    stored; the person who logged it may see it (object permission, for liaisons); if
    `acknowledge`, an acknowledgement e-mail queued (written requests with an e-mail address).
    `initiated_by_office`: a contact the office started (no request to confirm or acknowledge,
    no reply owed). The entry's owner is whoever logged it if they are in the SPOC team.
    """
    now = now or timezone.now()
    if received_at > now:
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    if candidate is not None and candidate.election_id != election.pk:
        raise ValidationError({"candidate": "That candidate stands in another election."})
    # Every file checked before anything is written: a refused second file must not leave the
    # first one on disk (the rows roll back; files in storage would not).
    attachments = list(attachments)
    for file in attachments:
        check_attachment(file)
    Election.objects.select_for_update().filter(pk=election.pk).first()
    number = (Entry.objects.filter(election=election).aggregate(n=Max("number"))["n"] or 0) + 1
    treated = rules.treated_as_candidate(
        requester_type,
        candidate.status if candidate else None,
        election.undeclared_treated_as == "candidate",
    )
    target = target_for(election, kind, received_at)
    entry = Entry(
        election=election,
        number=number,
        reference=f"{election.reference_prefix}-{number:04d}",
        received_at=received_at,
        channel=channel,
        first_reached=first_reached,
        redirected_at=redirected_at,
        kind=kind,
        topic=topic.strip(),
        question=question,
        requester_type=requester_type,
        candidate=candidate,
        party=party,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        requester_address=requester_address,
        treated_as=Entry.TreatedAs.CANDIDATE if treated else Entry.TreatedAs.PUBLIC,
        initiated_by_office=initiated_by_office,
        owner=by if by.groups.filter(name=Role.SPOC.value).exists() else None,
        target_date=target.due,
        target_explanation=target.explanation,
        created_by=by,
    )
    save_with_history(entry, by=by, at=now)
    StatusEvent.objects.create(
        entry=entry, old_status="", new_status=rules.Status.LOGGED, at=now, by=by
    )
    for file in attachments:
        _store_attachment(entry, file, by, now)
    assign_perm("requests_register.view_entry", by, entry)
    if (
        acknowledge
        and not initiated_by_office
        and entry.requester_email
        and not rules.needs_confirmation(entry.channel)
    ):
        _email_requester(entry, "acknowledgement", by, now)
    return entry


EDITABLE_FIELDS = (
    "received_at",
    "channel",
    "first_reached",
    "redirected_at",
    "kind",
    "topic",
    "question",
    "requester_type",
    "candidate",
    "party",
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
)


@transaction.atomic
def update_entry(
    entry_id: int, *, expected_version: int, by, now: datetime | None = None, **fields: object
) -> Entry:
    """Save edits to an entry's details, refusing them if someone saved it in the meantime.

    Effects: the changed fields and version saved; a history row naming `by`. Raises
    ConcurrentEditError (nothing saved) if the entry's version is no longer `expected_version`.
    How the requester is treated is not recomputed: it was decided at logging (Cumbria 6.1.1).
    A new kind or date received recomputes the target date. A new channel or e-mail address
    clears the written confirmation: no reply may go until the request is confirmed again at
    that address (Cumbria 6.1.2).
    """
    now = now or timezone.now()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if entry.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else saved this entry while you were editing it. Your changes are below "
                "but were not saved: check the entry as it is now, then save again."
            )
        )
    if fields.get("received_at") and fields["received_at"] > now:
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    changed = {name for name, value in fields.items() if getattr(entry, name) != value}
    for name, value in fields.items():
        setattr(entry, name, value)
    extra = ["version"]
    if changed & {"kind", "received_at"}:
        target = target_for(entry.election, entry.kind, entry.received_at)
        entry.target_date, entry.target_explanation = target.due, target.explanation
        extra += ["target_date", "target_explanation"]
    if changed & {"channel", "requester_email"} and entry.confirmed_at is not None:
        entry.confirmed_at = None
        extra.append("confirmed_at")
    entry.version += 1
    save_with_history(entry, by=by, at=now, fields=[*fields, *extra])
    return entry
