"""Incidents in the admin: read-only. They change only on the staff pages, through
incidents.services (the one funnel, with history); the settings have their own page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from election_protocol.admin import ReadOnlyMixin
from incidents.models import Incident


@admin.register(Incident)
class IncidentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["reference", "kind", "status", "service", "due_at", "election"]
    list_filter = ["election", "kind", "status", "service"]
    search_fields = ["reference", "title"]
