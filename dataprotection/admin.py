"""The log is written by dataprotection.services only: the admin shows it, never edits."""

from django.contrib import admin

from dataprotection.models import RetentionRun, SubjectAccessRequest
from election_protocol.admin import ReadOnlyAdmin


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["ran_at", "election", "run_by", "due_on"]


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ReadOnlyAdmin):
    list_display = ["at", "requested_by", "about", "format"]
