"""The health check (/healthz): is this web process able to serve staff pages?

Used by Docker's health check of the web service (deploy/healthcheck.py) and by any monitor.
Open without a login (login_not_required): a monitor has no account. It says only "ok" or
"unavailable" per component, never an error's text, so it gives nothing away.

Only the database decides the answer. Redis (broker and cache) is reported but does not make
the process unhealthy: without it, e-mails wait in the outbox as queued rows and beat sends
them once Redis is back (docs/ARCHITECTURE.md, "E-mail: the outbox"); restarting the web
process would not bring Redis back, it would only stop staff working.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mail_intake.queries import mailbox_health

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"
# A health check must answer quickly even when Redis hangs: Docker's own timeout is 5 s.
REDIS_TIMEOUT_SECONDS = 2


def database_status() -> str:
    """Return "ok" if the default database answers a query, else "unavailable"."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unavailable")
        return UNAVAILABLE
    return OK


def broker_status() -> str:
    """Return "ok" if Redis (REDIS_URL: Celery broker and cache) answers a PING,
    "unavailable" if it does not, "not configured" when tasks run in-process."""
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except (redis.RedisError, OSError):
        logger.warning("Health check: Redis is unavailable", exc_info=True)
        return UNAVAILABLE
    finally:
        client.close()
    return OK


def mailbox_status() -> str:
    """Return the SPOC mailbox's reading (mail_intake): "ok" if the last pass succeeded within
    ten minutes, "unavailable" if not, "not configured" without MAILBOX_URL. Reported, never
    deciding: a mail server that is down keeps its messages until the next pass."""

    try:
        return mailbox_health(timezone.now()).status
    except DatabaseError:
        return UNAVAILABLE


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Return the status of the database and of Redis; 200 if the database answers, else 503."""
    database = database_status()
    broker = broker_status()
    mailbox = mailbox_status() if database == OK else UNAVAILABLE
    healthy = database == OK
    if not healthy:
        overall = UNAVAILABLE
    elif UNAVAILABLE in (broker, mailbox):
        overall = "degraded"
    else:
        overall = OK
    return JsonResponse(
        {"status": overall, "database": database, "broker": broker, "mailbox": mailbox},
        status=200 if healthy else 503,
    )
