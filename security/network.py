"""Where a request came from, and which request is being served (for the audit log)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from security import rules


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address, trusting TRUSTED_PROXY_COUNT proxies in front.

    Also django-axes's AXES_CLIENT_IP_CALLABLE, so that the lockout and the audit log agree on
    who a client is.
    """
    return rules.client_ip(request.META, settings.TRUSTED_PROXY_COUNT)


def current_request() -> HttpRequest | None:
    """Return the request this thread is serving, if any.

    simple_history's HistoryRequestMiddleware already keeps it (for the user on history rows);
    the audit log reads it to name who made a permission change, which Django's m2m and save
    signals do not say.
    """
    return getattr(HistoricalRecords.context, "request", None)
