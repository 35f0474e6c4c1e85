from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from election_protocol.models import Election, NonWorkingDay


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
