from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from election_protocol.models import Election, NonWorkingDay


class ReadOnlyMixin:
    """An admin that shows a model but never adds, changes or deletes a row (superusers
    included): its rows change only through the app's services, with history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A plain read-only admin (ReadOnlyMixin)."""


class NonWorkingDayInline(admin.TabularInline):
    model = NonWorkingDay
    extra = 0


@admin.register(Election)
class ElectionAdmin(SimpleHistoryAdmin):
    list_display = ["area", "office", "poll_date", "notice_published"]
    inlines = [NonWorkingDayInline]
    # Set only by the Chief Executive on the data protection page (dataprotection.services.
    # set_retention_period), which republishes the privacy notice that states it.
    readonly_fields = ["retention_months"]
