"""Putting a contact on the register: the log form, and the log form filled in from an e-mail."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.roles import Role
from election_protocol.shortcuts import election_or_setup
from requests_register import email_import, permissions, queries, rules, services
from requests_register.forms import (
    EmailImportForm,
    LogEntryForm,
)
from requests_register.views.common import _incoming, _topics

EMAIL_IMPORT_DIR = "email-imports"


def _first_reached_for(user) -> str | None:
    """Liaisons log what reached their own service; managers choose."""
    if permissions.can_manage_entries(user):
        return None
    names = set(user.groups.values_list("name", flat=True))
    if Role.FIRE_LIAISON.value in names:
        return "fire"
    return "police"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt="requests_register.email_import")


def _imported_email(token: str):
    """Return the parsed e-mail behind a signed token (valid for a day), or None."""
    try:
        name = _signer().unsign(token, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    path = Path(settings.MEDIA_ROOT) / EMAIL_IMPORT_DIR / name
    if not path.is_file():
        return None
    return email_import.parse_email(path.read_bytes())


def log_entry(request: HttpRequest) -> HttpResponse:
    if not permissions.can_log_entry(request.user):
        raise PermissionDenied
    election = election_or_setup()
    fixed = _first_reached_for(request.user)
    form = LogEntryForm(
        request.POST or None, request.FILES or None, election=election, first_reached_fixed=fixed
    )
    imported = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = _incoming(data.pop("attachments"))
        token = data.pop("email_token")
        skipped = []
        if token:
            imported = _imported_email(token)
            for a in imported.attachments if imported is not None else ():
                file = services.IncomingFile(a.filename, a.content_type, a.data)
                try:
                    services.check_attachment(file)
                except ValidationError:
                    skipped.append(a.filename)  # a signature image, say: not worth refusing for
                else:
                    files.append(file)
        acknowledge = data.pop("acknowledge")
        try:
            entry = services.log_entry(
                election=election,
                by=request.user,
                acknowledge=acknowledge,
                attachments=files,
                **data,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                form.add_error("attachments", error.messages)
        else:
            messages.success(
                request, _("%(reference)s is on the register.") % {"reference": entry.reference}
            )
            if skipped:
                messages.warning(
                    request,
                    _("Not kept (type or size not accepted): %(files)s.")
                    % {"files": ", ".join(skipped)},
                )
            return redirect("requests_register:detail", pk=entry.pk)
    return render(
        request,
        "requests_register/log.html",
        {"form": form, "election": election, "topics": _topics(request.user, election)},
    )


def log_from_email(request: HttpRequest) -> HttpResponse:
    """Upload or paste an e-mail; show the log form filled in from it for staff to check."""
    if not permissions.can_log_entry(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = EmailImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("eml"):
                upload = form.cleaned_data["eml"]
                if upload.size > email_import.MAX_EMAIL_BYTES:
                    raise email_import.EmailImportError(_("The file is larger than 10 MB."))
                raw = upload.read()
            else:
                raw = form.cleaned_data["source"].replace("\r\n", "\n").encode("utf-8")
            parsed = email_import.parse_email(raw)
        except email_import.EmailImportError as error:
            form.add_error(None, str(error))
        else:
            folder = Path(settings.MEDIA_ROOT) / EMAIL_IMPORT_DIR
            folder.mkdir(parents=True, exist_ok=True)
            name = secrets.token_urlsafe(24)
            (folder / name).write_bytes(raw)
            requester_type, candidate = queries.match_sender(election, parsed.sender_email)
            received = parsed.received_at or timezone.now()
            if received > timezone.now():
                received = timezone.now()
            initial = {
                "received_at": timezone.localtime(received).strftime("%Y-%m-%dT%H:%M"),
                "channel": rules.Channel.EMAIL,
                "first_reached": _first_reached_for(request.user) or "opcc",
                "kind": rules.Kind.INFORMATION,
                "topic": parsed.subject[:100],
                "question": parsed.body,
                "requester_type": requester_type,
                "candidate": candidate.pk if candidate else None,
                "requester_name": parsed.sender_name or parsed.sender_email,
                "requester_email": parsed.sender_email,
                "email_token": _signer().sign(name),
                "acknowledge": True,
            }
            log_form = LogEntryForm(
                initial=initial,
                election=election,
                first_reached_fixed=_first_reached_for(request.user),
            )
            if candidate:
                messages.info(
                    request,
                    (
                        _("The sender matches %(name)s (agent).")
                        if requester_type == "agent"
                        else _("The sender matches %(name)s (candidate).")
                    )
                    % {"name": candidate.name},
                )
            return render(
                request,
                "requests_register/log.html",
                {
                    "form": log_form,
                    "election": election,
                    "topics": _topics(request.user, election),
                    "imported": parsed,
                },
            )
    return render(request, "requests_register/log_from_email.html", {"form": form})
