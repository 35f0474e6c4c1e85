"""What every mailbox funnel shares: the configured mailbox, the account the pass acts as, the
limits, and saving a message with its history row."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from election_protocol.services import save_with_history
from mail_intake import rules
from mail_intake.models import InboundMessage

logger = logging.getLogger(__name__)

State = InboundMessage.State

# The account the pass acts as on the register (a confirmation moving an entry on, a reply's
# attachments): inactive, no password, no role, so it can never sign in.
MAILBOX_USERNAME = "spoc-mailbox"
# Messages read per pass: a backlog is worked through over a few beat intervals instead of
# one pass holding the lease for ever.
BATCH = 50
# Over this a message is not downloaded: its headers are recorded and it needs attention.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


def mailbox_config() -> rules.MailboxConfig | None:
    """Return the mailbox configured by MAILBOX_URL, or None when it is not set."""
    url = settings.MAILBOX_URL
    return rules.parse_mailbox_url(url) if url else None


def mailbox_user():
    """Return the mailbox's own account (made once): inactive, unusable password, no role."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=MAILBOX_USERNAME).first()
    if user is None:
        user = user_model(username=MAILBOX_USERNAME, is_active=False, first_name="SPOC mailbox")
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # made by a concurrent pass
            user = user_model.objects.get(username=MAILBOX_USERNAME)
    return user


def _clean(text: str, limit: int | None = None) -> str:
    # PostgreSQL text cannot hold NUL; hostile mail can.
    text = text.replace("\x00", "")
    return text[:limit] if limit else text


def _save(message: InboundMessage, fields: list[str], by=None, now: datetime | None = None):
    save_with_history(message, by=by, at=now, fields=fields)
