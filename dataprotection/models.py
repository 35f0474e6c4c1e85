"""The record of data protection work: every retention run and every subject access export.

Written only by dataprotection.services. Neither table holds the erased data itself: a run keeps
counts and register references, an export keeps who asked, when and what they searched for.
"""

from __future__ import annotations

from django.db import models

from election_protocol.models import Election, staff_member


class RetentionRun(models.Model):
    """One run of the retention rule on an election (dataprotection.services.apply_retention).

    `run_by` is empty for the daily automatic run. `counts` says how many of each kind of thing
    were erased or anonymised; `held` and `still_open` list the references kept and why.
    """

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    ran_at = models.DateTimeField()
    run_by = staff_member(optional=True)
    due_on = models.DateField(help_text="The retention date the run applied")
    counts = models.JSONField(default=dict)
    held = models.JSONField("kept on legal hold", default=list)
    still_open = models.JSONField("kept because still open", default=list)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        permissions = [
            ("change_retention_period", "Can set how long personal data is kept after the poll")
        ]

    def __str__(self) -> str:
        return f"Retention run {self.pk} on {self.election_id} at {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def erased_entries(self) -> int:
        return int(self.counts.get("entries", 0))


class SubjectAccessRequest(models.Model):
    """One subject access export: who made it, when, about whom, in which format, what it held.

    The search terms are kept (they say about whom); the export itself is not.
    """

    class Format(models.TextChoices):
        JSON = "json", "JSON"
        PDF = "pdf", "PDF"

    requested_by = staff_member()
    at = models.DateTimeField()
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    username = models.CharField("staff username", max_length=150, blank=True)
    format = models.CharField(max_length=4, choices=Format.choices)
    found = models.JSONField(default=dict, help_text="How many items of each kind were exported")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "subject access export"
        permissions = [("export_subject_data", "Can export everything held about a person")]

    def __str__(self) -> str:
        return f"Subject access export {self.pk} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def about(self) -> str:
        return ", ".join(v for v in (self.name, self.email, self.phone, self.username) if v)
