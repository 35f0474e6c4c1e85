"""One entry's page and the steps taken on it: status, draft, edit, assign, contribute, note,
attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from election_protocol.shortcuts import act_and_tell, file_download, submit_form
from requests_register import permissions, queries, rules, services
from requests_register.forms import (
    AssignForm,
    AttachmentForm,
    ContributionForm,
    DraftForm,
    EditEntryForm,
    NoteForm,
    StatusForm,
)
from requests_register.models import Attachment, Entry
from requests_register.timeline import entry_timeline
from requests_register.views.common import _add_files, _managed_entry, _topics
from requests_register.views.team import detail_context


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    return _render_detail(request, entry)


def _render_detail(
    request: HttpRequest, entry: Entry, *, failed: dict | None = None, status: int = 200
) -> HttpResponse:
    """Render the entry page; `failed` re-opens the action that was refused, with its input."""
    user = request.user
    may_manage = permissions.can_manage_entries(user)
    may_approve = permissions.can_approve_answers(user, entry.election)
    show_contacts = permissions.can_view_requester_contacts(user)
    today = timezone.localdate()
    actions = []
    for step in rules.available_steps(
        rules.Status(entry.status), may_manage=may_manage, may_approve=may_approve
    ):
        action = _action(entry, step)
        if failed and failed["status"] == step.status.value:
            action.update(failed=True, **{k: v for k, v in failed.items() if k != "status"})
        actions.append(action)
    # A refused action no longer offered (someone acted first, a stale page): its reason is
    # shown above the actions rather than nowhere.
    action_error = failed["error"] if failed and not any(a.get("failed") for a in actions) else None
    may_contribute = permissions.can_contribute(user, entry)
    is_in_progress = entry.status == rules.Status.IN_PROGRESS
    return render(
        request,
        "requests_register/detail.html",
        {
            "entry": entry,
            "timeline": entry_timeline(entry, show_contacts=show_contacts),
            "deadline": queries.deadline_state(
                entry, today, queries.due_soon_cutoff(entry.election, today)
            ),
            "show_contacts": show_contacts,
            "may_manage": may_manage,
            "actions": actions,
            "action_error": action_error,
            "assignments": entry.assignments.select_related("assignee"),
            # Files can carry the requester's details: only for those who may see them.
            "attachments": entry.attachments.all() if show_contacts else None,
            "emails": entry.emails.all(),
            "draft_form": DraftForm(initial={"answer": entry.answer})
            if may_manage and is_in_progress
            else None,
            "assign_form": AssignForm() if may_manage and entry.is_open else None,
            "contribution_form": ContributionForm() if may_contribute and entry.is_open else None,
            "note_form": NoteForm() if may_manage else None,
            "attachment_form": AttachmentForm() if may_manage else None,
            "materials": StatusForm(entry=entry).fields["material"].queryset,
            "booking": getattr(entry, "booking", None),
            "can_prepare_booking": may_manage
            and entry.is_open
            and entry.candidate_id is not None
            and entry.kind in (rules.Kind.MEETING, rules.Kind.VISIT),
            **detail_context(user, entry),  # issue 13
        },
        status=status,
    )


def _action(entry: Entry, step: rules.Step) -> dict[str, object]:
    current, status = rules.Status(entry.status), step.status
    labels = {
        rules.Status.AWAITING_CONFIRMATION: _("Send the written confirmation"),
        rules.Status.IN_PROGRESS: (
            _("The requester has confirmed: start work")
            if current == rules.Status.AWAITING_CONFIRMATION
            else _("Start work")
            if current == rules.Status.LOGGED
            else _("Return for redrafting")
            if rules.is_return(current, status)
            else _("Reopen")
        ),
        rules.Status.APPROVED: _("Approve the answer"),
        rules.Status.SENT: _("Send the approved answer"),
        rules.Status.CLOSED: (
            _("Close: no reply needed") if step.needs_no_reply_reason else _("Close")
        ),
        rules.Status.REFERRED_TO_PARO: _("Refer to the PARO"),
        rules.Status.ANSWERED_BY_MATERIAL: _("Answer with briefing material"),
        rules.Status.REFUSED: _("Refuse"),
        rules.Status.WITHDRAWN: _("Mark withdrawn"),
        rules.Status.DUPLICATE: _("Mark as a duplicate"),
    }
    return {
        "status": status.value,
        "label": labels[status],
        "needs_reason": step.needs_reason,
        "needs_material": step.needs_material,
        "needs_original": step.needs_original,
        "warning": step.warning,
        "needs_no_reply_reason": step.needs_no_reply_reason,
    }


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    may_manage = permissions.can_manage_entries(request.user)
    may_approve = permissions.can_approve_answers(request.user, entry.election)
    form = StatusForm(request.POST, entry=entry)
    requested = request.POST.get("status", "")
    if requested in rules.Status:
        allowed = rules.may_take_step(
            rules.Status(requested), may_manage=may_manage, may_approve=may_approve
        )
    else:
        allowed = may_manage  # an unknown status: the form says what is wrong
    if not allowed:
        raise PermissionDenied
    error = None
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
    else:
        new = rules.Status(form.cleaned_data["status"])
        try:
            services.set_entry_status(
                entry.pk,
                new,
                by=request.user,
                reason=form.cleaned_data["reason"],
                material=form.cleaned_data["material"],
                duplicate_of=form.cleaned_data["original"],
                may_approve=may_approve,
                no_reply_reason=form.cleaned_data["no_reply_reason"],
            )
        except rules.TransitionError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("%(reference)s: %(status)s.")
                % {"reference": entry.reference, "status": rules.STATUS_LABELS[new].lower()},
            )
            return redirect("requests_register:detail", pk=entry.pk)
    # Refused: show the page again with what was typed and the reason beside the action.
    failed = {
        "status": requested,
        "error": error,
        "reason": request.POST.get("reason", ""),
        "original": request.POST.get("original", ""),
        "material_id": request.POST.get("material", ""),
        "no_reply_reason": request.POST.get("no_reply_reason", ""),
    }
    return _render_detail(request, entry, failed=failed, status=400)


def draft(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = DraftForm(request.POST or None, initial={"answer": entry.answer})

    def draft_answer(data: dict) -> HttpResponse:
        services.draft_answer(entry.pk, answer=data["answer"], by=request.user)
        messages.success(
            request,
            _("%(reference)s: answer drafted, awaiting approval.") % {"reference": entry.reference},
        )
        return redirect("requests_register:detail", pk=entry.pk)

    if response := submit_form(request, form, draft_answer, rules.TransitionError, field="answer"):
        return response
    return render(request, "requests_register/draft.html", {"entry": entry, "form": form})


def edit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = EditEntryForm(
        request.POST or None,
        instance=entry,
        election=entry.election,
        initial={"version": entry.version},
    )

    def save(data: dict) -> HttpResponse:
        changed = {name: data[name] for name in form.changed_data if name != "version"}
        services.update_entry(
            entry.pk, expected_version=data["version"], by=request.user, **changed
        )
        messages.success(request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect("requests_register:detail", pk=entry.pk)

    if response := submit_form(
        request, form, save, (services.ConcurrentEditError, ValidationError)
    ):
        return response
    return render(
        request,
        "requests_register/edit.html",
        {"entry": entry, "form": form, "topics": _topics(request.user, entry.election)},
    )


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data

        def assign_it() -> str:
            services.assign_entry(
                entry.pk, assignee=data["assignee"], by=request.user, request=data["request"]
            )
            return _("Assigned to %(assignee)s.") % {"assignee": data["assignee"].get_username()}

        act_and_tell(request, assign_it, rules.TransitionError)
    else:
        messages.error(request, _("Choose a colleague and say what is needed."))
    return redirect("requests_register:detail", pk=entry.pk)


@require_POST
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_contribute(request.user, entry):
        raise PermissionDenied
    form = ContributionForm(request.POST)
    if form.is_valid():
        services.add_contribution(entry.pk, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, _("Your contribution is on the entry."))
    else:
        messages.error(request, _("Write the information you are supplying."))
    return redirect("requests_register:detail", pk=entry.pk)


@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            entry.pk,
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
            by=request.user,
        )
        messages.success(request, _("Recorded on the entry."))
    else:
        messages.error(request, _("Write the note."))
    return redirect("requests_register:detail", pk=entry.pk)


@require_POST
def add_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_files(request, pk, AttachmentForm, services.add_attachments, _("Files added."))


def download_attachment(request: HttpRequest, token: str) -> FileResponse:
    attachment = Attachment.objects.select_related("entry").filter(token=token).first()
    # Files can carry the requester's details: only for those who may see them.
    if attachment is None or not permissions.can_view_requester_contacts(request.user):
        raise Http404(_("No such file."))
    permissions.get_entry_for_user(request.user, attachment.entry_id)
    return file_download(attachment.file, attachment.filename, attachment.content_type)
