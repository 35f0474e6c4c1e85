"""What the register's staff pages share: files as the services take them, topic suggestions."""

from __future__ import annotations

from requests_register import permissions, queries, services


def _incoming(files) -> list[services.IncomingFile]:
    return [
        services.IncomingFile(f.name, f.content_type or "application/octet-stream", f.read())
        for f in files
    ]


def _topics(user, election) -> list[str]:
    """Return the topics already used in the entries `user` may see (suggestions, filters)."""
    if permissions.can_view_register(user):
        return queries.topics(election)
    return queries.topics(election, permissions.entries_for_user(user))
