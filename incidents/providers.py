"""What incidents offers the earlier apps' hooks, registered in `IncidentsConfig.ready()`: the
register's daily digest (requests_register.hooks) and publishing's public statements
(publishing.hooks); neither may import incidents (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from incidents.queries import digest_lines_for


def digest_section(election, today, now):
    """Open incidents the recipient may see, with their targets (issue 12)."""
    return lambda user, sees_everything: digest_lines_for(user, election, now)
