from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from briefings.models import BriefingMaterial


@admin.register(BriefingMaterial)
class BriefingMaterialAdmin(SimpleHistoryAdmin):
    list_display = ["title", "topic", "published", "election"]
    list_filter = ["election", "published", "topic"]
