"""Register list filters (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from requests_register import queries, rules
from requests_register.models import Entry

SELECT = {"class": "govuk-select"}


def candidate_choices(election) -> list[tuple[str, str]]:
    """Return the election's candidates as (id, name) choices, by name.

    Plain choices read once: a model choice field iterates its queryset with .iterator(), on
    PostgreSQL a server-side cursor (DECLARE, FETCH, CLOSE), each render."""
    return [
        (str(pk), name)
        for pk, name in Candidate.objects.filter(election=election)
        .order_by("name")
        .values_list("pk", "name")
    ]


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"class": "govuk-input", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", _("Open (any)")), *Entry.Status.choices],
        method="filter_status",
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    kind = django_filters.ChoiceFilter(
        choices=Entry.Kind.choices, empty_label=_("Any"), widget=forms.Select(attrs=SELECT)
    )
    requester_type = django_filters.ChoiceFilter(
        label=_("Requester"),
        choices=Entry.RequesterType.choices,
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    candidate = django_filters.ChoiceFilter(
        choices=[], empty_label=_("Any"), widget=forms.Select(attrs=SELECT)
    )
    topic = django_filters.ChoiceFilter(
        choices=[], empty_label=_("Any"), widget=forms.Select(attrs=SELECT)
    )
    foi = django_filters.ChoiceFilter(
        label=_("FOI"),
        choices=[("yes", _("FOI requests")), ("no", _("Not FOI"))],
        method="filter_foi",
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    first_reached = django_filters.ChoiceFilter(
        label=_("Organisation first reached"),
        choices=Entry.Organisation.choices,
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(
        self,
        *args,
        election,
        today,
        topics: list[str],
        candidates: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        """`topics`: the topic choices, only those of entries this user may see (a colleague
        learns nothing of the rest): queries.topics. `candidates`: the election's candidates
        as candidate_choices() returns them, if already read."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["candidate"].extra["choices"] = (
            candidate_choices(election) if candidates is None else candidates
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
