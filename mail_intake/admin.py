"""The admin shows the mailbox's records read-only: every change goes through services."""

from django.contrib import admin

from election_protocol.admin import ReadOnlyAdmin
from mail_intake.models import InboundMessage, MailboxState


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "subject", "state", "entry"]
    list_filter = ["state"]
    exclude = ["raw"]


@admin.register(MailboxState)
class MailboxStateAdmin(ReadOnlyAdmin):
    list_display = ["last_success_at", "last_error_at", "consecutive_failures"]
