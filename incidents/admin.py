"""Incidents in the admin: read-only. They change only on the staff pages, through
incidents.services (the one funnel, with history); the settings have their own page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "kind", "status", "service", "due_at", "election"]
    list_filter = ["election", "kind", "status", "service"]
    search_fields = ["reference", "title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
