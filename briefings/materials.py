"""Briefing material for candidates (issue 13; Cumbria 8.1): a link or an uploaded PDF,
prepared by one person and approved by another (the Chief Executive or a named deputy), with
a factual check recorded in the pre-election period (Cumbria 11.2-11.3; Cleveland 8.2).

One funnel each: `save_material` (new or changed: awaiting approval, off the public page until
approved), `approve_material` (published, the PARO told, the public page republished after
commit) and `withdraw_material`. A PDF is checked as the register's uploads are (size, type,
name and first bytes), stored under a random name, and copied to the public site by
publishing.site.pages.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings import republish, rules
from briefings.models import BriefingMaterial
from election_protocol.models import Election
from election_protocol.services import save_with_history
from requests_register import outbox
from requests_register import permissions as register_permissions
from requests_register import rules as register_rules
from requests_register.services import MAX_ATTACHMENT_BYTES, IncomingFile

PDF = {"application/pdf": ".pdf"}


def check_pdf(file: IncomingFile) -> None:
    """Raise BookingError saying what to fix unless `file` is a real PDF of at most the
    register's upload size (the same checks as requests_register.services.check_attachment)."""
    if len(file.data) > MAX_ATTACHMENT_BYTES:
        raise rules.BookingError(
            _("%(filename)s is larger than %(size)s MB.")
            % {"filename": file.filename, "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    if file.content_type not in PDF:
        raise rules.BookingError(
            _("%(filename)s is not a PDF: upload a PDF, or give a link instead.")
            % {"filename": file.filename}
        )
    problem = register_rules.attachment_type_problem(
        file.filename, file.content_type, file.data, PDF
    )
    if problem:
        raise rules.BookingError(problem)


def can_approve_materials(user, election: Election) -> bool:
    """Return True if `user` approves material: as answers (the Chief Executive or a deputy)."""
    return register_permissions.can_approve_answers(user, election)


def in_pre_election_period(election: Election, at: datetime) -> bool:
    """Return True if `at` falls in `election`'s pre-election period (Cumbria 11.1)."""
    return election.in_pre_election_period(at)


@transaction.atomic
def save_material(
    election: Election,
    *,
    title: str,
    topic: str,
    summary: str,
    url: str = "",
    file: IncomingFile | None = None,
    material_id: int | None = None,
    by,
    now: datetime | None = None,
) -> BriefingMaterial:
    """Add a material, or change one (`material_id`): a link or a PDF (a new file replaces
    the old one; a changed material keeps its file unless a link replaces it).

    Refused (BookingError, nothing saved): neither a file nor a link; a file that is not a
    real PDF. Effects: the material saved awaiting approval, prepared by `by`, the approval and
    factual check cleared, and a history row; a changed material leaves the public page until
    approved again (republished after commit).
    """
    now = now or timezone.now()
    if material_id is None:
        material = BriefingMaterial(election=election)
    else:
        material = BriefingMaterial.objects.select_for_update().get(
            pk=material_id, election=election
        )
    if file is not None:
        check_pdf(file)
    if file is None and not url.strip() and not material.file:
        raise rules.BookingError(_("Upload a PDF or give a link to the material."))
    was_public = material.pk is not None and material.published
    material.title, material.topic = title.strip(), topic.strip()
    material.summary = summary.strip()
    if file is not None:
        material.url = ""
        material.filename = file.filename[:255]
        material.file.save(f"{secrets.token_urlsafe(18)}.pdf", ContentFile(file.data), save=False)
    elif url.strip():
        material.url = url.strip()
        if material.file:
            material.file.delete(save=False)
        material.file, material.filename = "", ""
    material.status = "draft"
    material.published = False
    material.prepared_by, material.prepared_at = by, now
    material.approved_by = material.approved_at = None
    material.factual_check = ""
    save_with_history(material, by=by)
    if was_public:
        republish.after_commit(election.pk, by=by)
    return material


@transaction.atomic
def approve_material(
    material_id: int, *, factual_check: str = "", by, now: datetime | None = None
) -> BriefingMaterial:
    """Approve and publish a material (a second person; the factual check in the
    pre-election period: rules.check_material_approval).

    Effects: published, approved by `by` at `now`, the factual check kept, a history row; the
    PARO e-mailed that new material is published (Cumbria 8.2's "so as to inform candidates of
    the service being offered"); the public page republished after commit.
    """
    now = now or timezone.now()
    material = (
        BriefingMaterial.objects.select_for_update().select_related("election").get(pk=material_id)
    )
    election = material.election
    if material.status == "approved" and material.published:
        raise rules.BookingError(_("This material is already approved and published."))
    rules.check_material_approval(
        rules.MaterialApprovalFacts(
            approver_prepared_it=material.prepared_by_id == by.pk,
            approver_may_approve=can_approve_materials(by, election),
            in_pre_election_period=in_pre_election_period(election, now),
            factual_check=factual_check,
            has_content=bool(material.file or material.url),
        )
    )
    material.status, material.published = "approved", True
    material.approved_by, material.approved_at = by, now
    material.factual_check = factual_check.strip()
    material.paro_notified_at = now if election.paro_email else None
    save_with_history(material, by=by)
    if election.paro_email:
        outbox.queue_templated_email(
            key="paro_material_notice",
            context={
                "title": material.title,
                "topic": material.topic,
                "where": material.url or f"{material.filename} (on the election page)",
                "paro_name": election.paro_name,
                "spoc_name": election.spoc_name,
                "office_name": election.office_name,
            },
            to=[election.paro_email],
            election=election,
            by=by,
            now=now,
        )
    republish.after_commit(election.pk, by=by)
    return material


@transaction.atomic
def withdraw_material(material_id: int, *, by, now: datetime | None = None) -> BriefingMaterial:
    """Take a material off the public page. Effects: unpublished, status withdrawn, a history
    row; the public page republished after commit if it was on it."""
    material = BriefingMaterial.objects.select_for_update().get(pk=material_id)
    was_public = material.published
    material.status, material.published = "withdrawn", False
    save_with_history(material, by=by)
    if was_public:
        republish.after_commit(material.election_id, by=by)
    return material
