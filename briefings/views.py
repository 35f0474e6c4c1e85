"""Staff pages for organised meetings: the dashboard (a chief's work on a phone), bookings and
their steps, briefing events, the equal-offer matrix, and the staff calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from briefings import calendar_feed, held, permissions, rules, services
from briefings.forms import EventForm, NotesForm, PrepareBookingForm, QuestionLinkForm, StepForm
from briefings.models import BriefingEvent, CandidateOffer, OfferItem
from election_protocol.models import UndeclaredTreatment
from election_protocol.permissions import is_staff_member
from election_protocol.queries import current_election
from election_protocol.shortcuts import election_or_setup
from requests_register import permissions as register_permissions
from requests_register.models import Entry


def dashboard(request: HttpRequest) -> HttpResponse:
    """What awaits this person, then what is coming up. Laid out for a phone as well."""
    user = request.user
    bookings = permissions.bookings_for_user(user).select_related(
        "candidate", "entry", "visit_type"
    )
    live = list(bookings.exclude(status__in=["held", "declined", "cancelled"]))
    checker = ObjectPermissionChecker(user)
    checker.prefetch_perms(live)  # one query for every booking's object permissions
    awaiting = []
    for booking in live:
        current = rules.Status(booking.status)
        actors = services.actors_for(user, booking, checker)
        next_steps = [s for s in rules.TRANSITIONS[current] if s != rules.Status.CANCELLED]
        if any(
            rules.who_acts(current, s, rules.Chief(booking.chief)) in actors for s in next_steps
        ):
            if current == rules.Status.SCHEDULED and booking.starts_at > timezone.now():
                continue  # nothing to do until it has happened
            awaiting.append(booking)
    upcoming = bookings.filter(status="scheduled", starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )
    feed_key = services.calendar_feed_key(user)
    token = calendar_feed.feed_token(user, feed_key)
    return render(
        request,
        "briefings/dashboard.html",
        {
            "awaiting": awaiting,
            "upcoming": upcoming,
            "all_bookings": bookings.order_by("-created_at")
            if permissions.can_view_all_bookings(user)
            else None,
            "events": BriefingEvent.objects.filter(election=election_or_setup()).order_by(
                "starts_at"
            )
            if permissions.can_view_all_bookings(user)
            else None,
            "can_manage": permissions.can_manage_bookings(user),
            # Issue 13: bookings waiting too long, and recording a meeting already held.
            "stalled": held.stalled_bookings(
                stalled_in, timezone.localdate(), permissions.bookings_for_user(user)
            )
            if (stalled_in := current_election(timezone.localdate()))
            else [],
            "can_record_held": held.can_record_held(user),
            "feed_url": request.build_absolute_uri(
                reverse("briefings:calendar") + f"?token={token}"
            ),
            "feed_expires": calendar_feed.expires_at(feed_key),
            "feed_expired": calendar_feed.expires_at(feed_key) <= timezone.now(),
        },
    )


def prepare(request: HttpRequest, entry_pk: int) -> HttpResponse:
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    entry = register_permissions.get_entry_for_user(request.user, entry_pk)
    form = PrepareBookingForm(request.POST or None, election=entry.election)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.prepare_booking(
                entry,
                by=request.user,
                kind=data["kind"],
                advance_questions=data["advance_questions"],
                checked_materials=data["checked_materials"],
                material_check_note=data["material_check_note"],
                visit_type=data["visit_type"],
                offer_item=data["offer_item"],
            )
        except rules.BookingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Prepared: the Chief Executive has been asked to decide."))
            return redirect("briefings:booking", pk=booking.pk)
    return render(request, "briefings/prepare.html", {"form": form, "entry": entry})


def booking_detail(
    request: HttpRequest, pk: int, *, failed: dict | None = None, status: int = 200
) -> HttpResponse:
    booking = permissions.get_booking_for_user(request.user, pk)
    actors = services.actors_for(request.user, booking)
    current = rules.Status(booking.status)
    steps = []
    for new in sorted(rules.TRANSITIONS[current], key=list(rules.Status).index):
        if rules.who_acts(current, new, rules.Chief(booking.chief)) in actors:
            step = {"status": new.value, "label": _step_label(current, new, booking)}
            if failed and failed.get("status") == new.value:
                step.update(failed)
            steps.append(step)
    # A refused step no longer offered (someone acted first, a stale page): shown above them.
    step_error = failed["error"] if failed and not any(s.get("failed") for s in steps) else None
    gap = services.booking_parity_gap(booking) if current == rules.Status.PREPARED else set()
    return render(
        request,
        "briefings/booking.html",
        {
            "booking": booking,
            "steps": steps,
            "step_error": step_error,
            "history": booking.steps.select_related("by"),
            "parity_gap": len(gap),
            "materials": booking.checked_materials.all(),
            "show_entry": register_permissions.can_view_register(request.user),
        },
        status=status,
    )


def _step_label(current: rules.Status, new: rules.Status, booking) -> str:
    if new == rules.Status.APPROVED:
        return _("Approve")
    if new == rules.Status.CONFIRMED:
        return _("Confirm")
    if new == rules.Status.DECLINED:
        return _("Decline")
    if new == rules.Status.SCHEDULED:
        return _("Reschedule") if current == rules.Status.SCHEDULED else _("Schedule")
    if new == rules.Status.HELD:
        return _("Record as held, with the notes")
    return _("Cancel")


@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    booking = permissions.get_booking_for_user(request.user, pk)
    form = StepForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        schedule = None
        if data["status"] == rules.Status.SCHEDULED:
            schedule = services.Schedule(
                data["starts_at"], data["ends_at"], data["place"], data["host"]
            )
        try:
            services.set_booking_status(
                booking.pk,
                data["status"],
                by=request.user,
                reason=data["reason"],
                parity_acknowledged=data["parity_acknowledged"],
                schedule=schedule,
                notes=data["notes"],
                expected_status=data["expected_status"] or None,
            )
        except rules.BookingError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Done."))
            return redirect("briefings:booking", pk=booking.pk)
    else:
        error = " ".join(
            f"{form.fields[name].label or name}: {' '.join(errs)}"
            if name != "__all__"
            else " ".join(errs)
            for name, errs in form.errors.items()
        )
    failed = {
        "failed": True,
        "error": error,
        **{
            k: request.POST.get(k, "")
            for k in ("status", "reason", "starts_at", "ends_at", "place", "host", "notes")
        },
    }
    return booking_detail(request, pk, failed=failed, status=400)


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


def _event_for(user, pk: int) -> BriefingEvent:
    if not permissions.can_view_all_bookings(user):
        raise Http404(_("No such event."))
    event = BriefingEvent.objects.select_related("election").filter(pk=pk).first()
    if event is None:
        raise Http404(_("No such event."))
    return event


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
    return _render_event(request, _event_for(request.user, pk))


@require_POST
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event = _event_for(request.user, pk)
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
            try:
                services.link_question(event.pk, entry)
            except rules.BookingError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("%(reference)s linked as an advance question.")
                    % {"reference": entry.reference},
                )
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


def offer(request: HttpRequest) -> HttpResponse:
    """The parity matrix: each candidate by each offer item (offered, accepted, held, declined)."""
    if not permissions.can_view_all_bookings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    items = list(OfferItem.objects.filter(election=election))
    candidates = list(services.offer_candidates(election).order_by("name"))
    offers = {
        (o.candidate_id, o.item_id): o
        for o in CandidateOffer.objects.filter(item__election=election).select_related("item")
    }
    rows = [(c, [offers.get((c.pk, item.pk)) for item in items]) for c in candidates]
    return render(
        request,
        "briefings/offer.html",
        {
            "items": items,
            "rows": rows,
            "can_manage": permissions.can_manage_bookings(request.user),
            "states": CandidateOffer.State.choices,
            # Norfolk 6: prospective candidates are offered what declared candidates are.
            "prospective_counted": (
                election.undeclared_treated_as == UndeclaredTreatment.CANDIDATE
            ),
        },
    )


@require_POST
def offer_to_all(request: HttpRequest) -> HttpResponse:
    """Offer every item to every candidate not yet offered it (Norfolk 19): the declared, and
    the prospective where the election counts them as candidates (Norfolk 6)."""
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    made, missing = 0, []
    for candidate in services.offer_candidates(election).order_by("name"):
        if not candidate.emails:
            missing.append(candidate.name)
            continue
        made += len(services.offer_to_candidate(candidate, by=request.user))
    messages.success(
        request,
        _("%(made)s offer%(s_if_made_1_else)s sent.")
        % {"made": made, "s_if_made_1_else": "s" if made != 1 else ""},
    )
    if missing:
        messages.warning(
            request,
            _("No e-mail address, so nothing sent: %(names)s.") % {"names": ", ".join(missing)},
        )
    return redirect("briefings:offer")


@require_POST
def offer_state(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    offer_row = CandidateOffer.objects.filter(pk=pk, item__election=election_or_setup()).first()
    state = request.POST.get("state", "")
    if offer_row is None or state not in CandidateOffer.State.values:
        raise Http404(_("No such offer."))
    services.set_offer_state(offer_row.pk, state, by=request.user)
    return redirect("briefings:offer")


@login_not_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The staff iCalendar feed: calendar apps cannot sign in, so a signed token names the user,
    and the feed shows only what that user may see. A token that was replaced, made before a
    password change, older than a year, or of a user who is no longer staff (or is linked to a
    standing candidate) shows nothing (calendar_feed.user_for_token)."""
    user = calendar_feed.user_for_token(request.GET.get("token", ""), timezone.now())
    if user is None:
        raise Http404(_("No such calendar."))
    body = calendar_feed.staff_calendar(user, election_or_setup())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """Stop the signed-in user's calendar link and make a new one (their own link only)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    services.reset_calendar_feed(request.user)
    messages.success(
        request,
        _(
            "Your old calendar link no longer works. Subscribe to the new address below in "
            "your calendar app."
        ),
    )
    return redirect(reverse("briefings:dashboard") + "#calendar-feed")
