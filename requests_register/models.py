"""The single electronic register (Cumbria protocol 6.1.2; Leicestershire "Single Electronic
Register"): every contact, request, decision and risk mitigation, and every e-mail sent.

Models hold fields and constraints only. Status changes go through
requests_register.services.set_entry_status; e-mail through requests_register.outbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Up the dependency order (docs/ARCHITECTURE.md): an entry answered by published material.
from briefings.models import BriefingMaterial
from candidates.models import Candidate, Party
from election_protocol.models import (
    Election,
    StatusStep,
    label_property,
    labelled_choices,
    staff_member,
)
from requests_register import rules


class Entry(models.Model):
    """One contact on the register: a request, a query, or any dealing with a candidate."""

    # Built from the rules' enums so there is one list of values: (member name, (value, label)).
    Status = labelled_choices("Status", rules.Status, rules.STATUS_LABELS)
    Channel = labelled_choices("Channel", rules.Channel, rules.CHANNEL_LABELS)
    Kind = labelled_choices("Kind", rules.Kind, rules.KIND_LABELS)

    class Organisation(models.TextChoices):
        OPCC = "opcc", _("The commissioner's office")
        POLICE = "police", _("The police force")
        FIRE = "fire", _("The fire and rescue service")

    class RequesterType(models.TextChoices):
        CANDIDATE = "candidate", _("A candidate")
        AGENT = "agent", _("A candidate's agent")
        PARTY = "party", _("A party")
        PUBLIC = "public", _("A member of the public")
        MEDIA = "media", _("The media")

    class TreatedAs(models.TextChoices):
        CANDIDATE = "candidate", _("As from a candidate")
        PUBLIC = "public", _("As from a member of the public")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)

    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    first_reached = models.CharField(
        _("first reached"), max_length=10, choices=Organisation.choices, default=Organisation.OPCC
    )
    redirected_at = models.DateTimeField(
        _("redirected to the SPOC"),
        null=True,
        blank=True,
        help_text=_(
            "When a request that reached the police or fire service was passed to the SPOC"
        ),
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    topic = models.CharField(max_length=100)
    question = models.TextField(_("question as received"))

    # The requester. Contact details are private: never shown to liaisons, never published.
    requester_type = models.CharField(max_length=10, choices=RequesterType.choices)
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        help_text=_("The candidate the request is from, or whose agent sent it"),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_address = models.TextField(blank=True)
    # A contact the office started itself (a call to a candidate, a meeting a chief held): there
    # is no request to confirm or reply to (issue 13, item 3).
    initiated_by_office = models.BooleanField(
        _("initiated by the office"), default=False, editable=False
    )
    # Decided once, at logging, from the election's policy and the candidate's status then
    # (Cumbria 1.1, 6.1.1); never recomputed when the status later changes.
    treated_as = models.CharField(max_length=10, choices=TreatedAs.choices, editable=False)

    status = models.CharField(
        max_length=30, choices=Status.choices, default=rules.Status.LOGGED, editable=False
    )
    target_date = models.DateField(editable=False)
    # How the target was computed, kept with it: non-working days added later do not change it.
    target_explanation = models.TextField(blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer = models.TextField(blank=True)
    drafted_by = staff_member(optional=True, editable=False)
    approved_by = staff_member(optional=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    ending_reason = models.TextField(blank=True, editable=False)
    # Why a contact was closed without a reply (rules.NoReplyReason); blank otherwise.
    no_reply_reason = models.CharField(max_length=30, blank=True, editable=False)
    # Who in the SPOC team looks after the entry (handover, leave cover); set by
    # services.set_owner.
    owner = staff_member(optional=True, editable=False)
    material = models.ForeignKey(
        BriefingMaterial,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        editable=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        editable=False,
    )

    # Data protection (dataprotection app): an entry on legal hold keeps its personal data past
    # the election's retention period; placed and lifted only by
    # dataprotection.services.set_legal_hold.
    legal_hold = models.BooleanField(default=False, editable=False)
    legal_hold_reason = models.TextField(blank=True, editable=False)
    legal_hold_by = staff_member(optional=True, editable=False)
    legal_hold_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When dataprotection.services.apply_retention erased the requester's personal data.
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = staff_member()
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking: a save based on an older version is refused, so two people editing
    # the same entry cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The transaction that last wrote the row (its history rows too), set by PostgreSQL itself
    # (migration 0014); 0 elsewhere. The leak check reads only the requesters' rows written
    # since its last read (publishing.queries.rows_written_since).
    written_xid = models.BigIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-received_at", "-number"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="entry_number_per_election"
            ),
        ]
        indexes = [
            # The overdue and due-soon counts on every staff page (queries.deadline_counts).
            models.Index(fields=["election", "status", "target_date"]),
            # The register list's order (queries.register_rows): a page is an index range.
            models.Index(fields=["election", "-received_at"]),
            # The topic choices: one index probe per topic (queries.topics), not a full sort.
            models.Index(fields=["election", "topic"], name="entry_election_topic"),
        ]
        permissions = [
            ("approve_answer", "Can approve answers (Chief Executive)"),
            ("assign_entry", "Can assign entries to colleagues"),
            ("contribute_entry", "Can add a contribution to an entry assigned to them"),
            ("export_register", "Can export the register"),
            ("view_requester_contacts", "Can see requesters' contact details"),
            ("set_legal_hold", "Can place or lift a legal hold on an entry"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.topic}"

    status_label = label_property("status", rules.Status, rules.STATUS_LABELS)

    @property
    def is_open(self) -> bool:
        return rules.Status(self.status) in rules.OPEN


class StatusEvent(StatusStep):
    """One change of an entry's status: who, when, from, to, and the reason given."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="status_events")
    # The register's statuses are longer than other cases'.
    old_status = models.CharField(max_length=30, blank=True)
    new_status = models.CharField(max_length=30)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.transition}"


