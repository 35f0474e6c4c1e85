"""Pure rules for sign-in security: no ORM, no clock (the caller passes "now")."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from election_protocol.roles import Role

# The roles an election can require two-factor authentication for: the two who see every
# candidate's private contact details and approve what the office says (issue 6, item 3).
TWO_FACTOR_ROLES = frozenset({Role.SPOC.value, Role.CHIEF_EXECUTIVE.value})

# The account flags whose change is a permission change worth an audit row.
WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")


def client_ip(meta: Mapping[str, str], trusted_proxies: int) -> str | None:
    """Return the client's IP address from a request's META.

    With no trusted proxy, REMOTE_ADDR. Behind `trusted_proxies` reverse proxies that each
    append the address they saw to X-Forwarded-For (nginx: $proxy_add_x_forwarded_for), the
    client is the `trusted_proxies`-th address from the right; anything further left was sent
    by the client itself and could be forged, so it is never used. A malformed address gives
    None rather than a value an attacker chose.
    """
    candidate = meta.get("REMOTE_ADDR")
    if trusted_proxies > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= trusted_proxies:
            candidate = forwarded[-trusted_proxies]
    if not candidate:
        return None
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def two_factor_required(role_names: set[str], election_requires: bool) -> bool:
    """Return True if a user holding `role_names` must use two-factor authentication.

    Optional for everyone, unless the election requires it for the SPOC and Chief Executive
    roles (Election.require_two_factor_for_spoc_and_ce) and the user holds one of them.
    """
    return election_requires and bool(role_names & TWO_FACTOR_ROLES)


def session_expired(logged_in_at: float | None, now: float, absolute_age: int) -> bool:
    """Return True if a session signed in at `logged_in_at` (epoch seconds) has lived its
    `absolute_age` seconds, however busy it was. A session without the stamp (signed in before
    this rule existed) counts as expired: the worst case is signing in again."""
    if logged_in_at is None:
        return True
    return now - logged_in_at >= absolute_age


def flag_changes(old: Mapping[str, bool], new: Mapping[str, bool]) -> list[str]:
    """Return each watched account flag that differs, described e.g. "is_staff: on -> off"."""
    words = {True: "on", False: "off"}
    return [
        f"{flag}: {words[bool(old[flag])]} -> {words[bool(new[flag])]}"
        for flag in WATCHED_FLAGS
        if bool(old[flag]) != bool(new[flag])
    ]
