"""Tell the person whose action queued work that the task queue (Redis) could not take it.

Nothing is lost when the broker is down: an e-mail is an OutboundEmail row and a publication a
PublishRun row, both committed before the task is enqueued, and the beat's requeue tasks send
or run them once Redis is back. What the person needs is to know that the e-mail did not go
yet, instead of an error page or a silent delay. The place that finds the broker unreachable
(`requests_register.outbox._enqueue_send`, `publishing.site.enqueue_run`) calls
`note_deferred`; `election_protocol.middleware.QueueNoticeMiddleware` turns what was noted
during the request into one notice on the next page.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PUBLISH = "publish"

NOTICES = {
    EMAIL: _(
        "The e-mail is saved but the mail queue is not reachable just now: it will be sent "
        "automatically, once, when the queue is back. Nothing needs doing."
    ),
    PUBLISH: _(
        "Publishing is recorded but the task queue is not reachable just now: the public page "
        "will be updated automatically when the queue is back."
    ),
}

# What was deferred during the current request (None outside a request: a worker, the shell).
_deferred: ContextVar[set[str] | None] = ContextVar("queue_notice_deferred", default=None)


def note_deferred(kind: str) -> None:
    """Record that work of `kind` (EMAIL or PUBLISH) was left for the periodic requeue."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(kind)


def start() -> Token:
    """Begin collecting for one request; pass the token to `finish`."""
    return _deferred.set(set())


def finish(token: Token) -> list[str]:
    """Stop collecting; return the notices for what was deferred, in a fixed order."""
    deferred = _deferred.get() or set()
    _deferred.reset(token)
    return [str(NOTICES[kind]) for kind in (EMAIL, PUBLISH) if kind in deferred]
