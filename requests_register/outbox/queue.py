"""An e-mail recorded in the same transaction as the change that causes it, and enqueued for
sending after commit (the broker down: left for the periodic requeue, the person told)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from election_protocol import queue_notice
from requests_register import email_templates
from requests_register.models import EmailTemplate, OutboundAttachment, OutboundEmail
from requests_register.outbox.checks import (
    AttachmentSpec,
    State,
    UnknownTemplateError,
    check_address,
    check_attachments,
    check_header_value,
    message_id_domain,
    one_line,
    substitute,
)

logger = logging.getLogger(__name__)


def _enqueue_send(email_id: int) -> bool:
    """Enqueue task_send_email for one row; return False if the broker could not take it.

    Effects: a message on the Celery broker (or, with eager Celery, the send itself).
    """
    # Imported here: tasks imports this module to call the services.
    from requests_register.tasks import task_send_email

    try:
        task_send_email.delay(email_id=email_id)
    except BrokerError as error:
        # Redis down: the row is already committed as QUEUED/FAILED, so nothing is lost; the
        # periodic requeue sends it once the broker is back.
        logger.warning(
            "E-mail %s left for the periodic requeue: broker unavailable (%s)", email_id, error
        )
        queue_notice.note_deferred(queue_notice.EMAIL)  # the person is told, not shown an error
        return False
    return True


def queue_email(
    *,
    purpose: str,
    to: Sequence[str],
    subject: str,
    body: str,
    reply_to: str = "",
    entry=None,
    by=None,
    now: datetime | None = None,
    attachments: Sequence[AttachmentSpec] = (),
) -> OutboundEmail:
    """Record an e-mail in the outbox and send it after the surrounding transaction commits.

    `attachments` are (filename, content type, bytes) tuples, e.g. a letter as application/pdf.
    Raises ValueError, storing nothing, if the subject or any address holds a line break (header
    injection), an address is not valid, or an attachment is refused (`check_attachments`: bad
    filename or content type, over 10 MB in all).
    Effects: an OutboundEmail row (QUEUED, with a fixed unique Message-ID) and one
    OutboundAttachment row per file, in one transaction; on commit, task_send_email enqueued.
    A broker outage at commit never reaches the caller (the row stays QUEUED and
    `requeue_unsent` picks it up).
    """
    if isinstance(to, str) or not to:
        raise ValueError("Give the recipients as a non-empty list of addresses.")
    check_header_value(subject, "subject")
    for address in to:
        check_address(address, "recipient address")
    if reply_to:
        check_address(reply_to, "Reply-To address")
    if not subject.strip():
        raise ValueError("The subject must not be empty.")
    max_subject = OutboundEmail._meta.get_field("subject").max_length
    if len(subject) > max_subject:
        raise ValueError(f"The subject is longer than {max_subject} characters.")
    max_purpose = OutboundEmail._meta.get_field("purpose").max_length
    if not purpose or len(purpose) > max_purpose:
        raise ValueError(f"The purpose must be 1 to {max_purpose} characters.")
    files = check_attachments(attachments)

    with transaction.atomic():
        email = OutboundEmail.objects.create(
            entry=entry,
            purpose=purpose,
            to=list(to),
            reply_to=reply_to,
            subject=subject,
            body=body,
            message_id=make_msgid(domain=message_id_domain(settings.DEFAULT_FROM_EMAIL)),
            state=State.QUEUED,
            created_at=now or timezone.now(),
            created_by=by,
        )
        # In the e-mail's transaction: a worker never finds the row without its files.
        OutboundAttachment.objects.bulk_create(
            OutboundAttachment(email=email, filename=name, content_type=kind, data=data)
            for name, kind, data in files
        )
        # After commit only: a worker must find the row, and a rolled-back change sends nothing.
        # robust=True: whatever goes wrong enqueueing, the caller's request still succeeds.
        transaction.on_commit(partial(_enqueue_send, email.pk), robust=True)
    return email


def render_template(key: str, context: dict[str, str]) -> tuple[str, str]:
    """Return (subject, body) of the EmailTemplate `key` with `context` substituted.

    A template still as its default (email_templates.DEFAULTS) is rendered in the active
    language; an edited one as written. The subject is collapsed to one line. Raises
    UnknownTemplateError if `key` has neither a template nor a default.
    """
    template = EmailTemplate.objects.filter(key=key).first()
    default = email_templates.DEFAULTS.get(key)
    if template is None and default is None:
        raise UnknownTemplateError(
            f"There is no e-mail template {key!r}. Add it under E-mail templates in the admin "
            "(the defaults are in requests_register/email_templates.py)."
        )
    if default is not None and (
        template is None or (template.subject, template.body) == (default.subject, default.body)
    ):
        subject, body = default.translated()
    else:
        subject, body = template.subject, template.body
    return one_line(substitute(subject, context)), substitute(body, context)


def queue_templated_email(
    *,
    key: str,
    to: Sequence[str],
    context: dict[str, str],
    entry=None,
    election=None,
    purpose: str = "",
    by=None,
    now: datetime | None = None,
    attachments: Sequence[AttachmentSpec] = (),
) -> OutboundEmail:
    """Render the template `key` and queue it to `to`, Reply-To the SPOC mailbox of `election`
    (by default the entry's).

    Effects: as `queue_email` (purpose = `purpose`, by default `key`; linked to `entry` if
    given; with `attachments`).
    """
    subject, body = render_template(key, context)
    return queue_email(
        purpose=purpose or key,
        to=to,
        subject=subject,
        body=body,
        reply_to=(election or entry.election).spoc_email,
        entry=entry,
        by=by,
        now=now,
        attachments=attachments,
    )
