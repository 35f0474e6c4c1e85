"""The admin shows the mailbox's records read-only: every change goes through services."""

from django.contrib import admin

from mail_intake.models import InboundMessage, MailboxState


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnly):
    list_display = ["received_at", "subject", "state", "entry"]
    list_filter = ["state"]
    exclude = ["raw"]


@admin.register(MailboxState)
class MailboxStateAdmin(ReadOnly):
    list_display = ["last_success_at", "last_error_at", "consecutive_failures"]
