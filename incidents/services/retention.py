"""Incidents after the election: which hold personal data, and erasing it (files deleted after
commit)."""

from __future__ import annotations

from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from election_protocol.models import Election
from incidents import rules
from incidents.models import (
    Incident,
    IncidentStep,
)
from publishing.anonymise import Subject, anonymise
from requests_register.models import OutboundAttachment, OutboundEmail


def incidents_with_personal_data(election: Election):
    """Return the decided or closed incidents of `election` still holding whoever raised them
    (name, e-mail) or evidence files: what a retention run erases (dataprotection)."""

    return (
        Incident.objects.filter(election=election)
        .exclude(status__in=[s.value for s in rules.OPEN])
        .filter(~Q(raised_by_name="") | ~Q(raised_by_email="") | Q(evidence__isnull=False))
        .distinct()
    )


def erase_personal_data(election: Election, *, now: datetime) -> int:
    """Erase, from each decided or closed incident, who raised it and its evidence; called by
    dataprotection.services.apply_retention once the retention period has passed, in its
    transaction. Open incidents are kept, as open register entries are.

    Effects: raised_by_name and raised_by_email emptied in the incident and every history row
    of it; evidence rows deleted and their files after commit; the e-mails sent about it lose
    that person's address and name (the letters addressed to them deleted); an IncidentStep
    note. Candidates' details are erased by the candidates' own step of the run. Idempotent.
    Returns how many incidents were changed.
    """

    changed = 0
    ids = list(incidents_with_personal_data(election).values_list("pk", flat=True))
    for incident in Incident.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
        address = incident.raised_by_email.strip().casefold()
        subject = (
            [Subject(name=incident.raised_by_name.strip(), emails=[incident.raised_by_email])]
            if incident.raised_by_name.strip()
            else []
        )
        for link in incident.emails.select_related("email"):
            email: OutboundEmail = link.email
            if address and address in [a.casefold() for a in email.to]:
                email.to = [a for a in email.to if a.casefold() != address]
                OutboundAttachment.objects.filter(email=email).delete()
            if subject:
                email.subject = anonymise(email.subject, subject, subject_label="[person]").text
                email.body = anonymise(email.body, subject, subject_label="[person]").text
            email.save(update_fields=["to", "subject", "body"])
        names = [e.file.name for e in incident.evidence.all()]
        incident.evidence.all().delete()
        if names:
            _delete_after_commit(names)
        Incident.objects.filter(pk=incident.pk).update(raised_by_name="", raised_by_email="")
        Incident.history.filter(id=incident.pk).update(raised_by_name="", raised_by_email="")
        IncidentStep.objects.create(
            incident=incident,
            old_status=incident.status,
            new_status="erased",
            at=now,
            by=incident.recorded_by,
            note="Personal data erased at the end of the retention period.",
        )
        changed += 1
    return changed


def _delete_after_commit(names: list[str]) -> None:

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
