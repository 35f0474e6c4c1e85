"""Staff pages of the register."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from election_protocol import staff_counts
from election_protocol.roles import Role
from election_protocol.shortcuts import election_or_setup
from requests_register import email_import, permissions, queries, rules, services, views_more
from requests_register.filters import RegisterFilter, candidate_choices
from requests_register.forms import (
    AssignForm,
    AttachmentForm,
    ContributionForm,
    DeputiesForm,
    DraftForm,
    EditEntryForm,
    EmailImportForm,
    LogEntryForm,
    NoteForm,
    StatusForm,
)
from requests_register.models import Attachment, Entry
from requests_register.templatetags.register_rows import register_rows
from requests_register.timeline import entry_timeline

PAGE_SIZE = 50
EMAIL_IMPORT_DIR = "email-imports"


def _incoming(files) -> list[services.IncomingFile]:
    return [
        services.IncomingFile(f.name, f.content_type or "application/octet-stream", f.read())
        for f in files
    ]


def _first_reached_for(user) -> str | None:
    """Liaisons log what reached their own service; managers choose."""
    if permissions.can_manage_entries(user):
        return None
    names = set(user.groups.values_list("name", flat=True))
    if Role.FIRE_LIAISON.value in names:
        return "fire"
    return "police"


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


def _topics(user, election) -> list[str]:
    """Return the topics already used in the entries `user` may see (suggestions, filters)."""
    if permissions.can_view_register(user):
        return queries.topics(election)
    return queries.topics(election, permissions.entries_for_user(user))


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
            **views_more.detail_context(user, entry),  # issue 13
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
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
    form = DraftForm(request.POST or None, initial={"answer": entry.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_answer(entry.pk, answer=form.cleaned_data["answer"], by=request.user)
        except rules.TransitionError as error:
            form.add_error("answer", str(error))
        else:
            messages.success(
                request,
                _("%(reference)s: answer drafted, awaiting approval.")
                % {"reference": entry.reference},
            )
            return redirect("requests_register:detail", pk=entry.pk)
    return render(request, "requests_register/draft.html", {"entry": entry, "form": form})


def edit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
    form = EditEntryForm(
        request.POST or None,
        instance=entry,
        election=entry.election,
        initial={"version": entry.version},
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            services.update_entry(
                entry.pk, expected_version=form.cleaned_data["version"], by=request.user, **changed
            )
        except services.ConcurrentEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(reference)s saved.") % {"reference": entry.reference})
            return redirect("requests_register:detail", pk=entry.pk)
    return render(
        request,
        "requests_register/edit.html",
        {"entry": entry, "form": form, "topics": _topics(request.user, entry.election)},
    )


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.assign_entry(
                entry.pk,
                assignee=form.cleaned_data["assignee"],
                by=request.user,
                request=form.cleaned_data["request"],
            )
        except rules.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Assigned to %(assignee)s.")
                % {"assignee": form.cleaned_data["assignee"].get_username()},
            )
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
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
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
    entry = permissions.get_entry_for_user(request.user, pk)
    if not permissions.can_manage_entries(request.user):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachments(
                entry.pk, _incoming(form.cleaned_data["files"]), by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Files added."))
    else:
        messages.error(request, _("Choose at least one file."))
    return redirect("requests_register:detail", pk=entry.pk)


def download_attachment(request: HttpRequest, token: str) -> FileResponse:
    attachment = Attachment.objects.select_related("entry").filter(token=token).first()
    # Files can carry the requester's details: only for those who may see them.
    if attachment is None or not permissions.can_view_requester_contacts(request.user):
        raise Http404(_("No such file."))
    permissions.get_entry_for_user(request.user, attachment.entry_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


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
