"""Staff pages of publishing: the list, preparing a public entry, and the review page (original
and public text side by side, redact more, restore, submit, approve, correct, withdraw).

These pages show private text to staff; they never feed the public site (publishing.queries).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.static import serve

from briefings.models import Booking, BriefingEvent
from election_protocol.permissions import first_or_404
from election_protocol.shortcuts import election_or_setup
from publishing import forms, permissions, rules, services
from publishing.models import (
    Correction,
    NotForPublication,
    PrivateText,
    PublicEntry,
    PublicRedaction,
    PublishRun,
)
from publishing.site import current_folder, schedule_publish
from publishing.site.health import site_state
from publishing.site.target import live_site, running_sites
from requests_register import permissions as register_permissions
from requests_register.models import Entry

# --- the list -------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    """Public entries by status, and what is ready to be prepared."""
    user = request.user
    if not permissions.can_view_publishing(user):
        raise PermissionDenied
    election = election_or_setup()
    rows = list(
        permissions.public_entries_for_user(user)
        .filter(election=election)
        .select_related("prepared_by", "approved_by")
        .order_by("-prepared_at", "-pk")
    )
    groups = [
        (status, rules.STATUS_LABELS[status], [r for r in rows if r.status == status])
        for status in rules.Status
    ]
    ready_entries = (
        Entry.objects.filter(
            election=election,
            status__in=rules.PUBLISHABLE_REGISTER_STATUSES,
            public_entry__isnull=True,
        )
        .exclude(answer="")
        # Signed off as not for publication (issue 13): no longer waiting to be prepared.
        .exclude(
            pk__in=NotForPublication.objects.filter(
                election=election, status=rules.DecisionStatus.APPROVED
            ).values("entry_id")
        )
        .order_by("number")
    )
    ready_bookings = (
        Booking.objects.filter(
            election=election,
            status__in=rules.PUBLISHABLE_BOOKING_STATUSES,
            public_entry__isnull=True,
        )
        .exclude(notes="")
        .select_related("entry", "visit_type")
        .order_by("starts_at")
    )
    ready_events = (
        BriefingEvent.objects.filter(
            election=election, invited_at__isnull=False, cancelled_reason="", public_entry=None
        )
        .exclude(Q(notes=""))
        .order_by("starts_at")
    )
    return render(
        request,
        "publishing/list.html",
        {
            "election": election,
            "groups": groups,
            "ready_entries": ready_entries,
            "ready_bookings": ready_bookings,
            "ready_events": ready_events,
            "can_prepare": permissions.can_prepare_public_entries(user),
        },
    )


# --- preparing ------------------------------------------------------------------------------


def _prepare(request: HttpRequest, source, allowed: bool, prepare_fn, what: str) -> HttpResponse:
    if not allowed:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            public_entry = prepare_fn(source, request.user)
        except rules.PublishingError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("%(reference)s: public version prepared. Check every line.")
                % {"reference": public_entry.reference},
            )
            return redirect("publishing:review", pk=public_entry.pk)
    return render(
        request,
        "publishing/prepare.html",
        {"what": what, "source": source, "error": error},
        status=400 if error else 200,
    )


def prepare_entry(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Prepare the public version of an answered register entry."""
    entry = register_permissions.get_entry_for_user(request.user, entry_pk)
    allowed = permissions.can_prepare_from_entry(request.user, entry)
    return _prepare(
        request,
        entry,
        allowed,
        services.prepare_public_entry,
        _("the answer to %(reference)s: %(topic)s")
        % {"reference": entry.reference, "topic": entry.topic},
    )


def prepare_meeting(request: HttpRequest, booking_pk: int) -> HttpResponse:
    """Prepare the public notes of a held meeting or visit."""
    if not permissions.can_prepare_public_entries(request.user):
        raise PermissionDenied
    booking = get_object_or_404(Booking.objects.select_related("entry"), pk=booking_pk)
    allowed = permissions.can_prepare_from_booking(request.user, booking)
    return _prepare(
        request,
        booking,
        allowed,
        services.prepare_meeting_notes,
        _("the notes of %(what)s (%(reference)s)")
        % {"what": booking.what.lower(), "reference": booking.entry.reference},
    )


def prepare_event(request: HttpRequest, event_pk: int) -> HttpResponse:
    """Prepare the public notes of a briefing event."""
    if not permissions.can_prepare_public_entries(request.user):
        raise PermissionDenied
    event = get_object_or_404(BriefingEvent, pk=event_pk)
    allowed = permissions.can_prepare_from_event(request.user, event)
    what = _("the notes of %(title)s") % {"title": event.title}
    return _prepare(request, event, allowed, services.prepare_event_notes, what)


