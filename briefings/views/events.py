"""Briefing events: the list, one event's page and the actions on it (invite, publish, record who
came)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefings import permissions, rules, services
from briefings.forms import EventForm, NotesForm, QuestionLinkForm
from briefings.models import BriefingEvent
from election_protocol.shortcuts import act_and_tell, election_or_setup
from requests_register.models import Entry


def events(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_all_bookings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = (
        EventForm(request.POST or None) if permissions.can_manage_bookings(request.user) else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            event = form.save(commit=False)
            event.election, event.created_by = election, request.user
            event._history_user = request.user
            event.save()
            messages.success(
                request,
                _("%(title)s added. Invite the candidates when ready.") % {"title": event.title},
            )
            return redirect("briefings:event", pk=event.pk)
    return render(
        request,
        "briefings/events.html",
        {
            "events": BriefingEvent.objects.filter(election=election).order_by("starts_at"),
            "form": form,
        },
    )


def _render_event(
    request: HttpRequest,
    event: BriefingEvent,
    *,
    notes_form: NotesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "briefings/event.html",
        {
            "event": event,
            "attendance": event.attendance.select_related("candidate"),
            "questions": event.questions.select_related("entry"),
            "eligible": services.eligible_for(event),
            "can_manage": permissions.can_manage_bookings(request.user),
            "question_form": QuestionLinkForm(),
            "notes_form": notes_form
            or NotesForm(initial={"notes": event.notes, "version": event.version}),
        },
        status=status,
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_event(request, permissions.get_event_for_user(request.user, pk))


@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = permissions.get_event_for_user(request.user, pk)
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    if action == "invite":
        try:
            count = services.invite_to_event(event.pk, by=request.user)
        except rules.BookingError as error:
            messages.error(request, str(error))
            return redirect("briefings:event", pk=event.pk)
        invited = set(event.attendance.values_list("candidate_id", flat=True))
        missing = [c.name for c in services.eligible_for(event) if c.pk not in invited]
        if missing:
            messages.warning(
                request,
                _("Not invited, no e-mail address: %(names)s.") % {"names": ", ".join(missing)},
            )
        messages.success(
            request,
            _("Invited %(count)s candidate%(s_if_count_1_else)s; the PARO has been told.")
            % {"count": count, "s_if_count_1_else": "s" if count != 1 else ""},
        )
    elif action == "attendance":
        services.record_attendance(
            event.pk,
            [int(v) for v in request.POST.getlist("attended") if v.isdigit()],
            by=request.user,
        )
        messages.success(request, _("Attendance recorded."))
    elif action == "question":
        form = QuestionLinkForm(request.POST)
        entry = None
        if form.is_valid():
            reference = form.cleaned_data["reference"].strip().upper()
            entry = Entry.objects.filter(election=event.election, reference=reference).first()
        if entry is None:
            messages.error(
                request, _("No register entry with that reference: log the question first.")
            )
        else:

            def link() -> str:
                services.link_question(event.pk, entry)
                return _("%(reference)s linked as an advance question.") % {
                    "reference": entry.reference
                }

            act_and_tell(request, link, rules.BookingError)
    elif action == "notes":
        form = NotesForm(request.POST)
        refusal = None
        if form.is_valid():
            try:
                services.record_event_notes(
                    event.pk,
                    form.cleaned_data["notes"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except services.ConcurrentEditError as error:
                refusal = str(error)
            else:
                messages.success(request, _("Notes saved."))
                return redirect("briefings:event", pk=event.pk)
        elif set(form.errors) == {"version"}:
            refusal = _(
                "The page was out of date: check the notes as they are now, then save again."
            )
        # The page again with the typed text kept, the saved notes shown beside it, and the
        # current version: saving once more, after comparing, is a deliberate choice.
        event.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(event.version)
        form = NotesForm(data)
        form.is_valid()
        if refusal:
            form.add_error(None, refusal)
        return _render_event(request, event, notes_form=form, status=400)
    else:
        raise Http404(_("No such action."))
    return redirect("briefings:event", pk=event.pk)
