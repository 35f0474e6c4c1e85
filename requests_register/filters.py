"""Register list filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import QuerySet

from candidates.models import Candidate
from requests_register import queries, rules
from requests_register.models import Entry

SELECT = {"class": "govuk-select"}


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", "Open (any)"), *Entry.Status.choices],
        method="filter_status",
        empty_label="Any",
        widget=forms.Select(attrs=SELECT),
    )
    kind = django_filters.ChoiceFilter(
        choices=Entry.Kind.choices, empty_label="Any", widget=forms.Select(attrs=SELECT)
    )
    requester_type = django_filters.ChoiceFilter(
        label="Requester",
        choices=Entry.RequesterType.choices,
        empty_label="Any",
        widget=forms.Select(attrs=SELECT),
    )
    candidate = django_filters.ModelChoiceFilter(
        queryset=Candidate.objects.none(), empty_label="Any", widget=forms.Select(attrs=SELECT)
    )
    topic = django_filters.ChoiceFilter(
        choices=[], empty_label="Any", widget=forms.Select(attrs=SELECT)
    )
    foi = django_filters.ChoiceFilter(
        label="FOI",
        choices=[("yes", "FOI requests"), ("no", "Not FOI")],
        method="filter_foi",
        empty_label="Any",
        widget=forms.Select(attrs=SELECT),
    )
    first_reached = django_filters.ChoiceFilter(
        label="Organisation first reached",
        choices=Entry.Organisation.choices,
        empty_label="Any",
        widget=forms.Select(attrs=SELECT),
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only",
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(self, *args, election, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["candidate"].queryset = Candidate.objects.filter(election=election).order_by(
            "name"
        )
        # Only topics of entries this user may see: a colleague learns nothing of the rest.
        topics = (
            self.queryset.filter(election=election)
            .order_by("topic")
            .values_list("topic", flat=True)
            .distinct()
        )
        self.filters["topic"].extra["choices"] = [(t, t) for t in topics]

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        return queries.search(queryset, value, connection.vendor)

    def filter_status(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        if value == "open":
            return queryset.filter(status__in=queries.OPEN_VALUES)
        return queryset.filter(status=value)

    def filter_foi(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        if value == "yes":
            return queryset.filter(kind=rules.Kind.FOI)
        return queryset.exclude(kind=rules.Kind.FOI)

    def filter_overdue(self, queryset: QuerySet[Entry], name: str, value: bool) -> QuerySet[Entry]:
        return queries.overdue(queryset, self.today) if value else queryset
