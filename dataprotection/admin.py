from django.contrib import admin

from dataprotection.models import RetentionRun, SubjectAccessRequest


class _ReadOnly(admin.ModelAdmin):
    """The log is written by dataprotection.services only: the admin shows it, never edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(_ReadOnly):
    list_display = ["ran_at", "election", "run_by", "due_on"]


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(_ReadOnly):
    list_display = ["at", "requested_by", "about", "format"]
