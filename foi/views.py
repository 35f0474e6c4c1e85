"""Staff pages for an FOI request: its clock explained, and one form per step (thin views:
foi.services does the work, foi.permissions decides who may)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from election_protocol.shortcuts import file_download, submit_form
from foi import forms, permissions, queries, rules, services
from requests_register import rules as register_rules
from requests_register.models import Entry
from requests_register.permissions import can_approve_answers, get_entry_for_user
from requests_register.services import IncomingFile

# Each step's form, its prefix on the page, and who may take it.
FORMS: dict[str, type] = {
    "holder": forms.HolderForm,
    "clarify": forms.ClarifyForm,
    "clarified": forms.ClarifiedForm,
    "extend": forms.ExtendForm,
    "refuse": forms.RefuseForm,
    "disclosed": forms.DisclosedForm,
    "review": forms.ReviewForm,
    "review_decision": forms.ReviewDecisionForm,
}


def _foi_entry(request: HttpRequest, pk: int) -> Entry:
    entry = get_entry_for_user(request.user, pk)
    if entry.kind != register_rules.Kind.FOI:
        raise Http404(_("Not an FOI request."))
    return entry


def _offered(case, entry: Entry, user) -> set[str]:
    """Return the steps to show to `user` now (the services still check each)."""
    if not permissions.can_manage_foi(user):
        return set()
    state = rules.State(case.state) if case else rules.State.OPEN
    steps = {"holder"} if state != rules.State.DISCLOSED_ELSEWHERE else set()
    answered = register_rules.Status(entry.status) in {
        register_rules.Status.SENT,
        register_rules.Status.CLOSED,
    }
    if state == rules.State.OPEN and entry.is_open:
        steps |= {"clarify", "extend"}
    if state == rules.State.AWAITING_CLARIFICATION:
        steps.add("clarified")
    if state in (rules.State.OPEN, rules.State.EXTENDED) and entry.is_open:
        if permissions.can_refuse_foi(user, entry):
            steps.add("refuse")
        holder = case.holder if case else entry.first_reached
        if holder != rules.Authority.OFFICE:
            steps.add("disclosed")
    if state == rules.State.REFUSED or (
        state in (rules.State.OPEN, rules.State.EXTENDED) and answered
    ):
        steps.add("review")
    if state == rules.State.UNDER_REVIEW and can_approve_answers(user, entry.election):
        steps.add("review_decision")
    return steps


def _page(request: HttpRequest, entry: Entry, bound: dict | None = None, status: int = 200):
    case = queries.case_for(entry)
    clock = services.clock_for(case) if case else services.clock_for_entry(entry)
    offered = _offered(case, entry, request.user)
    built = {}
    for name in offered | set(bound or {}):
        if bound and name in bound:
            built[name] = bound[name]
        else:
            initial = {"holder": case.holder if case else entry.first_reached}
            built[name] = FORMS[name](prefix=name, initial=initial if name == "holder" else None)
    return render(
        request,
        "foi/case.html",
        {
            "entry": entry,
            "case": case,
            "holder_label": rules.AUTHORITY_LABELS[
                rules.Authority(case.holder if case else entry.first_reached)
            ],
            "lines": clock.lines,
            "forms": built,
            "can_open_copy": permissions.can_open_disclosure_copy(request.user),
        },
        status=status,
    )


def foi_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an FOI request: who holds it, its clock explained, what happened, what next."""
    return _page(request, _foi_entry(request, pk))


def _step(
    request: HttpRequest,
    pk: int,
    name: str,
    allowed: Callable[[object, Entry], bool],
    act: Callable[[Entry, dict], str],
) -> HttpResponse:
    entry = _foi_entry(request, pk)
    if not allowed(request.user, entry):
        raise PermissionDenied
    form = FORMS[name](request.POST, request.FILES, prefix=name)

    def take(data: dict) -> HttpResponse:
        messages.success(request, act(entry, data))
        return redirect("foi:case", entry.pk)

    refused = (rules.FoiError, register_rules.TransitionError, ValidationError)
    if response := submit_form(request, form, take, refused):
        return response
    return _page(request, entry, {name: form}, status=400)


def _manager(user, entry: Entry) -> bool:
    return permissions.can_manage_foi(user)


def _step_view(
    name: str, allowed: Callable[[object, Entry], bool] = _manager
) -> Callable[[Callable[[HttpRequest, Entry, dict], str]], Callable[..., HttpResponse]]:
    """Turn `act(request, entry, data)` (takes the step, returns the message) into the step's
    POST view: the form `FORMS[name]`, checked, errors shown on the page (`_step`)."""

    def decorate(act: Callable[[HttpRequest, Entry, dict], str]) -> Callable[..., HttpResponse]:
        @require_POST
        @wraps(act)
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            return _step(request, pk, name, allowed, lambda entry, data: act(request, entry, data))

        return view

    return decorate


def _answerer(request: HttpRequest, entry: Entry) -> dict:
    """Who answers the requester (a refusal, a review's decision), and whether they may
    approve the answer themselves (requests_register.permissions.can_approve_answers)."""
    return {"by": request.user, "may_approve": can_approve_answers(request.user, entry.election)}


@_step_view("holder")
def set_holder(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.set_holder(entry.pk, holder=data["holder"], by=request.user)
    return _("Recorded who holds and discloses the information.")


@_step_view("clarify")
def clarify(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.ask_clarification(entry.pk, question=data["question"], by=request.user)
    return _("Clarification asked: the clock is stopped until the requester answers.")


@_step_view("clarified")
def clarified(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.record_clarification(
        entry.pk, answered_on=data["answered_on"], answer=data["answer"], by=request.user
    )
    return _("Clarification recorded: the clock runs again from the day it arrived.")


@_step_view("extend")
def extend(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.extend_for_public_interest(
        entry.pk,
        new_date=data["new_date"],
        exemptions=data["exemptions"],
        reason=data["reason"],
        by=request.user,
    )
    return _("Time extended: the notice is on its way to the requester.")


@_step_view("refuse", permissions.can_refuse_foi)
def refuse(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.refuse_with_exemptions(
        entry.pk, exemptions=data["exemptions"], reason=data["reason"], **_answerer(request, entry)
    )
    return _("Refused: the refusal notice is on its way to the requester.")


@_step_view("disclosed")
def disclosed(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.record_disclosure_elsewhere(
        entry.pk,
        their_reference=data["their_reference"],
        disclosed_on=data["disclosed_on"],
        text=data["text"],
        copy=IncomingFile.from_upload(data["copy"]),
        by=request.user,
    )
    return _("Disclosure recorded and the entry closed; it can now be prepared for publication.")


@_step_view("review")
def review(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.request_review(
        entry.pk, requested_on=data["requested_on"], grounds=data["grounds"], by=request.user
    )
    return _("Internal review recorded, with its target date.")


@_step_view("review_decision", permissions.can_refuse_foi)
def review_decision(request: HttpRequest, entry: Entry, data: dict) -> str:
    services.decide_review(
        entry.pk, outcome=data["outcome"], notes=data["notes"], **_answerer(request, entry)
    )
    return _("Review decided: the requester is told.")


def disclosure_copy(request: HttpRequest, pk: int) -> FileResponse:
    """Download the copy of another authority's disclosure (never published as such)."""
    if not permissions.can_open_disclosure_copy(request.user):
        raise PermissionDenied
    entry = _foi_entry(request, pk)
    case = queries.case_for(entry)
    if case is None or not case.copy_stored_as:
        raise Http404(_("No copy received."))
    return file_download(case.copy_file, case.copy_filename, case.copy_content_type)
