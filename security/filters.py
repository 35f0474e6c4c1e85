"""Audit log filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from security.models import AuditEvent, EventKind

DATE = forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"})


class AuditEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Event"),
        choices=EventKind.choices,
        empty_label=_("Any"),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    username = django_filters.CharFilter(
        label=_("Username"),
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    ip_address = django_filters.CharFilter(
        label=_("IP address"),
        lookup_expr="startswith",
        widget=forms.TextInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    since = django_filters.DateFilter(
        label=_("From (date)"), field_name="at", lookup_expr="date__gte", widget=DATE
    )
    until = django_filters.DateFilter(
        label=_("To (date)"), field_name="at", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = AuditEvent
        fields = ["kind", "username", "ip_address", "since", "until"]
