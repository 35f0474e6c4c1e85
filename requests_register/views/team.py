"""Staff pages of issue 13 on the register (the team around an entry): owner, unassign and hand
over, answer documents; and the extra context of the entry page (detail_context)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from election_protocol.permissions import first_or_404
from election_protocol.shortcuts import act_and_tell
from requests_register import answer_documents, handover, permissions, rules, signoff
from requests_register.forms_more import (
    AnswerDocumentForm,
    DecideProposalForm,
    OwnerForm,
    ProposeForm,
    ReassignForm,
    UnassignForm,
)
from requests_register.models import AnswerDocument, Entry, SignOffProposal
from requests_register.views.common import _add_files, _managed_entry


def detail_context(user, entry: Entry) -> dict:
    """Return what the entry page adds for issue 13 (its included templates read these)."""
    may_manage = permissions.can_manage_entries(user)
    may_approve = permissions.can_approve_answers(user, entry.election)
    has_assignments = entry.assignments.exists()
    editable = rules.Status(entry.status) in answer_documents.EDITABLE
    return {
        "no_reply_label": rules.NO_REPLY_LABELS.get(entry.no_reply_reason)
        if entry.no_reply_reason
        else None,
        "no_reply_reasons": [(r.value, rules.NO_REPLY_LABELS[r]) for r in rules.NoReplyReason],
        "owner_form": OwnerForm(initial={"owner": entry.owner_id}) if may_manage else None,
        "unassign_form": UnassignForm(entry=entry) if may_manage and has_assignments else None,
        "reassign_form": ReassignForm(entry=entry) if may_manage and has_assignments else None,
        # Those who write or approve the answer see its documents (no one else: they go to
        # the requester).
        "answer_documents": entry.answer_documents.all() if may_manage or may_approve else None,
        "answer_document_form": AnswerDocumentForm() if may_manage and editable else None,
        "proposal": (proposal := entry.proposals.filter(decision="").first()),
        "propose_form": ProposeForm()
        if may_manage and not may_approve and entry.is_open and proposal is None
        else None,
        "decide_form": DecideProposalForm() if proposal is not None and may_approve else None,
        "proposal_label": signoff.PROPOSAL_LABELS.get(rules.Status(proposal.status))
        if proposal is not None
        else None,
    }


def _form_error(request: HttpRequest, form) -> None:
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))


def _team_step(
    request: HttpRequest, entry: Entry, form, act: Callable[[dict], str]
) -> HttpResponse:
    """Take a step on `entry` with `form`'s data: `act` writes and returns the message to
    show; a refusal (rules.TransitionError) or what the form says to fix is shown instead.
    Back to the entry either way."""
    if form.is_valid():
        act_and_tell(request, lambda: act(form.cleaned_data), rules.TransitionError)
    else:
        _form_error(request, form)
    return redirect("requests_register:detail", pk=entry.pk)


@require_POST
def set_owner(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)

    def act(data: dict) -> str:
        handover.set_owner(entry.pk, owner=data["owner"], by=request.user)
        return _("Owner saved.")

    return _team_step(request, entry, OwnerForm(request.POST), act)


@require_POST
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)

    def act(data: dict) -> str:
        handover.unassign_entry(entry.pk, assignee=data["assignee"], by=request.user)
        return _("Unassigned.")

    return _team_step(request, entry, UnassignForm(request.POST, entry=entry), act)


@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)

    def act(data: dict) -> str:
        handover.reassign_entry(
            entry.pk,
            from_user=data["from_user"],
            to_user=data["to_user"],
            by=request.user,
            request=data["request"],
        )
        return _("Handed over to %(username)s.") % {"username": data["to_user"].get_username()}

    return _team_step(request, entry, ReassignForm(request.POST, entry=entry), act)


@require_POST
def add_answer_documents(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_files(
        request,
        pk,
        AnswerDocumentForm,
        answer_documents.add_answer_documents,
        _("Documents added to the answer."),
        refused=(rules.TransitionError,),
    )


@require_POST
def remove_answer_document(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    entry = _managed_entry(request, pk)

    def remove() -> str:
        answer_documents.remove_answer_document(token, entry_id=entry.pk)
        return _("Document removed.")

    act_and_tell(request, remove, rules.TransitionError)
    return redirect("requests_register:detail", pk=entry.pk)


def download_answer_document(request: HttpRequest, token: str) -> HttpResponse:
    document = first_or_404(AnswerDocument.objects, _("No such file."), token=token)
    entry = permissions.get_entry_for_user(request.user, document.entry_id)
    if not (
        permissions.can_manage_entries(request.user)
        or permissions.can_approve_answers(request.user, entry.election)
    ):
        raise Http404(_("No such file."))
    response = HttpResponse(bytes(document.data), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)

    def act(data: dict) -> str:
        signoff.propose_ending(
            entry.pk,
            data["status"],
            reason=data["reason"],
            no_reply_reason=data["no_reply_reason"],
            by=request.user,
        )
        return _("Proposed for sign-off.")

    return _team_step(request, entry, ProposeForm(request.POST), act)


@require_POST
def decide_proposal(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    may_approve = permissions.can_approve_answers(request.user, entry.election)
    if not may_approve:
        raise PermissionDenied
    proposal = first_or_404(
        SignOffProposal.objects, _("No such proposal."), pk=proposal_pk, entry=entry
    )

    def act(data: dict) -> str:
        signoff.decide_proposal(
            proposal.pk,
            sign_off=data["decision"] == "sign_off",
            note=data["note"],
            by=request.user,
            may_approve=may_approve,
        )
        return _("Decision recorded.")

    return _team_step(request, entry, DecideProposalForm(request.POST), act)
