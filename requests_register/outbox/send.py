"""The worker's side: one e-mail sent (claimed, sent, marked; a transient failure retried), and
what was left queued or half-sent requeued."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from requests_register.models import OutboundEmail
from requests_register.outbox.checks import (
    MAX_SEND_ATTEMPTS,
    QUEUED_GRACE,
    SENT,
    SKIPPED,
    WORKER_STOPPED,
    State,
    TransientSendError,
    build_message,
    describe_send_error,
    retry_delay_seconds,
)
from requests_register.outbox.queue import _enqueue_send

logger = logging.getLogger(__name__)


def _mark_failed(email_id: int, reason: str) -> None:
    # Only from SENDING: should another worker have sent it meanwhile, SENT stays.
    OutboundEmail.objects.filter(pk=email_id, state=State.SENDING).update(
        state=State.FAILED, last_error=reason
    )


def send_outbound_email(email_id: int, *, now: datetime | None = None) -> str:
    """Send one outbox row unless it is sent or being sent; return "sent" or "skipped".

    Effects: the row claimed (SENDING, attempts + 1, claimed_at) by a conditional update that
    only one caller can win; the message sent through MAILERS["default"] with the stored
    Message-ID, From DEFAULT_FROM_EMAIL; then SENT (sent_at, last_error cleared), or FAILED with
    a readable last_error and TransientSendError raised so the task retries.
    """
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state__in=[State.QUEUED, State.FAILED]
    ).update(state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now or timezone.now())
    if not claimed:
        # Already sent, held by another worker, or gone: sending now could send it twice.
        logger.info("E-mail %s not sent: already sent or being sent", email_id)
        return SKIPPED
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:  # deleted between the claim and now: nothing to send
        return SKIPPED

    try:
        build_message(email).send(using="default")
    except OSError as error:  # smtplib.SMTPException is an OSError
        reason = describe_send_error(error)
        _mark_failed(email_id, reason)
        logger.warning("E-mail %s failed (attempt %s): %s", email_id, email.attempts, reason)
        raise TransientSendError(reason, attempts=email.attempts) from error
    except Exception as error:
        # Not a network problem (a bug, a bad stored value): record it rather than leave the
        # row SENDING, and let it surface without an automatic retry.
        _mark_failed(email_id, describe_send_error(error))
        raise

    OutboundEmail.objects.filter(pk=email_id).update(
        state=State.SENT, sent_at=now or timezone.now(), last_error=""
    )
    return SENT


def requeue_unsent(
    *,
    now: datetime | None = None,
    stale_after: timedelta = timedelta(minutes=10),
    max_attempts: int = MAX_SEND_ATTEMPTS,
) -> int:
    """Enqueue a send for every row the broker or a worker lost; return how many were enqueued.

    Picks: QUEUED rows older than a minute; FAILED rows with attempts left whose back-off has
    passed by more than `stale_after` (their own retry was lost: earlier, the retry chain is still
    alive and a second chain would only double the traffic); SENDING rows claimed more than
    `stale_after` ago (the worker died mid-send).
    Effects: stale SENDING rows set to FAILED with last_error "worker stopped while sending;
    retrying"; task_send_email enqueued for each row picked. A broker error skips that row (it is
    tried again next time) and never stops the loop.
    """
    now = now or timezone.now()
    stale_before = now - stale_after

    # Committed before anything is enqueued, so a worker finds the rows FAILED and can claim
    # them. (Every other row picked was committed by an earlier transaction, which is why this
    # function enqueues directly instead of through on_commit.)
    with transaction.atomic():
        stale_ids = list(
            OutboundEmail.objects.filter(
                state=State.SENDING, claimed_at__lt=stale_before
            ).values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(
            pk__in=stale_ids, state=State.SENDING, claimed_at__lt=stale_before
        ).update(state=State.FAILED, last_error=WORKER_STOPPED)

    retry_lost = Q(claimed_at__isnull=True)
    for attempts in range(1, max_attempts):
        retry_due = timedelta(seconds=retry_delay_seconds(attempts))
        retry_lost |= Q(attempts=attempts, claimed_at__lt=stale_before - retry_due)
    picked = OutboundEmail.objects.filter(
        Q(state=State.QUEUED, created_at__lt=now - QUEUED_GRACE)
        | (Q(state=State.FAILED, attempts__lt=max_attempts) & retry_lost)
        | Q(pk__in=stale_ids, state=State.FAILED)
    ).order_by("created_at", "pk")

    enqueued = 0
    for email_id in picked.values_list("pk", flat=True):
        try:
            if _enqueue_send(email_id):
                enqueued += 1
        except Exception:
            # With eager Celery (no Redis) the send runs inside delay() and a failure surfaces
            # here; one bad row must not stop the others being requeued.
            logger.exception("Requeueing e-mail %s failed", email_id)
    return enqueued
