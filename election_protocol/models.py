"""The election an office is running its protocol for, and the days it does not work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from election_protocol import calendar


def staff_member(*, optional: bool = False, editable: bool = True) -> models.ForeignKey:
    """Return a field for the member of staff who did something: never deleted while a record
    names them, no reverse accessor; `optional` for a step not taken yet."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=optional,
        blank=optional,
        editable=editable,
        related_name="+",
    )


def labelled_choices(name: str, enum: type[Enum], labels: Mapping) -> type[models.TextChoices]:
    """Return Django choices named `name` built from a rules enum and its labels, so each app
    keeps one list of values (its pure rules): each member's name, value and `labels[member]`."""
    return models.TextChoices(name, [(m.name, (m.value, labels[m])) for m in enum])


def label_property(field: str, enum: type[Enum], labels: Mapping) -> property:
    """Return a read-only property: the label of the model's `field`, `labels[enum(value)]`
    (a value outside the enum raises ValueError)."""

    def label(self) -> str:
        return labels[enum(getattr(self, field))]

    return property(label)


def four_eyes(second: str, first: str, name: str) -> models.CheckConstraint:
    """Return the database's own check of four eyes: the person in `second` (who approves or
    decides) is never the person in `first` (who wrote or proposed). The services check it
    first; this makes a bypass fail."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{second}__isnull": True}) | ~models.Q(**{second: models.F(first)}),
        name=name,
    )


class Office(models.TextChoices):
    """The elected office: PCC, PFCC, or a mayor exercising PCC functions (from 2028)."""

    PCC = "pcc", _("Police and Crime Commissioner")
    PFCC = "pfcc", _("Police, Fire and Crime Commissioner")
    MAYOR = "mayor", _("Mayor with PCC functions")


class PreElectionEnd(models.TextChoices):
    """When the office's pre-election period ends: local policy, the protocols differ."""

    CLOSE_OF_POLL = (
        calendar.PreElectionEnd.CLOSE_OF_POLL.value,
        (_("At the close of poll, 10pm on polling day (Cleveland)")),
    )
    TAKES_OFFICE = (
        calendar.PreElectionEnd.TAKES_OFFICE.value,
        (_("When the new commissioner takes office (Leicestershire)")),
    )


class UndeclaredTreatment(models.TextChoices):
    """How requests from people who have not (yet) declared are treated."""

    PUBLIC = "public", _("As a member of the public (Cumbria 1.1, 6.1.1)")
    CANDIDATE = "candidate", _("As a candidate (Norfolk 6)")


