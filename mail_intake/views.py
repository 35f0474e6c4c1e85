"""Staff pages of the SPOC mailbox: the triage inbox, one message, the three decisions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from election_protocol.permissions import get_managed
from election_protocol.shortcuts import download, election_or_setup
from mail_intake import permissions, queries, rules, services
from mail_intake.forms import AcceptForm, DismissForm, DuplicateForm
from mail_intake.models import InboundMessage
from requests_register import queries as register_queries
from requests_register.models import Entry


def inbox(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_mailbox(request.user):
        raise PermissionDenied
    return render(
        request,
        "mail_intake/inbox.html",
        {
            "waiting": list(queries.triage_inbox()),
            "recent": list(queries.recent_sorted()),
            "health": queries.mailbox_health(timezone.now()),
        },
    )


def _initial(message: InboundMessage) -> dict[str, object]:
    return {
        "topic": message.subject[:100],
        "requester_type": message.requester_type or Entry.RequesterType.PUBLIC,
        "candidate": message.candidate_id,
        "requester_name": message.sender_name or message.sender_email,
        "acknowledge": bool(message.sender_email),
    }


def _render_message(
    request: HttpRequest, message: InboundMessage, *, forms=None, error: str = "", status=200
) -> HttpResponse:
    may_decide = permissions.can_triage_mail(request.user) and message.state in rules.DECIDABLE
    context: dict[str, object] = {
        "message": message,
        "may_decide": may_decide,
        "error": error,
        "history": list(message.history.select_related("history_user").order_by("history_date")),
    }
    if may_decide:
        election = election_or_setup()
        forms = forms or {}
        context["accept_form"] = forms.get("accept") or AcceptForm(
            initial=_initial(message), election=election
        )
        context["duplicate_form"] = forms.get("duplicate") or DuplicateForm(election=election)
        context["dismiss_form"] = forms.get("dismiss") or DismissForm()
        context["topics"] = register_queries.topics(election)
    return render(request, "mail_intake/message.html", context, status=status)


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_message(request, permissions.get_message_for_user(request.user, pk))


def original(request: HttpRequest, pk: int) -> HttpResponse:
    """The message exactly as received, as an .eml download (never shown inline)."""
    message = permissions.get_message_for_user(request.user, pk)
    raw = InboundMessage.objects.filter(pk=message.pk).values_list("raw", flat=True).first()
    return download(bytes(raw or b""), "message/rfc822", f"message-{message.pk}.eml", no_store=True)


def _decision_target(request: HttpRequest, pk: int) -> InboundMessage:
    return get_managed(
        request.user, pk, permissions.get_message_for_user, permissions.can_triage_mail
    )


def _decide(
    request: HttpRequest,
    message: InboundMessage,
    name: str,
    form,
    act: Callable[[dict], HttpResponse],
    refused: tuple[type[Exception], ...] = (rules.TriageError,),
) -> HttpResponse:
    """On a valid form, return `act(cleaned data)` (the triage funnel's write, its message
    and the redirect); otherwise the message's page again, the form `name` with what was
    typed and the refusal (one of `refused`) said, status 400."""
    error = ""
    if form.is_valid():
        try:
            return act(form.cleaned_data)
        except refused as refusal:
            error = " ".join(getattr(refusal, "messages", [str(refusal)]))
    return _render_message(request, message, forms={name: form}, error=error, status=400)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    message = _decision_target(request, pk)

    def act(data: dict) -> HttpResponse:
        entry = services.accept_message(message.pk, by=request.user, **data)
        messages.success(
            request, _("%(reference)s is on the register.") % {"reference": entry.reference}
        )
        return redirect("requests_register:detail", pk=entry.pk)

    form = AcceptForm(request.POST, election=election_or_setup())
    return _decide(
        request, message, "accept", form, act, refused=(rules.TriageError, ValidationError)
    )


@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    message = _decision_target(request, pk)

    def act(data: dict) -> HttpResponse:
        services.mark_duplicate(
            message.pk, by=request.user, original=data["original"], note=data["note"]
        )
        messages.success(
            request,
            _("Marked as a duplicate of %(reference)s.")
            % {"reference": data["original"].reference},
        )
        return redirect("mail_intake:inbox")

    form = DuplicateForm(request.POST, election=election_or_setup())
    return _decide(request, message, "duplicate", form, act)


@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    message = _decision_target(request, pk)

    def act(data: dict) -> HttpResponse:
        services.dismiss_message(
            message.pk, by=request.user, reason=data["reason"], note=data["note"]
        )
        messages.success(request, _("The message is dismissed (kept in the mailbox log)."))
        return redirect("mail_intake:inbox")

    return _decide(request, message, "dismiss", DismissForm(request.POST), act)
