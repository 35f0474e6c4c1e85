"""The meetings dashboard, preparing a meeting or visit from a register entry, and a booking's page
and the steps taken on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from guardian.core import ObjectPermissionChecker

from briefings import calendar_feed, held, permissions, rules, services
from briefings.forms import PrepareBookingForm, StepForm
from briefings.models import BriefingEvent
from election_protocol.queries import current_election
from election_protocol.shortcuts import election_or_setup, submit_form
from requests_register import permissions as register_permissions


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

    def prepare_booking(data: dict) -> HttpResponse:
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
        messages.success(request, _("Prepared: the Chief Executive has been asked to decide."))
        return redirect("briefings:booking", pk=booking.pk)

    if response := submit_form(request, form, prepare_booking, rules.BookingError):
        return response
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
