from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from candidates.models import Candidate, Party


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_forms"]
    search_fields = ["name"]


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    """Read-mostly: status changes only through the staff pages (one funnel, with history)."""

    list_display = ["name", "party", "status", "election"]
    list_filter = ["election", "status"]
    search_fields = ["name"]
    readonly_fields = ["status"]
