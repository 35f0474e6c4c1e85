"""What the register's staff pages share: files as the services take them, topic suggestions,
the entry a managing page works on."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from election_protocol.permissions import get_managed
from requests_register import permissions, queries, services
from requests_register.models import Entry


def _incoming(files) -> list[services.IncomingFile]:
    return [services.IncomingFile.from_upload(f) for f in files]


def _topics(user, election) -> list[str]:
    """Return the topics already used in the entries `user` may see (suggestions, filters)."""
    if permissions.can_view_register(user):
        return queries.topics(election)
    return queries.topics(election, permissions.entries_for_user(user))


def _managed_entry(request: HttpRequest, pk: int) -> Entry:
    """Return entry `pk` for one who manages entries: 404 if they may not see it (as for a
    missing one), 403 if they see it but do not manage entries."""
    return get_managed(
        request.user, pk, permissions.get_entry_for_user, permissions.can_manage_entries
    )


def _add_files(
    request: HttpRequest,
    pk: int,
    form_class,
    add: Callable[..., object],
    done: str,
    refused: tuple[type[Exception], ...] = (),
) -> HttpResponse:
    """Add the files posted in `form_class` to entry `pk` with `add(entry_id, files, by=)`:
    a message says what was done, or what to fix (a refused file; `refused`, the step's own
    refusals); back to the entry either way."""
    entry = _managed_entry(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            add(entry.pk, _incoming(form.cleaned_data["files"]), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _("Choose at least one file."))
    return redirect("requests_register:detail", pk=entry.pk)
