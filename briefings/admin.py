"""Configuration of organised meetings in the admin: materials, visit types, the equal offer.
Bookings and events change only on the staff pages, through briefings.services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from briefings.models import BriefingMaterial, OfferItem, VisitType


@admin.register(BriefingMaterial)
class BriefingMaterialAdmin(SimpleHistoryAdmin):
    """Read-only: material is added, approved by a second person (with the factual check) and
    withdrawn on the staff pages, through briefings.materials (issue 13)."""

    list_display = ["title", "topic", "published", "election"]
    list_filter = ["election", "published", "topic"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VisitType)
class VisitTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "chief"]


@admin.register(OfferItem)
class OfferItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "visit_type", "position", "election"]
    list_filter = ["election"]
