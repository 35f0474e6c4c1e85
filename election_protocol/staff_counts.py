"""The deadline counts every staff page shows, kept in the shared cache between writes (issue
16, item 3); also the register list's size, topics and candidate choices for those who see the
whole register.

The register's, the incidents' and the publication deadline counts (the banner and the
register's summary) were a third of the register list's time, and the same for every person
who sees the whole register. They are kept under a key naming a *version*, the election and the
day; any save or delete of a row they are counted from (the models in WATCHED) sets a new
version, at once and again when the transaction commits, so a page never shows counts older
than the last write. Incident counts also move with the clock (a target passes): the value
says until when it holds (see incidents.queries.deadline_counts_until). TIMEOUT is only a
backstop for writes that send no signal (queryset.update, bulk_create, raw SQL): the code that
makes such writes to these tables calls bump() itself.

Only with a shared cache (STAFF_COUNTS_CACHE, on when Redis is configured): with each process's
local memory, a write in one process could not reach the others. When the cache cannot be
reached, the counts are read from the database as before.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

logger = logging.getLogger(__name__)

VERSION_KEY = "staff-counts:version"
TIMEOUT = 300  # seconds: a backstop only (see the module's docstring)

# The models the counts are read from (lazy labels: these apps come later in the dependency
# order, docs/ARCHITECTURE.md).
WATCHED = (
    "election_protocol.Election",
    "election_protocol.NonWorkingDay",
    "requests_register.Entry",
    "candidates.Candidate",
    "incidents.Incident",
    "publishing.PublicEntry",
    "publishing.NotForPublication",
)


# The version read once per request (request_scope, set by ChosenElectionMiddleware): a page
# asks for several kinds of kept values, and each read of the version is a Redis round trip.
# False outside a request (a worker, a command): read each time, never remembered.
_request_version: ContextVar[str | bool | None] = ContextVar("staff_counts_version", default=False)


@contextmanager
def request_scope():
    """Remember the version for the rest of the request being served (or until a write)."""
    token = _request_version.set(None)
    try:
        yield
    finally:
        _request_version.reset(token)


def enabled() -> bool:
    return bool(getattr(settings, "STAFF_COUNTS_CACHE", False))


def _new_version() -> None:
    if _request_version.get() is not False:
        _request_version.set(None)  # this request wrote: read the new version from now on
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)
    except Exception:  # the cache unreachable: its entries die by TIMEOUT
        logger.warning("staff counts: could not set a new version", exc_info=True)


def bump() -> None:
    """Make every kept count stale: now, and again when the current transaction commits (a page
    counting meanwhile still sees the rows as they were)."""
    _new_version()
    transaction.on_commit(_new_version)


def _on_write(sender, **kwargs) -> None:
    bump()


def connect() -> None:
    """Bump on every save and delete of a watched model, and after migrate or flush."""
    for label in WATCHED:
        for signal in (post_save, post_delete):
            signal.connect(_on_write, sender=label, dispatch_uid=f"staff_counts.{label}.{signal}")
    post_migrate.connect(_on_write, dispatch_uid="staff_counts.post_migrate")


def _version() -> str:
    memo = _request_version.get()
    if memo:
        return memo
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY)
    if memo is None:  # in a request: remembered until it ends or writes
        _request_version.set(version)
    return version


def get(
    kind: str,
    election_id: int,
    today: date,
    compute: Callable[[], dict],
    fresh: Callable[[dict], bool] = lambda value: True,
):
    """Return the `kind` of values kept for `election_id` and `today` if `fresh(value)` says
    they still hold, else `compute()` them (and keep them)."""
    if not enabled():
        return compute()
    try:
        version = _version()
        key = f"staff-counts:{version}:{kind}:{election_id}:{today.isoformat()}"
        value = cache.get(key)
    except Exception:  # the cache unreachable: count from the database
        return compute()
    if value is not None and fresh(value):
        return value
    value = compute()
    try:
        cache.set(key, value, TIMEOUT)
    except Exception:  # not kept this time; the page has its counts
        logger.warning("staff counts: could not keep the counts", exc_info=True)
    return value
