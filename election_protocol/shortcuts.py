"""The election a page works on, a form's submission, and the responses that download a file,
for every app's views (core of the dependency order: it imports only `election_protocol`'s
models and queries, so any app may import it)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.models import Election
from election_protocol.queries import active_request, current_election, current_election_for_request


def election_or_setup(request: HttpRequest | None = None) -> Election:
    """Return the election the request works on (the one chosen with the switcher, else the
    current one), or 404 with a message saying one must be set up. It is read once for the view
    and the page's context processor; without `request`, the request being served is used."""
    today = timezone.localdate()
    request = request or active_request.get()
    election = current_election_for_request(request, today) if request else current_election(today)
    if election is None:
        raise Http404(_("No election is set up yet: add one in the admin."))
    return election


def file_download(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """Return the stored `file` as a download named `filename` (never shown inline: an uploaded
    file is whatever someone sent, so the browser must not render it on our origin)."""
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def download(
    body: str | bytes, content_type: str, filename: str, *, no_store: bool = False
) -> HttpResponse:
    """Return `body` as a download named `filename` (a CSV, a PDF, an .eml made or kept by the
    application). `no_store` for personal data or staff-only figures: no copy kept by a
    browser or proxy cache."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if no_store:
        response["Cache-Control"] = "no-store"
    return response


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    act: Callable[[dict], HttpResponse],
    refused: type[Exception] | tuple[type[Exception], ...],
    *,
    field: str | None = None,
) -> HttpResponse | None:
    """Return `act(form.cleaned_data)` (the service's write, its message and the redirect) when
    `request` POSTed `form` valid; None when the page is to be shown again: not a POST, an
    invalid form, or the service refused with one of `refused`, whose message (each of a
    ValidationError's) is put on the form (on `field`, else above the form) so the person sees
    why and what they typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except refused as error:
        form.add_error(field, error.messages if isinstance(error, ValidationError) else str(error))
        return None


def act_and_tell(
    request: HttpRequest,
    act: Callable[[], str],
    refused: type[Exception] | tuple[type[Exception], ...],
) -> None:
    """Take a step whose page then goes back where it came from: `act` writes and returns what
    to tell the person (a success message); a refusal (one of `refused`) is told instead, as an
    error."""
    try:
        done = act()
    except refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
