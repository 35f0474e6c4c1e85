"""The audit log of sign-ins and permission changes (issue 6, item 3).

Append-only: rows are written by security.services.record_event and never edited; the admin and
the staff page show them read-only. Names are kept as text beside the foreign keys so that a row
still says who it was about after the account is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventKind(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    SESSION_EXPIRED = "session_expired", "Session ended at its time limit"
    TWO_FACTOR_VERIFIED = "2fa_verified", "Two-factor code accepted"
    TWO_FACTOR_FAILED = "2fa_failed", "Two-factor code refused"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor authentication set up"
    TWO_FACTOR_REMOVED = "2fa_removed", "Two-factor authentication removed"
    USER_CREATED = "user_created", "Account created"
    ACCOUNT_FLAGS_CHANGED = "flags_changed", "Account status changed"
    GROUPS_CHANGED = "groups_changed", "Roles changed"
    USER_PERMISSIONS_CHANGED = "user_perms_changed", "Individual permissions changed"
    ROLE_PERMISSIONS_CHANGED = "role_perms_changed", "Role permissions changed"
    OBJECT_PERMISSION_GRANTED = "obj_perm_granted", "Object permission granted"
    OBJECT_PERMISSION_REVOKED = "obj_perm_revoked", "Object permission revoked"


class AuditEvent(models.Model):
    """One security-relevant event: who, what, when, from where. Never a password or a token."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices, db_index=True)
    # The account concerned: for a failed sign-in, the username as typed (it may not exist).
    username = models.CharField(max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who made the change, when it is not the account itself (an admin changing roles).
    actor_name = models.CharField("by", max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}".strip()
