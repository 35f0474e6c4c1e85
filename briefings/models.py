"""Organised meetings (Cumbria protocol 8.0-8.6): briefing materials and events, meetings with
the chiefs and visits to premises (bookings), and the equal offer to declared candidates.

Models hold fields and constraints; every change goes through briefings.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from briefings import rules
from candidates.models import Candidate
from election_protocol.models import (
    Election,
    StatusStep,
    label_property,
    labelled_choices,
    staff_member,
)


class BriefingMaterial(models.Model):
    """A factual document or page for all candidates (Cumbria protocol 8.1; Cleveland 6.2).

    A register entry already covered by a published material is answered by pointing to it:
    the candidate is directed to the website (Cumbria 8.1).
    """

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="materials")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    url = models.URLField(
        _("public address"), blank=True, help_text=_("Where the public can read it")
    )
    summary = models.TextField(blank=True)
    published = models.BooleanField(default=False)
    # Issue 13: a material is a link or an uploaded PDF (checked like the register's uploads,
    # stored under a random name, copied to the public site), approved by a second person, with
    # a factual check recorded in the pre-election period (Cumbria 11.2-11.3; Cleveland 8.2).
    # Every change goes through briefings.materials.
    file = models.FileField(upload_to="materials/", blank=True, editable=False)
    filename = models.CharField(max_length=255, blank=True, editable=False)
    status = models.CharField(
        max_length=20,
        choices=[
            ("draft", _("Awaiting approval")),
            ("approved", _("Approved and published")),
            ("withdrawn", _("Withdrawn")),
        ],
        default="approved",  # materials made before issue 13 were published from the admin
        editable=False,
    )
    prepared_by = staff_member(optional=True, editable=False)
    prepared_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = staff_member(optional=True, editable=False)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    factual_check = models.TextField(blank=True, editable=False)
    paro_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def public_location(self) -> str:
        """Where the public find it: the link, or for an uploaded PDF its place on the
        election page (the site's address is not known here)."""
        if self.url:
            return self.url
        return f'{self.filename} (election page, "Briefing materials")' if self.file else ""


class VisitType(models.Model):
    """A kind of premises candidates may ask to visit, and whose chief confirms (configurable)."""

    Chief = labelled_choices(
        "Chief",
        rules.Chief,
        {
            rules.Chief.NONE: "No chief",
            rules.Chief.CHIEF_CONSTABLE: "Chief Constable",
            rules.Chief.CHIEF_FIRE_OFFICER: "Chief Fire Officer",
        },
    )

    name = models.CharField(max_length=100, unique=True)
    chief = models.CharField(max_length=20, choices=Chief.choices, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BriefingEvent(models.Model):
    """A briefing for candidates: dates, times and place published, the PARO notified, questions
    asked in advance, notes published (Cumbria protocol 8.2)."""

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone interested (prospective and declared candidates)")
        DECLARED = "declared", _("Declared candidates only")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.DECLARED)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    paro_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True, editable=False)
    # Issue 13: an edit or cancellation after the candidates were invited is told to them and
    # the PARO, and shown on the public page with this note (briefings.event_changes).
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    change_note = models.TextField(blank=True, editable=False)
    created_by = staff_member()
    # Optimistic locking of the notes, as on the register's Entry: a save based on an older
    # version (two people writing up the same event) is refused, never silently overwritten.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%-d %B %Y})"


class Attendance(models.Model):
    """A candidate invited to an event, and whether they came."""

    event = models.ForeignKey(BriefingEvent, on_delete=models.CASCADE, related_name="attendance")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()
    attended = models.BooleanField(null=True)

    class Meta:
        ordering = ["candidate__name"]
        constraints = [models.UniqueConstraint(fields=["event", "candidate"], name="invite_once")]

    def __str__(self) -> str:
        return f"{self.candidate_id} at {self.event_id}"


class EventQuestion(models.Model):
    """An advance question for an event: logged on the register, linked here (Cumbria 8.2)."""

    event = models.ForeignKey(BriefingEvent, on_delete=models.CASCADE, related_name="questions")
    entry = models.OneToOneField(
        "requests_register.Entry", on_delete=models.PROTECT, related_name="event_question"
    )

    class Meta:
        ordering = ["entry__number"]

    def __str__(self) -> str:
        return f"{self.entry_id} for {self.event_id}"


