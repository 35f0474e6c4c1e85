"""Every write to the protocol document: one funnel each."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from election_protocol.models import Election
from protocol.models import Acknowledgement, ProtocolVersion


@transaction.atomic
def add_version(
    election: Election,
    *,
    title: str,
    text: str,
    change_note: str,
    clauses: dict[str, str],
    by,
    now: datetime | None = None,
    pdf: tuple[str, bytes] | None = None,
) -> ProtocolVersion:
    """Record a new version of the election's protocol, numbered after the last one.

    The election row is locked so that two versions saved at once get different numbers. The
    public page shows it at the next publication (the caller schedules one).
    `pdf`: (the name it was uploaded with, its bytes), already checked by the caller (the
    upload checks of briefings.materials.check_pdf); stored under a random name, never
    replaced (each version keeps its own file)."""
    Election.objects.select_for_update().get(pk=election.pk)
    last = election.protocol_versions.aggregate(n=Max("number"))["n"] or 0
    version = ProtocolVersion(
        election=election,
        number=last + 1,
        title=title,
        text=text,
        change_note=change_note,
        clauses=clauses,
        created_at=now or timezone.now(),
        created_by=by,
    )
    if pdf is not None:
        filename, data = pdf
        version.pdf_filename = filename[:255]
        version.pdf.save(f"{secrets.token_urlsafe(18)}.pdf", ContentFile(data), save=False)
    version.save()
    return version


def acknowledge(version: ProtocolVersion, *, by, now: datetime | None = None) -> Acknowledgement:
    """Record that `by` has read `version`; a second acknowledgement keeps the first."""
    existing = Acknowledgement.objects.filter(version=version, user=by).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Acknowledgement.objects.create(
                version=version, user=by, at=now or timezone.now()
            )
    except IntegrityError:  # acknowledged twice at once: the first stands
        return Acknowledgement.objects.get(version=version, user=by)
