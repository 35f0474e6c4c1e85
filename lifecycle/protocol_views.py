"""Staff pages of the protocol document (issue 15, item 2). Here, above publishing in the
dependency order, so that a new version is published at once (publishing.site)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefings.materials import check_pdf
from briefings.rules import BookingError
from election_protocol.shortcuts import election_or_setup
from protocol import permissions, queries, rules, services
from protocol.forms import AcknowledgeForm, ProtocolVersionForm
from publishing.site import schedule_publish
from requests_register.services import IncomingFile


def protocol_page(request: HttpRequest) -> HttpResponse:
    """The version in force: its text, its clauses, its history; "I have read it"."""
    if not permissions.can_view_protocol(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    version = queries.latest_version(election)
    acknowledged = (
        version is not None and version.acknowledgements.filter(user=request.user).first()
    )
    return render(
        request,
        "protocol/page.html",
        {
            "election": election,
            "version": version,
            "clauses": [
                (key, rules.RULES[key], clause)
                for key, clause in (version.clauses.items() if version else [])
                if key in rules.RULES
            ],
            "versions": election.protocol_versions.select_related("created_by"),
            "acknowledged": acknowledged,
            "can_add": permissions.can_add_version(request.user),
            "can_view_readers": permissions.can_view_acknowledgements(request.user),
        },
    )


def new_version(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add_version(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    latest = queries.latest_version(election)
    initial = (
        {"title": latest.title, "text": latest.text, "clauses": rules.mapping_text(latest.clauses)}
        if latest
        else {}
    )
    form = ProtocolVersionForm(request.POST or None, request.FILES or None, initial=initial)
    pdf = _checked_pdf(form) if request.method == "POST" and form.is_valid() else None
    if request.method == "POST" and form.is_valid():
        version = services.add_version(
            election,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["document"],
            change_note=form.cleaned_data["change_note"],
            clauses=form.cleaned_data["clauses"],
            by=request.user,
            pdf=pdf,
        )
        schedule_publish(election.pk, by=request.user)
        messages.success(
            request,
            _("Version %(number)s saved; it goes on the public election page now.")
            % {"number": version.number},
        )
        return redirect("protocol:page")
    return render(
        request,
        "protocol/new_version.html",
        {"form": form, "election": election, "latest": latest, "rules": rules.RULES.items()},
        status=400 if form.errors else 200,
    )


def _checked_pdf(form: ProtocolVersionForm) -> tuple[str, bytes] | None:
    """Return the uploaded PDF (name, bytes) if it passes the checks every uploaded PDF passes
    (briefings.materials.check_pdf: size, declared type, name and first bytes); otherwise add
    the reason to the form (which keeps what was typed) and return None."""
    upload = form.cleaned_data.get("pdf")
    if not upload:
        return None
    upload.seek(0)
    file = IncomingFile(
        filename=upload.name or "unnamed",
        content_type=upload.content_type or "",
        data=upload.read(),
    )
    try:
        check_pdf(file)
    except BookingError as error:
        form.add_error("pdf", str(error))
        return None
    return file.filename, file.data


@require_POST
def acknowledge(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_protocol(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    version = queries.latest_version(election)
    form = AcknowledgeForm(request.POST)
    if version is None or not form.is_valid() or form.cleaned_data["number"] != version.number:
        messages.error(
            request,
            _(
                "The protocol has changed since you opened it: read the version shown, then "
                "acknowledge it."
            ),
        )
        return redirect("protocol:page")
    services.acknowledge(version, by=request.user)
    messages.success(
        request, _("Recorded: you have read version %(number)s.") % {"number": version.number}
    )
    return redirect("protocol:page")


def readers(request: HttpRequest) -> HttpResponse:
    """For the Chief Executive: who has read the version in force, and who has not."""
    if not permissions.can_view_acknowledgements(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    version = queries.latest_version(election)
    return render(
        request,
        "protocol/readers.html",
        {
            "election": election,
            "version": version,
            "missing": queries.not_acknowledged(version) if version else [],
            "done": version.acknowledgements.select_related("user") if version else [],
        },
    )
