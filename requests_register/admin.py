"""Configuration in the Django admin: e-mail templates are editable; the register itself and
the outbox are shown read-only (they change only through the services, with history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from election_protocol.admin import ReadOnlyAdmin
from requests_register.models import EmailTemplate, OutboundEmail


@admin.register(EmailTemplate)
class EmailTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["key", "description", "subject"]
    readonly_fields = ["key"]
    fields = ["key", "description", "subject", "body"]

    def has_add_permission(self, request) -> bool:
        return False  # the keys are fixed by the code that sends them

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "purpose", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "purpose"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