class Assignment(models.Model):
    """An entry given to a colleague (a liaison or a chief's office) to supply information."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = staff_member()
    assigned_at = models.DateTimeField()
    request = models.TextField(_("what is needed"), blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "assignee"], name="assign_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} assigned to {self.assignee_id}"


class Contribution(models.Model):
    """Information supplied by a police or fire colleague for the answer."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="contributions")
    author = staff_member()
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Contribution to {self.entry_id}"


class Note(models.Model):
    """A note, a decision or a risk mitigation recorded on the entry (Leicestershire footnote)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        DECISION = "decision", _("Decision")
        RISK = "risk", _("Risk mitigation")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField()
    author = staff_member()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.entry_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is not the uploaded one: no user input reaches the file system path.
    return f"attachments/{instance.entry.election_id}/{instance.entry_id}/{instance.token}"


class Attachment(models.Model):
    """A file received with a request. Kept with the entry, never published."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=40, unique=True)
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = staff_member()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class EmailTemplate(models.Model):
    """An editable template for one kind of outgoing e-mail.

    Placeholders: $reference, $name, $topic, $question, $answer, $reason, $material_title,
    $material_url, $paro_name, $paro_email, $spoc_name, $spoc_email, $office_name, $original (a
    duplicate's original), and $items in the digest (string.Template: nothing else can be reached).
    """

    key = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.description


class OutboundEmail(models.Model):
    """The outbox: every e-mail is recorded here first and sent by a Celery task after commit.

    `message_id` is fixed when the row is made, so a retry resends the same message (receivers
    can tell it is the same one) and the send task refuses to send a row already sent.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    purpose = models.CharField(max_length=40)
    to = models.JSONField(default=list)
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = staff_member(optional=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.state})"


class OutboundAttachment(models.Model):
    """A file sent with an outbox e-mail, such as a confirmation or decline letter (PDF).

    The bytes live in the database with the e-mail, written in the same transaction: a retry
    resends exactly the same letter, even if what it was made from has changed since (a letter
    rendered again later could differ), and nothing outside the database can go missing.
    """

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.content_type})"


class AnswerDocument(models.Model):
    """A document sent with the answer (outbound): checked like an upload, attached to the
    reply e-mail when the answer is sent. The bytes live in the database with the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answer_documents")
    token = models.CharField(max_length=40, unique=True)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    added_by = staff_member()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class Reminder(models.Model):
    """One reminder sent to one person about one thing (requests_register.reminders): the
    record that makes reminders idempotent. `key` names the thing ("entry:12:answer_drafted",
    "chase:12:40", "period_started:3"); a person is never reminded twice of the same key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id}"


class SignOffProposal(models.Model):
    """An ending proposed by the SPOC for the Chief Executive (or a deputy) to sign off: a
    refusal, a referral to the PARO, or closing with no reply due (requests_register.signoff).
    Waiting until decided; the reminders list it among what awaits approval."""

    class Decision(models.TextChoices):
        SIGNED_OFF = "signed_off", _("Signed off")
        DECLINED = "declined", _("Not signed off")
        SUPERSEDED = "superseded", _("Replaced by a later proposal")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(max_length=30)
    no_reply_reason = models.CharField(max_length=30, blank=True)
    reason = models.TextField()
    proposed_by = staff_member()
    proposed_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_by = staff_member(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            # One waiting proposal per entry.
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(decision=""),
                name="one_waiting_proposal_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status} ({self.decision or 'waiting'})"
