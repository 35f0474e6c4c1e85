"""Recording an incident and its evidence, assigning it, and the office's incident settings."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from guardian.shortcuts import assign_perm

from candidates.models import Candidate
from election_protocol.models import Election
from election_protocol.roles import Role
from election_protocol.services import save_with_history
from incidents import rules
from incidents.models import (
    Evidence,
    Incident,
    IncidentSettings,
)
from incidents.services.common import (
    _grant_service,
    _notify_role,
    _step,
    settings_for,
)
from requests_register.queries import office_calendar
from requests_register.services import IncomingFile, check_attachment


@transaction.atomic
def record_incident(
    *,
    election: Election,
    by,
    kind: str,
    title: str,
    description: str,
    raised_at: datetime,
    service: str = rules.Service.OFFICE,
    links: str = "",
    raised_by_type: str = Incident.RaisedBy.STAFF,
    raised_by_name: str = "",
    raised_by_email: str = "",
    candidates: Iterable[Candidate] = (),
    source: str = "",
    platform: str = "",
    account: str = "",
    removed_at: datetime | None = None,
    removed_by: str = "",
    explanation_posted: str = "",
    statutory_business: bool | None = None,
    files: Iterable[IncomingFile] = (),
    referred_from: Incident | None = None,
    now: datetime | None = None,
) -> Incident:
    """Record an incident. Effects: the Incident numbered per election under a lock on the
    election row, its target (`rules.due_at` with the election's target for the kind), its
    candidates, evidence files (type and size checked: all or none), a first IncidentStep, a
    history row, object permissions for the chief of its service, and an e-mail to whoever
    decides it (or to the SPOC, who moves it on). A social-media removal with no explanation
    typed gets the office's standard one (Cumbria 7.2.3)."""
    now = now or timezone.now()
    kind = rules.Kind(kind)
    service = rules.Service(service)
    files = list(files)
    for file in files:
        check_attachment(file)
    Election.objects.select_for_update().filter(pk=election.pk).first()
    number = (Incident.objects.filter(election=election).aggregate(n=Max("number"))["n"] or 0) + 1
    config = settings_for(election)
    if kind == rules.Kind.SOCIAL_MEDIA and not explanation_posted.strip():
        explanation_posted = config.social_media_explanation
    incident = Incident(
        election=election,
        number=number,
        reference=f"{election.reference_prefix}-INC-{number:03d}",
        kind=kind,
        service=service,
        title=title.strip(),
        description=description.strip(),
        links=links.strip(),
        raised_by_type=raised_by_type,
        raised_by_name=raised_by_name.strip(),
        raised_by_email=raised_by_email.strip(),
        raised_at=raised_at,
        due_at=rules.due_at(raised_at, config.target_for(kind), office_calendar(election)),
        source=source.strip(),
        platform=platform.strip(),
        account=account.strip(),
        removed_at=removed_at,
        removed_by=removed_by.strip(),
        explanation_posted=explanation_posted.strip(),
        statutory_business=statutory_business,
        referred_from=referred_from,
        recorded_by=by,
        recorded_at=now,
    )
    save_with_history(incident, by=by, at=now)
    incident.candidates.set(list(candidates))
    for file in files:
        _store_evidence(incident, file, by, now)
    _step(incident, "", rules.Status.RECORDED, by, now)
    _grant_service(incident)
    _notify_role(
        incident,
        Role.SPOC,
        subject=f"{incident.reference}: {incident.kind_label} recorded",
        body=(
            f"{incident.reference} ({incident.kind_label}) has been recorded. "
            f"Target: {timezone.localtime(incident.due_at):%a %-d %b %Y, %H:%M}. "
            "Open it in Election SPOC."
        ),
        by=by,
        now=now,
    )
    return incident


def _store_evidence(incident: Incident, file: IncomingFile, by, now: datetime) -> Evidence:

    evidence = Evidence(
        incident=incident,
        name=file.filename[:255],
        content_type=file.content_type,
        size=len(file.data),
        uploaded_by=by,
        uploaded_at=now,
    )
    # A random stored name: the typed file name never reaches the disk.
    evidence.file.save(secrets.token_urlsafe(24), ContentFile(file.data), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def add_evidence(
    incident_id: int, files: Iterable[IncomingFile], *, by, now: datetime | None = None
) -> list[Evidence]:
    """Keep files with an incident. Raises ValidationError for a file refused (type, size,
    content): all or none. Effects: Evidence rows and their files, an IncidentStep note."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    files = list(files)
    for file in files:
        check_attachment(file)
    stored = [_store_evidence(incident, f, by, now) for f in files]
    _step(
        incident,
        incident.status,
        "evidence",
        by,
        now,
        ", ".join(e.name for e in stored),
    )
    return stored


@transaction.atomic
def assign_incident(incident_id: int, assignee, *, by, now: datetime | None = None) -> None:
    """Let a colleague (a liaison) see an incident. Effects: a django-guardian object
    permission for that person, an IncidentStep note."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    assign_perm("incidents.view_incident", assignee, incident)
    _step(incident, incident.status, "assigned", by, now, assignee.get_username())


@transaction.atomic
def save_settings(
    election: Election,
    *,
    targets: dict[str, rules.Target],
    explanation: str,
    by,
) -> IncidentSettings:
    """Set the election's targets per kind and the social-media explanation. Targets apply to
    incidents recorded from now on. Effects: IncidentSettings saved, a history row."""
    config = settings_for(election)
    config.targets = {
        kind: {"amount": t.amount, "unit": t.unit.value} for kind, t in targets.items()
    }
    config.social_media_explanation = explanation.strip()
    save_with_history(config, by=by)
    return config
