from django.contrib import admin

from election_protocol.admin import ReadOnlyAdmin
from protocol.models import ProtocolVersion


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(ReadOnlyAdmin):
    """Read-only: versions are added on the protocol page, never edited."""

    list_display = ("election", "number", "title", "created_at", "created_by")
