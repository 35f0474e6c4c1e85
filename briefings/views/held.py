"""Staff page for recording a meeting or visit already held without the office (issue 13)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from briefings import held, rules
from briefings.forms_held import HeldMeetingForm
from election_protocol.shortcuts import election_or_setup, submit_form


def record_held(request: HttpRequest) -> HttpResponse:
    if not held.can_record_held(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = HeldMeetingForm(request.POST or None, election=election)

    def record(data: dict) -> HttpResponse:
        booking = held.record_held_meeting(
            election,
            held.HeldMeeting(
                candidate=data["candidate"],
                kind=data["kind"],
                held_at=data["held_at"],
                place=data["place"],
                host=data["host"],
                notes=data["notes"],
                topics=data["topics"],
                visit_type=data["visit_type"],
            ),
            by=request.user,
        )
        messages.success(
            request,
            _("Recorded as %(reference)s. The SPOC will prepare the notes for publication.")
            % {"reference": booking.entry.reference},
        )
        return redirect("briefings:booking", pk=booking.pk)

    if response := submit_form(request, form, record, rules.BookingError):
        return response
    return render(request, "briefings/record_held.html", {"form": form, "election": election})
