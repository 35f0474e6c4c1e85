from django.contrib import admin

from election_protocol.admin import ReadOnlyAdmin
from security.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log, read-only: nobody adds, edits or deletes a row, superusers included."""

    list_display = ["at", "kind", "username", "actor_name", "ip_address", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "actor_name", "ip_address", "detail"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None