class OfferItem(models.Model):
    """One item of the election's equal offer to every declared candidate (Avon and Somerset
    8.1.2: 1:1s with the Chief Executive and the Chief Constable, ride-alongs, tours)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="offer_items")
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=labelled_choices("Kind", rules.Kind, rules.KIND_LABELS).choices
    )
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class CandidateOffer(models.Model):
    """One offer item to one candidate: offered, accepted, held or declined."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        HELD = "held", _("Held")
        DECLINED = "declined", _("Declined")

    item = models.ForeignKey(OfferItem, on_delete=models.CASCADE, related_name="offers")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="offers")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField()
    changed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["item__position", "candidate__name"]
        constraints = [models.UniqueConstraint(fields=["item", "candidate"], name="offer_once")]

    def __str__(self) -> str:
        return f"{self.item_id} to {self.candidate_id}: {self.state}"


class Booking(models.Model):
    """A meeting with a chief or a visit to premises, from a register entry (Cumbria 8.3, 8.6)."""

    Kind = labelled_choices("Kind", rules.Kind, rules.KIND_LABELS)
    Status = labelled_choices("Status", rules.Status, rules.STATUS_LABELS)

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="bookings")
    entry = models.OneToOneField(
        "requests_register.Entry", on_delete=models.PROTECT, related_name="booking"
    )
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="bookings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, null=True, blank=True)
    offer_item = models.ForeignKey(OfferItem, on_delete=models.PROTECT, null=True, blank=True)
    chief = models.CharField(max_length=20, blank=True, editable=False)
    advance_questions = models.TextField(blank=True)
    checked_materials = models.ManyToManyField(BriefingMaterial, blank=True, related_name="+")
    material_check_note = models.TextField(
        _("what was checked"),
        blank=True,
        help_text=_("The published material you checked, and why it does not answer the request"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=rules.Status.PREPARED, editable=False
    )
    decision_reason = models.TextField(blank=True, editable=False)
    parity_note = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    place = models.CharField(max_length=300, blank=True, editable=False)
    host = models.CharField(max_length=200, blank=True, editable=False)
    notes = models.TextField(blank=True, editable=False)
    created_by = staff_member()
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("approve_booking", "Can approve or decline bookings (Chief Executive)"),
            ("confirm_booking", "Can confirm a booking that involves them (chief)"),
        ]

    def __str__(self) -> str:
        return f"{rules.KIND_LABELS[rules.Kind(self.kind)]}: {self.candidate}"

    status_label = label_property("status", rules.Status, rules.STATUS_LABELS)

    @property
    def what(self) -> str:
        kind = rules.Kind(self.kind)
        if kind == rules.Kind.VISIT and self.visit_type_id:
            return f"A visit: {self.visit_type.name}"
        return str(rules.KIND_LABELS[kind])  # a str, as annotated: stored in public text


class BookingStep(StatusStep):
    """One step of a booking: who, when, from, to, and the reason given."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="steps")
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.transition}"


class BookingLetter(models.Model):
    """A decision or confirmation letter owed to the candidate, recorded by the booking funnel
    and rendered (WeasyPrint) and queued by a Celery task after commit, never under the
    booking's row lock. `email` is set once the letter is in the outbox: a letter without one
    is still owed, and the beat's requeue_booking_letters enqueues it again."""

    class Kind(models.TextChoices):
        DECLINE = "decline", _("Decline letter")
        CONFIRMATION = "confirmation", _("Confirmation letter")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()
    created_by = staff_member()
    email = models.OneToOneField(
        "requests_register.OutboundEmail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booking_letter",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.kind}"


class CalendarFeedKey(models.Model):
    """A staff user's key to their calendar feed (briefings.calendar_feed).

    Calendar apps cannot sign in, so the feed's address carries a token made from this key
    and the user's password hash: making a new key (the user's own "stop the old link") or
    changing the password stops every earlier link, and a link stops working a year after the
    key was made (calendar_feed.MAX_AGE).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64)
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Calendar feed key of user {self.user_id}"


class CandidateBriefing(models.Model):
    """The standard briefing for candidates on the public site, per election (office): the
    protocol's restrictions on imagery and livery, filming and photography, the use of police
    and fire premises, and how to ask for information (Cumbria 9.1, 10.1, 8.6, 6.1; Avon and
    Somerset 9-11; Cleveland 4.2-4.3; Leicestershire; Norfolk 21-22), in English and Welsh.
    An empty text is the default (briefings.briefing_page.DEFAULT_TEXT, translated)."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="candidate_briefing"
    )
    text_en = models.TextField(_("text in English"), blank=True)
    text_cy = models.TextField(_("text in Welsh"), blank=True)
    updated_at = models.DateTimeField()
    updated_by = staff_member()

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Candidate briefing of election {self.election_id}"
