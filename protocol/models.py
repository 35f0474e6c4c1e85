"""The office's protocol: versions of the document, and who acknowledged which (issue 15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from election_protocol.models import Election, staff_member


class ProtocolVersion(models.Model):
    """One version of the office's protocol for an election: written or uploaded as text, with
    a change note, and the office's clauses mapped to the rules the software applies.

    Versions are never edited: a change is a new version (protocol.services.add_version)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="protocol_versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    # The protocol as the office adopted it, a PDF (optional; checked like the register's
    # attachments: briefings.materials.check_pdf), stored under a random name. Published on
    # the public page as a download beside the text version.
    pdf = models.FileField(upload_to="protocol/", blank=True, editable=False)
    pdf_filename = models.CharField(max_length=255, blank=True, editable=False)
    change_note = models.TextField()
    # rule key (protocol.rules.RULES) -> the office's clause text
    clauses = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    created_by = staff_member()

    class Meta:
        ordering = ["election", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="protocol_version_number_per_election"
            )
        ]
        permissions = [("view_acknowledgements", "See who has not read the protocol")]

    def __str__(self) -> str:
        return _("%(title)s, version %(number)s") % {"title": self.title, "number": self.number}


class Acknowledgement(models.Model):
    """A staff member's statement that they have read a version of the protocol."""

    version = models.ForeignKey(
        ProtocolVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="acknowledge_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read version {self.version_id}"
