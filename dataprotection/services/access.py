"""A subject access request recorded (what was searched for and exported, by whom)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from dataprotection.models import SubjectAccessRequest


def record_subject_access(
    *,
    by,
    name: str,
    email: str,
    phone: str,
    username: str = "",
    format: str,
    found: dict,
    now: datetime | None = None,
) -> SubjectAccessRequest:
    """Log a subject access export. Effects: one SubjectAccessRequest row."""
    return SubjectAccessRequest.objects.create(
        requested_by=by,
        at=now or timezone.now(),
        name=name,
        email=email,
        phone=phone,
        username=username,
        format=format,
        found=found,
    )
