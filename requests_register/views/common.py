"""What the register's staff pages share: files as the services take them, topic suggestions,
the entry a managing page works on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from requests_register import permissions, queries, services
from requests_register.models import Entry


def _incoming(files) -> list[services.IncomingFile]:
    return [services.IncomingFile.from_upload(f) for f in files]


def _topics(user, election) -> list[str]:
    """Return the topics already used in the entries `user` may see (suggestions, filters)."""
    if permissions.can_view_register(user):
        return queries.topics(election)
    return queries.topics(election, permissions.entries_for_user(user))


def _managed_entry(request: HttpRequest, pk: int) -> Entry:
    """Return entry `pk` for one who manages entries: 404 if they may not see it (as for a
    missing one), 403 if they see it but do not manage entries."""
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
    return entry
