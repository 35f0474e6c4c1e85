"""The SPOC mailbox read automatically (issue 14): every message received, kept as it came.

Every protocol routes requests to one SPOC e-mail account (Cumbria 6.1.2; Leicestershire
Req 4; Cleveland 5.1). `InboundMessage` is one message read from it, recorded (raw bytes kept)
before the message is moved on the server; what became of it is its `state`, changed only by
mail_intake.services. `MailboxState` is the one row saying how the last passes went.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.models import Candidate
from election_protocol.models import staff_member
from requests_register.models import Entry, OutboundEmail


class InboundMessage(models.Model):
    """One e-mail read from the SPOC mailbox; never deleted by the pass."""

    class State(models.TextChoices):
        # Set by the system (the fetch pass).
        RECEIVED = "received", _("Received, not yet sorted")
        TRIAGE = "triage", _("Waiting for the SPOC")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        THREADED = "threaded", _("Added to its entry")
        CONFIRMATION = "confirmation", _("Written confirmation of a request")
        BOUNCE = "bounce", _("Delivery failure")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        # Set by the SPOC from the triage inbox.
        ACCEPTED = "accepted", _("Accepted as an entry")
        DUPLICATE = "duplicate", _("Duplicate of an entry")
        DISMISSED = "dismissed", _("Dismissed")

    class DismissReason(models.TextChoices):
        SPAM = "spam", _("Spam or phishing")
        OUT_OF_SCOPE = "out_of_scope", _("Not for the SPOC (out of scope)")
        OTHER = "other", _("Other (say why)")

    # Exactly once: the Message-ID with a digest of the body, or a digest of the whole
    # message when it has no Message-ID (mail_intake.rules.fingerprint).
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    message_id = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    raw = models.BinaryField(editable=False)
    raw_sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    received_at = models.DateTimeField(editable=False)
    recorded_at = models.DateTimeField(editable=False)
    # Where the pass found it (UIDs are only meaningful with the folder's UIDVALIDITY).
    folder = models.CharField(max_length=200, blank=True, editable=False)
    uid = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    moved_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Read from the message (blank when it could not be read).
    sender_name = models.CharField(max_length=200, blank=True, editable=False)
    sender_email = models.CharField(max_length=254, blank=True, editable=False)
    subject = models.CharField(max_length=300, blank=True, editable=False)
    body = models.TextField(blank=True, editable=False)
    attachment_summary = models.TextField(blank=True, editable=False)

    state = models.CharField(
        max_length=20, choices=State.choices, default=State.RECEIVED, editable=False
    )
    problem = models.TextField(blank=True, editable=False)
    # The sender matched as the .eml import does (requests_register.queries.match_sender).
    requester_type = models.CharField(max_length=10, blank=True, editable=False)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_emails",
        editable=False,
    )
    outbound = models.ForeignKey(
        OutboundEmail,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_emails",
        editable=False,
    )
    dismiss_reason = models.CharField(
        max_length=20, choices=DismissReason.choices, blank=True, editable=False
    )
    decision_note = models.TextField(blank=True, editable=False)
    decided_by = staff_member(optional=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["raw", "body"])

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} ({self.get_state_display()})"


class MailboxState(models.Model):
    """The health of the SPOC mailbox connection: one row (pk 1), written by each pass."""

    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Messages still in the mailbox folder after the last successful pass.
    waiting_on_server = models.PositiveIntegerField(default=0)
    # One pass at a time: a pass holds the lease until it ends or the lease runs out (a
    # killed worker), claimed by a conditional update.
    lease_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "SPOC mailbox"
