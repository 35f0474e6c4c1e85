"""Public entries: the separately prepared, anonymised public version of a register answer or
of the notes of a meeting or briefing (Cumbria protocol 3.2.4, 6.1.4, 8.2, 8.3).

The raw request is never published. A PublicEntry holds only public fields; the private text
it was made from (PrivateText) and what each redaction hid (PublicRedaction.original) live in
their own tables, with no reverse accessor from PublicEntry (related_name="+"), so nothing
reached from a public entry leads to them. The only read any public output may use is
publishing.queries.published_entries.

Models hold fields and constraints only. Every change goes through publishing.services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from briefings.models import Booking, BriefingEvent
from election_protocol.models import (
    Election,
    four_eyes,
    label_property,
    labelled_choices,
    staff_member,
)
from publishing import rules
from requests_register.models import Entry

Action = labelled_choices("Action", rules.Action, rules.ACTION_LABELS)
ActionReason = labelled_choices("ActionReason", rules.ActionReason, rules.ACTION_REASON_LABELS)


def _linked_to(kind: str, link: str) -> models.Q:
    """A public entry of `kind` has its `link` (entry, booking or event) and no other."""
    return models.Q(
        kind=kind, **{f"{name}__isnull": name != link for name in ("entry", "booking", "event")}
    )


class PublicEntry(models.Model):
    """The public version of something staff told a candidate or the public."""

    Kind = labelled_choices("Kind", rules.Kind, rules.KIND_LABELS)
    Status = labelled_choices("Status", rules.Status, rules.STATUS_LABELS)

    class AnsweringBody(models.TextChoices):
        OFFICE = "office", _("The commissioner's office")
        POLICE = "police", _("The police force")
        FIRE = "fire", _("The fire and rescue service")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What it was prepared from (private: never follow these from a public page).
    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="public_entry"
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="public_entry"
    )
    event = models.OneToOneField(
        BriefingEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="public_entry"
    )
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(editable=False)

    # Public fields: anonymised text and dates only (no times: a time can identify a caller).
    reference = models.CharField(max_length=30, unique=True, editable=False)
    topic = models.CharField(max_length=200)
    received_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answering_body = models.CharField(max_length=10, choices=AnsweringBody.choices)
    is_foi = models.BooleanField(_("Freedom of Information request"), default=False)
    question = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    # A short entry of the action taken (rules.ACTION_KINDS; Leicestershire Req 3): the action
    # and its public reason category, from fixed lists (never the reasons as written).
    action = models.CharField(max_length=20, choices=Action.choices, blank=True, editable=False)
    action_reason = models.CharField(max_length=30, choices=ActionReason.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=rules.Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When first published")
    )
    withdrawn_reason = models.TextField(blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Staff-only record of who did what.
    prepared_by = staff_member(editable=False)
    prepared_at = models.DateTimeField(editable=False)
    approved_by = staff_member(optional=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    factual_confirmed = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("The approver confirmed the content is factual (Cumbria 11.2, 11.3)"),
    )
    # Optimistic locking, as on the register's Entry: a step based on an older version (the
    # approver reading a text since redacted or restored) is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The SHA-256 of the public fields (publishing.queries.PUBLIC_FIELDS), set on PostgreSQL
    # by a trigger on every insert and update it sees (migration 0006): a publish run
    # reads it to know which entries changed, instead of working out ten thousand (issue 16).
    # Empty elsewhere (SQLite): there every run reads every row.
    fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    # The transaction that last wrote the row, set with the fingerprint by PostgreSQL's
    # trigger (migration 0008): a publish run reads only the entries written since the
    # transactions it could not see had finished, not ten thousand fingerprints (issue 16).
    # 0 elsewhere (SQLite).
    written_xid = models.BigIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "fingerprint", "written_xid"])

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = "public entry"
        verbose_name_plural = "public entries"
        permissions = [("approve_publicentry", "Can approve and publish public entries")]
        indexes = [
            models.Index(fields=["election", "status"]),
            # The withdrawal notices every publish run reads (queries.withdrawn_notices): a
            # few rows, found without reading ten thousand published ones (issue 16).
            models.Index(
                fields=["election", "kind", "number"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="public_entry_withdrawn",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "kind", "number"], name="public_entry_number_per_kind"
            ),
            # Exactly the link its kind says.
            models.CheckConstraint(
                condition=(
                    _linked_to("register_answer", "entry")
                    | _linked_to("meeting_notes", "booking")
                    | _linked_to("event_notes", "event")
                    | _linked_to("register_action", "entry")
                    | _linked_to("declined_booking", "booking")
                ),
                name="public_entry_source_matches_kind",
            ),
            # Four eyes, also in the database: the services check it, this makes a bypass fail.
            four_eyes("approved_by", "prepared_by", "public_entry_four_eyes"),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(approved_by__isnull=False),
                name="public_entry_published_is_approved",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="public_entry_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.topic}"

    status_label = label_property("status", rules.Status, rules.STATUS_LABELS)

    kind_label = label_property("kind", rules.Kind, rules.KIND_LABELS)


class PrivateText(models.Model):
    """The private text a public field was made from: the answer as sent, the notes as taken.

    Staff database only. Public texts are recomputed from this and the active redactions.
    """

    Field = labelled_choices("Field", rules.Field, rules.FIELD_LABELS)

    # No reverse accessor: a public entry offers no way to its private text.
    public_entry = models.ForeignKey(PublicEntry, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10, choices=Field.choices)
    text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["public_entry", "field"], name="private_text_once")
        ]

    def __str__(self) -> str:
        return f"{self.public_entry_id}: {self.field}"


class PublicRedaction(models.Model):
    """One stretch of a private text hidden in the public version: where, what kind, why.

    `start` and `end` are offsets in the private text (PrivateText), never in the public one.
    `original` is what was hidden: staff database only.
    """

    Field = labelled_choices("Field", rules.Field, rules.FIELD_LABELS)

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatic")
        MANUAL = "manual", _("Added by staff")

    # No reverse accessor: a public entry offers no way to what was redacted from it.
    public_entry = models.ForeignKey(PublicEntry, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10, choices=Field.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    label = models.CharField(max_length=50)
    original = models.TextField()
    source = models.CharField(max_length=10, choices=Source.choices)
    reason = models.TextField(blank=True)
    by = staff_member()
    at = models.DateTimeField()
    restored = models.BooleanField(default=False)
    restored_reason = models.TextField(blank=True)
    restored_by = staff_member(optional=True)
    restored_at = models.DateTimeField(null=True, blank=True)
    # Its private text was replaced by a correction: kept for the record, no longer applied.
    superseded = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["field", "start", "pk"]
        indexes = [models.Index(fields=["public_entry", "field"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="redaction_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="manual") | ~models.Q(reason=""),
                name="manual_redaction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(restored=False) | ~models.Q(restored_reason=""),
                name="restore_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_entry_id} {self.field} [{self.start}:{self.end}] {self.kind}"

    @property
    def is_active(self) -> bool:
        return not self.restored and not self.superseded


class Correction(models.Model):
    """A correction of a public entry: the corrected answer, a public note and who approved it.

    A correction is proposed by one person and goes live only when a second person approves it
    (four eyes, as for the entry itself: publishing.rules.check_correction_approval). Until
    then it is pending: the public page keeps the answer as approved and shows no note. The
    public sees only the note and the date it went live (`corrected_on`); the corrected text
    as written (`answer`) is private, like PrivateText.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    public_entry = models.ForeignKey(
        PublicEntry, on_delete=models.CASCADE, related_name="corrections"
    )
    note = models.TextField()
    # The public date: the day the correction was approved and went live.
    corrected_on = models.DateField(null=True, blank=True)
    # The corrected answer as written (private: never on a public page).
    answer = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    by = staff_member()
    at = models.DateTimeField()
    approved_by = staff_member(optional=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    factual_confirmed = models.BooleanField(default=False)
    rejected_by = staff_member(optional=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["corrected_on", "pk"]
        constraints = [
            # Four eyes, also in the database: whoever wrote a correction never approves it.
            four_eyes("approved_by", "by", "correction_four_eyes"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(corrected_on__isnull=False),
                name="correction_approved_is_dated",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejected_reason=""),
                name="correction_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction to {self.public_entry_id} ({self.status})"


class PublishRun(models.Model):
    """One attempt to render, check and switch the public election page (issue 5, item 6).

    Written only by publishing.site: queued by schedule_publish, claimed (queued -> running) by
    the task, and finished as published (the new version is live, or nothing had changed) or
    blocked (a private identifier was found: nothing switched, the SPOC alerted) or failed.
    `reason` says which kind of identifier was found and in which file, never the value.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PUBLISHED = "published", _("Published")
        BLOCKED = "blocked", _("Blocked: private details found")
        FAILED = "failed", _("Failed")
        # Not the current election: the live public page is the current election's (issue 15).
        SKIPPED = "skipped", _("Not published: not the current election")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = staff_member(optional=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched with every progress step: a RUNNING run whose worker died stops moving, and the
    # periodic requeue hands it to another worker (publishing.site.requeue_publish_runs).
    progress_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    version = models.CharField(_("version label"), max_length=60, blank=True)
    files_written = models.PositiveIntegerField(default=0)
    files_rendered = models.PositiveIntegerField(default=0)
    files_carried = models.PositiveIntegerField(_("files carried over unchanged"), default=0)
    pages_changed = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            # One target, one writer: two runs rendering at once could each switch `current`
            # to a version built from different data, or prune the folder the other writes.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="running"),
                name="one_publish_run_at_a_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["blocked", "failed"]) | ~models.Q(reason=""),
                name="publish_run_blocked_or_failed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Publish run {self.pk} ({self.status})"


class NotForPublication(models.Model):
    """A decision that a sent answer is not published (issue 13, item 1): proposed by a SPOC
    officer with a reason from a short list and words of their own, signed off (or rejected)
    by the Chief Executive or a deputy they named (Cumbria 3.1). Once signed off it ends the
    answer's publication target; the public register counts such decisions by reason, never
    with the entry, its topic or the words (publishing.queries.not_for_publication_counts).

    Written only by publishing.services (propose_not_for_publication,
    decide_not_for_publication).
    """

    Reason = labelled_choices(
        "Reason", rules.NotForPublicationReason, rules.NOT_FOR_PUBLICATION_LABELS
    )
    Status = labelled_choices("Status", rules.DecisionStatus, rules.DECISION_STATUS_LABELS)

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    # Private: why, in the proposer's words, for the Chief Executive.
    detail = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=rules.DecisionStatus.PROPOSED
    )
    proposed_by = staff_member()
    proposed_at = models.DateTimeField()
    decided_by = staff_member(optional=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = "not-for-publication decision"
        indexes = [models.Index(fields=["election", "status"])]
        constraints = [
            # One live decision per answer: a rejected one stays in the record beside a new one.
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status__in=["proposed", "approved"]),
                name="not_for_publication_once",
            ),
            four_eyes("decided_by", "proposed_by", "not_for_publication_four_eyes"),
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(decided_by__isnull=False),
                name="not_for_publication_decided_by",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(decision_note=""),
                name="not_for_publication_rejected_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Not for publication: {self.entry_id} ({self.status})"

    reason_label = label_property(
        "reason", rules.NotForPublicationReason, rules.NOT_FOR_PUBLICATION_LABELS
    )

    status_label = label_property("status", rules.DecisionStatus, rules.DECISION_STATUS_LABELS)