# --- the review page ------------------------------------------------------------------------


def _fields(public_entry: PublicEntry, redactions: list[PublicRedaction]) -> list[dict]:
    """Return, per field, the original and public text as pieces: plain, or a redaction
    (highlighted on both sides: what was hidden, and the label that replaces it)."""
    texts = {
        rules.Field(t.field): t.text for t in PrivateText.objects.filter(public_entry=public_entry)
    }
    by_pk = {r.pk: r for r in redactions}
    out = []
    for field in rules.Field:
        if field not in texts:
            continue
        active = [r for r in redactions if r.field == field and r.is_active]
        spans = [rules.Span(r.start, r.end, r.label, r.pk) for r in active]
        pieces = [
            {
                "text": s.text,
                "label": s.span.label if s.span else "",
                "redaction": by_pk[s.span.key] if s.span else None,
            }
            for s in rules.segments(texts[field], spans)
        ]
        out.append(
            {
                "field": field.value,
                "label": rules.FIELD_LABELS[field],
                "pieces": pieces,
                "original": texts[field],
            }
        )
    return out


def _render_review(
    request: HttpRequest,
    public_entry: PublicEntry,
    *,
    bound: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the review page; `bound` holds the form refused, under its name, with the typed
    input, its errors, and in `refusal` the message a service refused it with."""
    user = request.user
    bound = bound or {}
    state = rules.Status(public_entry.status)
    version = {"version": public_entry.version}
    order = list(rules.Field)
    redactions = sorted(
        PublicRedaction.objects.filter(public_entry=public_entry, superseded=False).select_related(
            "by", "restored_by"
        ),
        # Numbered as the page reads: topic, question, answer, each from the start.
        key=lambda r: (order.index(rules.Field(r.field)), r.start, r.pk),
    )
    for number, redaction in enumerate(redactions, start=1):
        redaction.number = number
    is_preparer = public_entry.prepared_by_id == user.pk
    restored_by_me = any(r.restored and r.restored_by_id == user.pk for r in redactions)
    may_approve = permissions.can_approve_public_entries(user)
    steps = rules.available_steps(
        state,
        may_edit=permissions.can_edit_public_entries(user),
        may_approve=may_approve,
        prepared_it=is_preparer,
        restored_text=restored_by_me,
    )
    if rules.Kind(public_entry.kind) in rules.ACTION_KINDS:
        # A short entry of the action taken has no answer to correct (services.correct).
        steps -= {rules.Step.CORRECT}
    editable = rules.Step.REDACT in steps
    for redaction in redactions:
        name = f"restore-{redaction.pk}"
        redaction.restore_form = (
            bound.get(name) or forms.RestoreForm(prefix=name, initial=version)
            if editable and redaction.is_active
            else None
        )
    private_answer = (
        PrivateText.objects.filter(public_entry=public_entry, field=rules.Field.ANSWER)
        .values_list("text", flat=True)
        .first()
    )
    pending = (
        public_entry.corrections.filter(status=Correction.Status.PENDING)
        .select_related("by")
        .first()
    )
    if pending is not None and state not in rules.EDITABLE:
        # What the public would read once approved: the approver judges this, not the raw text.
        pending.public_answer = services.preview_correction(pending)

    def form(name: str, cls, allowed: bool, **initial):
        if not allowed:
            return None
        return bound.get(name) or cls(prefix=name, initial={**version, **initial})

    context = {
        "public_entry": public_entry,
        "site_state": _site_state(public_entry),
        "fields": _fields(public_entry, redactions),
        "redactions": redactions,
        "corrections": public_entry.corrections.select_related(
            "by", "approved_by", "rejected_by"
        ).order_by("at", "pk"),
        "pending_correction": pending,
        "corrections_approved": public_entry.corrections.filter(
            status=Correction.Status.APPROVED
        ).exists(),
        "history": public_entry.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        ),
        "show_factual": services.in_pre_election_period(public_entry.election, timezone.now()),
        "is_preparer": is_preparer,
        "restored_by_me": restored_by_me,
        "redact_form": form("redact", forms.RedactForm, editable),
        "submit_form": form("submit", forms.SubmitForm, rules.Step.SUBMIT in steps),
        "approve_form": form("approve", forms.ApproveForm, rules.Step.APPROVE in steps),
        "return_form": form("return", forms.ReturnForm, rules.Step.RETURN in steps),
        "correct_form": form(
            "correct",
            forms.CorrectForm,
            rules.Step.CORRECT in steps and pending is None,
            answer=private_answer or "",
        ),
        "approve_correction_form": form(
            "approve-correction",
            forms.ApproveCorrectionForm,
            may_approve
            and pending is not None
            and state == rules.Status.PUBLISHED
            and pending.by_id != user.pk,
        ),
        "reject_correction_form": form(
            "reject-correction",
            forms.RejectCorrectionForm,
            may_approve and pending is not None and state not in rules.EDITABLE,
        ),
        "withdraw_form": form("withdraw", forms.WithdrawForm, rules.Step.WITHDRAW in steps),
    }
    # A refused form that is no longer offered (someone acted first): its reason at the top.
    shown = {id(f) for f in context.values() if f is not None}
    shown |= {id(r.restore_form) for r in redactions if r.restore_form is not None}
    context["unshown_refusals"] = [
        form.refusal or " ".join(e for errors in form.errors.values() for e in errors)
        for form in bound.values()
        if id(form) not in shown
    ]
    return render(request, "publishing/review.html", context, status=status)


def _site_state(public_entry: PublicEntry):
    """Whether the entry's last public change (approval, correction, withdrawal) is on the
    public page yet, or publishing is delayed (publishing.site.health.site_state)."""

    if public_entry.status not in (rules.Status.PUBLISHED, rules.Status.WITHDRAWN):
        return None
    moments = [public_entry.approved_at, public_entry.withdrawn_at]
    # A correction changes the page when it is approved (a pending or rejected one never);
    # one approved before approvals were recorded went live when it was made (migration 0003).
    moments += [
        c.approved_at or c.at
        for c in public_entry.corrections.all()
        if c.status == Correction.Status.APPROVED
    ]
    changed_at = max((m for m in moments if m is not None), default=None)
    if changed_at is None:
        return None
    return site_state(public_entry.election_id, changed_at)


def review(request: HttpRequest, pk: int) -> HttpResponse:
    public_entry = permissions.get_public_entry_for_user(request.user, pk)
    return _render_review(request, public_entry)


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class,
    allowed,
    act,
    done: str,
) -> HttpResponse:
    """Run one review action: check the right, validate the form, call the service; on a
    refusal show the review page again with the typed input and the reason (status 400)."""
    public_entry = permissions.get_public_entry_for_user(request.user, pk)
    if not allowed(request.user):
        raise PermissionDenied
    form = form_class(request.POST, prefix=name)
    message = None
    if form.is_valid():
        try:
            act(public_entry, form.cleaned_data)
        except rules.PublishingError as refusal:
            message = str(refusal)
        else:
            messages.success(
                request,
                _("%(reference)s: %(done)s") % {"reference": public_entry.reference, "done": done},
            )
            return redirect("publishing:review", pk=public_entry.pk)
    # Shown again as it is now, the typed input kept; the form carries the current version,
    # so after a concurrent change the person can check the page and submit again.
    public_entry = permissions.get_public_entry_for_user(request.user, pk)
    data = request.POST.copy()
    data[f"{name}-version"] = str(public_entry.version)
    first_errors = form.errors
    form = form_class(data, prefix=name)
    if form.is_valid() and message is None and first_errors:
        # Only the hidden version was wrong (a stale or altered page): say so, or the page
        # would come back without a word.
        message = _("The page was out of date: check the entry as it is now, then try again.")
    form.refusal = message
    return _render_review(request, public_entry, bound={name: form}, status=400)


@require_POST
def redact(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        count = services.redact_more(
            public_entry.pk,
            data["field"],
            data["text"],
            data["reason"],
            request.user,
            data["version"],
            kind=data["kind"],
        )
        messages.info(
            request,
            _("%(count)s more occurrence%(s_if_count_1_else)s hidden.")
            % {"count": count, "s_if_count_1_else": "s" if count != 1 else ""},
        )

    return _act(
        request,
        pk,
        "redact",
        forms.RedactForm,
        permissions.can_edit_public_entries,
        act,
        _("redacted."),
    )


@require_POST
def restore(request: HttpRequest, pk: int, redaction_pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.restore(
            public_entry.pk, redaction_pk, data["reason"], request.user, data["version"]
        )

    return _act(
        request,
        pk,
        f"restore-{redaction_pk}",
        forms.RestoreForm,
        permissions.can_edit_public_entries,
        act,
        _("text restored. Someone else must approve the entry."),
    )


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.submit_for_approval(
            public_entry.pk, request.user, expected_version=data["version"]
        )

    return _act(
        request,
        pk,
        "submit",
        forms.SubmitForm,
        permissions.can_edit_public_entries,
        act,
        _("sent for approval."),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.approve_and_publish(
            public_entry.pk,
            request.user,
            data["factual_confirmed"],
            expected_version=data["version"],
        )

    return _act(
        request,
        pk,
        "approve",
        forms.ApproveForm,
        permissions.can_approve_public_entries,
        act,
        _("approved and published."),
    )


@require_POST
def return_to_draft(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.return_to_draft(
            public_entry.pk, data["reason"], request.user, expected_version=data["version"]
        )

    return _act(
        request,
        pk,
        "return",
        forms.ReturnForm,
        permissions.can_approve_public_entries,
        act,
        _("returned to draft."),
    )


@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.correct(
            public_entry.pk,
            data["answer"],
            data["note"],
            request.user,
            expected_version=data["version"],
        )

    return _act(
        request,
        pk,
        "correct",
        forms.CorrectForm,
        permissions.can_approve_public_entries,
        act,
        _("correction saved. Someone else must approve it before it is published."),
    )


def _correction_of(public_entry: PublicEntry, correction_pk: int) -> Correction:
    return first_or_404(
        Correction.objects, _("No such correction."), pk=correction_pk, public_entry=public_entry
    )


@require_POST
def approve_correction(request: HttpRequest, pk: int, correction_pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.approve_correction(
            _correction_of(public_entry, correction_pk).pk,
            request.user,
            factual_confirmed=data["factual_confirmed"],
            expected_version=data["version"],
        )

    return _act(
        request,
        pk,
        "approve-correction",
        forms.ApproveCorrectionForm,
        permissions.can_approve_public_entries,
        act,
        _("correction approved and published."),
    )


@require_POST
def reject_correction(request: HttpRequest, pk: int, correction_pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.reject_correction(
            _correction_of(public_entry, correction_pk).pk,
            data["reason"],
            request.user,
            expected_version=data["version"],
        )

    return _act(
        request,
        pk,
        "reject-correction",
        forms.RejectCorrectionForm,
        permissions.can_approve_public_entries,
        act,
        _("correction rejected."),
    )


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def act(public_entry, data):
        services.withdraw(
            public_entry.pk, data["reason"], request.user, expected_version=data["version"]
        )

    return _act(
        request,
        pk,
        "withdraw",
        forms.WithdrawForm,
        permissions.can_edit_public_entries,
        act,
        _("withdrawn."),
    )


# --- the public site: runs, publish now, and the demo's copy ------------------------------


def publish_runs(request: HttpRequest) -> HttpResponse:
    """The public site's publishing runs, newest first (read-only), and "Publish now"."""
    if not permissions.can_view_publish_runs(request.user):
        raise PermissionDenied
    election = election_or_setup()
    runs = PublishRun.objects.filter(election=election).select_related("requested_by")[:50]
    return render(
        request,
        "publishing/runs.html",
        {
            "election": election,
            "runs": runs,
            "can_publish": permissions.can_publish_site(request.user),
            # This election's own live public page (issue 15), None for a past one.
            "live_site": live_site(election, timezone.localdate()),
        },
    )


@require_POST
def publish_now(request: HttpRequest) -> HttpResponse:
    """Queue a run of the public site for the current election."""
    if not permissions.can_publish_site(request.user):
        raise PermissionDenied
    election = election_or_setup()
    run = schedule_publish(election.pk, by=request.user)
    messages.success(
        request, _("Publishing run %(pk)s requested: its status is below.") % {"pk": run.pk}
    )
    return redirect("publishing:runs")


@login_not_required
def public_site(request: HttpRequest, path: str = "") -> HttpResponse:
    """DEBUG only: serve the live version of the public site (the `current` folder) at
    /election/, and another running election's at /election/<prefix>/ (issue 15; the prefix
    in any case, redirected to lower case), as a web server would. Only files inside it:
    django.views.static.serve joins the path safely (no "..", no absolute paths); a folder
    gives its index.html."""
    if not settings.DEBUG:
        raise Http404(_("The public site is served by the web server, not the application."))
    first, slash, rest = path.partition("/")
    site = next(
        (s for s in running_sites(timezone.localdate()) if s.folder and s.folder == first.lower()),
        None,
    )
    if site is not None and (first != site.folder or not slash):
        # Lower case, and the folder's slash (the site's links are relative to it).
        return redirect(f"{site.url}{quote(rest)}")
    folder = current_folder(site)
    if folder is None:
        raise Http404(_("The public site is served by the web server, not the application."))
    path = rest if site is not None else path
    if path == "" or path.endswith("/"):
        path += "index.html"
    return serve(request, path, document_root=folder)