class Election(models.Model):
    """One election of a commissioner, with its statutory timetable and local choices.

    The timetable is computed from the poll date (election_protocol.calendar), never typed in;
    only the date the PARO actually published the notice of election is entered, because the
    pre-election period starts then (Cumbria protocol 11.1).
    """

    area = models.CharField(max_length=120, help_text=_("For example: Northshire"))
    office = models.CharField(max_length=10, choices=Office.choices, default=Office.PCC)
    by_election = models.BooleanField(
        _("by-election"),
        default=False,
        help_text=_("Tick for a by-election (a vacancy filled between ordinary elections)."),
    )
    office_name = models.CharField(
        max_length=200,
        help_text=_(
            "The office as the public knows it, for example: "
            "Office of the Police and Crime Commissioner for Northshire"
        ),
    )
    reference_prefix = models.CharField(
        max_length=8,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]{2,8}$", "Use 2 to 8 capital letters or digits, e.g. NS28.")
        ],
        help_text=_("Starts every register reference, for example NS28 gives NS28-0042"),
    )
    poll_date = models.DateField()
    notice_published = models.DateField(
        null=True,
        blank=True,
        help_text=_("The day the PARO actually published the notice of election, if it has."),
    )
    pre_election_end = models.CharField(
        max_length=20, choices=PreElectionEnd.choices, default=PreElectionEnd.CLOSE_OF_POLL
    )
    undeclared_treated_as = models.CharField(
        _("requests from people who have not declared are treated"),
        max_length=10,
        choices=UndeclaredTreatment.choices,
        default=UndeclaredTreatment.PUBLIC,
    )
    police_force_name = models.CharField(max_length=200)
    fire_service_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Leave blank if no fire and rescue service is party."),
    )
    paro_name = models.CharField(_("PARO"), max_length=200)
    paro_email = models.EmailField(_("PARO public e-mail"))
    paro_phone = models.CharField(_("PARO public phone"), max_length=40, blank=True)
    spoc_name = models.CharField(_("Election SPOC"), max_length=200)
    spoc_email = models.EmailField(_("SPOC mailbox"))
    spoc_phone = models.CharField(_("SPOC phone"), max_length=40, blank=True)
    routine_target_working_days = models.PositiveSmallIntegerField(
        _("target for routine requests (working days)"),
        default=5,
        help_text=_(
            "How many working days the office aims to answer a request in; FOI requests "
            "always use the statutory 20 (Norfolk protocol 10: as soon as possible)."
        ),
    )
    # Publication deadline (issue 13, item 1): what one candidate is told, everyone can read.
    publication_target_working_days = models.PositiveSmallIntegerField(
        _("publish answers within (working days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "How many office working days after an answer is sent its public version should "
            "be published (Cumbria 3.2.4; Leicestershire Req 3), unless the Chief Executive "
            "decides it is not for publication."
        ),
    )
    publication_target_for_all_answers = models.BooleanField(
        _("the publication target applies to every answer"),
        default=True,
        help_text=_(
            "Untick to give the target only to answers sent to candidates and their agents."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep requesters' personal data for (months after the poll)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "After this many months from polling day the register's personal data is "
            "erased, except entries on legal hold (dataprotection). Set by the Chief Executive on "
            "the data protection page."
        ),
    )
    require_two_factor_for_spoc_and_ce = models.BooleanField(
        _("require two-factor authentication for the SPOC and Chief Executive"),
        default=False,
        help_text=_(
            "When ticked, staff in the SPOC officer and Chief Executive roles must set up "
            "an authenticator app and enter a code from it each time they sign in (security app). "
            "For everyone else two-factor authentication stays optional."
        ),
    )
    approval_deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text=_("People the Chief Executive has named to approve answers in their place."),
    )

    history = HistoricalRecords(m2m_fields=[approval_deputies])

    class Meta:
        ordering = ["-poll_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_published__isnull=True)
                | models.Q(notice_published__lt=models.F("poll_date")),
                name="election_notice_before_poll",
                violation_error_message="The notice of election must be published before the poll.",
            )
        ]

    def __str__(self) -> str:
        kind = "by-election" if self.by_election else "election"
        return f"{self.get_office_display()} {kind}, {self.area}, {self.poll_date:%-d %B %Y}"

    def clean(self) -> None:
        """Refuse a poll that is not a working day, or a notice date after the statutory latest."""
        if not self.poll_date:
            return
        try:
            timetable = self.timetable_for_validation()
        except ValueError as error:
            raise ValidationError({"poll_date": str(error)}) from None
        if self.notice_published:
            try:
                calendar.validate_notice_date(timetable, self.notice_published)
            except ValueError as error:
                raise ValidationError({"notice_published": str(error)}) from None

    def timetable_for_validation(self) -> calendar.Timetable:
        # Not the cached property: the poll date may just have been edited.
        extra = self.statutory_non_working_days() if self.pk else []
        return calendar.statutory_timetable(self.poll_date, extra)

    @property
    def is_mayoral(self) -> bool:
        """True for a mayor with PCC functions (from 2028): pages say "Mayor", not
        "Commissioner" (issue 15)."""
        return self.office == Office.MAYOR

    @property
    def takes_office_label(self) -> str:
        """Return the timetable's last line in the words of the election's office."""
        if self.is_mayoral:
            return _("The new mayor takes office")
        return _("The new commissioner takes office")

    @property
    def organisations(self) -> list[str]:
        """Return the organisations party to the protocol, office first."""
        return [
            name
            for name in (self.office_name, self.police_force_name, self.fire_service_name)
            if name
        ]

    def days_off(self) -> list[NonWorkingDay]:
        """Return the election's non-working days, by date: as read with the election when
        queries.current_election_for_request loaded them (one query for both), else from
        prefetch_related's cache or the database."""
        loaded = getattr(self, "loaded_non_working_days", None)
        return list(self.non_working_days.all()) if loaded is None else loaded

    def statutory_non_working_days(self) -> list[date]:
        """Return days of thanksgiving or mourning: they move statutory deadlines."""
        return [d.date for d in self.days_off() if d.affects_statutory_deadlines]

    @cached_property
    def timetable(self) -> calendar.Timetable:
        """Return the statutory timetable for this poll (PCC Elections Order 2012, Sch 3)."""
        return calendar.statutory_timetable(self.poll_date, self.statutory_non_working_days())

    def in_pre_election_period(self, at: datetime) -> bool:
        """Return True if `at` falls in this election's pre-election period (Cumbria 11.1):
        calendar.in_pre_election_period with its timetable, notice date and local end."""
        return calendar.in_pre_election_period(
            at,
            self.timetable,
            self.notice_published,
            calendar.PreElectionEnd(self.pre_election_end),
        )


