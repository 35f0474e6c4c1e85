from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from candidates.models import Candidate, Party
from election_protocol.admin import ReadOnlyAdmin


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_forms"]
    search_fields = ["name"]


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    """Read-only, without contact details: candidates are added, edited and change status only
    on the staff pages, through candidates.services (history, rules, one funnel)."""

    list_display = ["name", "party", "status", "incumbent_role", "election"]
    list_filter = ["election", "status"]
    search_fields = ["name"]
    fields = ["election", "name", "party", "status", "incumbent_role"]
