"""The register's lists: the whole register (filtered, paged, its rows kept between writes), my
work, equal treatment and the named approvers."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from election_protocol import staff_counts
from election_protocol.shortcuts import election_or_setup
from requests_register import permissions, queries, services
from requests_register.filters import RegisterFilter, candidate_choices
from requests_register.forms import (
    DeputiesForm,
)
from requests_register.models import Entry
from requests_register.templatetags.register_rows import register_rows
from requests_register.views.common import _topics

PAGE_SIZE = 50


def _filter_cache_key(register_filter: RegisterFilter) -> str | None:
    """Return the key under which the unbound filter form's HTML is kept, or None for a
    bound one (it shows what was typed). The form's choices, language and field names decide
    its HTML: rendering its nine widgets through Django's widget templates was a fifth of the
    register list's time (issue 16, item 3)."""
    if register_filter.is_bound:
        return None
    # Only the topics and candidates vary; the other choices and labels are the code's own
    # (in the active language). Read from the filters, so the form is not built at all.
    shape = [
        translation.get_language(),
        register_filter.filters["topic"].extra["choices"],
        register_filter.filters["candidate"].extra["choices"],
    ]
    return hashlib.sha256(repr(shape).encode()).hexdigest()


class _SizedPaginator(Paginator):
    """A paginator told how many rows there are (the whole register's size, kept)."""

    def __init__(self, *args, size: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._size = size

    @property
    def count(self) -> int:
        return self._size


def register_list(request: HttpRequest) -> HttpResponse:
    election = election_or_setup(request)
    entries = permissions.entries_for_user(request.user).filter(election=election)
    # The whole register for managers and the auditor; for colleagues, what is assigned to them
    # (possibly nothing yet).
    today = timezone.localdate()
    cutoff = queries.due_soon_cutoff(election, today)
    whole = permissions.can_view_register(request.user)
    if whole:
        # The same for all who see the whole register: kept until an entry, a candidate or
        # the election is written (election_protocol.staff_counts).
        facts = staff_counts.get(
            "register_list",
            election.pk,
            today,
            lambda: {
                "size": entries.count(),
                "topics": queries.topics(election),
                "candidates": candidate_choices(election),
            },
        )
    else:
        facts = {"topics": _topics(request.user, election), "candidates": None}
    register_filter = RegisterFilter(
        request.GET or None,
        queryset=entries,
        election=election,
        today=today,
        topics=facts["topics"],
        candidates=facts["candidates"],
    )
    rows = queries.register_list_rows(register_filter.qs)
    show_names = whole
    if whole and set(request.GET) <= {"page"}:  # the whole register, unfiltered
        paginator = _SizedPaginator(rows, PAGE_SIZE, size=facts["size"])
        page = paginator.get_page(request.GET.get("page"))
        # The rows' HTML is the same for everyone who sees the whole register, until an
        # entry, a candidate, the election or its calendar is written (the kept counts'
        # version) or the day changes: kept with the counts, so the page reads no row.
        rows_html = staff_counts.get(
            f"register_rows:{page.number}:{translation.get_language()}",
            election.pk,
            today,
            lambda: {"html": str(_rows_html(page, today, cutoff, show_names))},
        )["html"]
    else:
        paginator = Paginator(rows, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        rows_html = _rows_html(page, today, cutoff, show_names)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests_register/list.html",
        {
            "election": election,
            "filter": register_filter,
            "filter_cache_key": _filter_cache_key(register_filter),
            "page": page,
            "query": query.urlencode(),
            "can_log": permissions.can_log_entry(request.user),
            "can_export": permissions.can_export_register(request.user),
            # Built by register_rows (every value escaped by format_html), kept as text.
            "rows_html": mark_safe(rows_html),  # noqa: S308 # nosec B308 B703
        },
    )


def _rows_html(page, today, cutoff, show_names: bool) -> str:
    """Return the <tr> of each entry on `page` (one query for the rows)."""
    # Labels looked up once per page: Model.get_FOO_display() rebuilds its choices dict on
    # every call (a third of a millisecond each, twice a row).
    # As plain text in the page's language: a lazy label is translated again wherever used.
    kinds = {value: str(label) for value, label in Entry.Kind.choices}
    requester_types = {value: str(label) for value, label in Entry.RequesterType.choices}
    for entry in page.object_list:
        entry.deadline = queries.deadline_state(entry, today, cutoff)
        entry.kind_label = kinds.get(entry.kind, entry.kind)
        entry.requester_type_label = requester_types.get(entry.requester_type, entry.requester_type)
    return register_rows(page.object_list, show_names)


def my_work(request: HttpRequest) -> HttpResponse:
    election = election_or_setup()
    user = request.user
    entries = permissions.entries_for_user(user).filter(election=election)
    groups = queries.my_work(
        user,
        entries,
        may_manage=permissions.can_manage_entries(user),
        may_approve=permissions.can_approve_answers(user, election),
    )
    today = timezone.localdate()
    overdue = (
        queries.register_rows(queries.overdue(entries, today))
        if permissions.can_view_register(user)
        else None
    )
    return render(
        request,
        "requests_register/my_work.html",
        {"groups": groups, "overdue": overdue, "election": election},
    )


def parity(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_register(request.user):
        raise PermissionDenied
    election = election_or_setup()
    return render(
        request,
        "requests_register/parity.html",
        {"rows": queries.parity(election, timezone.localdate()), "election": election},
    )


def deputies(request: HttpRequest) -> HttpResponse:
    if not permissions.can_name_deputies(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = DeputiesForm(
        request.POST or None, initial={"deputies": election.approval_deputies.all()}
    )
    if request.method == "POST" and form.is_valid():
        services.set_approval_deputies(election, form.cleaned_data["deputies"], by=request.user)
        messages.success(request, _("Approvers saved."))
        return redirect("requests_register:deputies")
    return render(request, "requests_register/deputies.html", {"form": form, "election": election})