class NonWorkingDay(models.Model):
    """A day the office does not count as a working day, added by staff.

    A day appointed for public thanksgiving or mourning is disregarded by the election
    timetable (PCC Elections Order 2012, Sch 3) and by FOI deadlines; an office closure only
    pauses the office's own targets and never moves a statutory deadline.
    """

    class Kind(models.TextChoices):
        THANKSGIVING_OR_MOURNING = (
            "thanksgiving_mourning",
            _("Day of public thanksgiving or mourning"),
        )
        OFFICE_CLOSURE = "office_closure", _("Office closure")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="non_working_days"
    )
    date = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "date"],
                name="non_working_day_once_per_election",
                violation_error_message="That day is already a non-working day for this election.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y}: {self.reason}"

    @property
    def affects_statutory_deadlines(self) -> bool:
        return self.kind == self.Kind.THANKSGIVING_OR_MOURNING

    def clean(self) -> None:
        """Refuse a day of thanksgiving or mourning the election's timetable cannot absorb.

        Such a day on polling day would make the poll fall on a non-working day, and one that
        moves the statutory latest notice date before the day the PARO already published would
        make that notice unlawful: both point to a typing mistake, so say so rather than break
        every page that shows the timetable.
        """
        if not self.affects_statutory_deadlines or not self.election_id or not self.date:
            return
        election = self.election
        others = [
            d.date
            for d in election.non_working_days.exclude(pk=self.pk)
            if d.affects_statutory_deadlines
        ]
        try:
            timetable = calendar.statutory_timetable(election.poll_date, [*others, self.date])
        except ValueError:
            raise ValidationError(
                {
                    "date": "That is polling day: the poll cannot fall on a non-working day. Check "
                    "the date."
                }
            ) from None
        if election.notice_published and election.notice_published > timetable.notice_of_election:
            raise ValidationError(
                {
                    "date": "With this day the latest lawful notice of election would be "
                    f"{timetable.notice_of_election:%-d %B %Y}, before the "
                    f"{election.notice_published:%-d %B %Y} the PARO published it. Check the date."
                }
            )


class StatusStep(models.Model):
    """A step of a case's status (abstract: each app's step table names its case and adds the
    note or reason): from, to, when and who."""

    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = staff_member()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def transition(self) -> str:
        """Return "old → new" ("new" for a case's first step)."""
        return f"{self.old_status or 'new'} → {self.new_status}"
