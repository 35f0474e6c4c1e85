"""Staff pages of issue 13: change or cancel a briefing event, briefing material (add, change,
approve by a second person with the factual check, withdraw, read the PDF) and the candidate
briefing page's text. Thin: the funnels are briefings.event_changes, briefings.materials and
briefings.briefing_page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefings import briefing_page, event_changes, materials, permissions, rules, services
from briefings.forms import (
    ApproveMaterialForm,
    BriefingPageForm,
    CancelEventForm,
    EventEditForm,
    MaterialForm,
)
from briefings.models import BriefingEvent, BriefingMaterial, CandidateBriefing
from election_protocol.permissions import first_or_404, get_managed
from election_protocol.shortcuts import election_or_setup, file_download, submit_form
from requests_register.services import IncomingFile


def _managed_event(user, pk: int) -> BriefingEvent:
    return get_managed(user, pk, permissions.get_event_for_user, permissions.can_manage_bookings)


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request.user, pk)
    if event.cancelled_at:
        messages.error(request, _("This event is cancelled: it cannot be changed any more."))
        return redirect("briefings:event", pk=event.pk)
    # A copy for the form: a ModelForm writes what was typed into its instance.
    form = EventEditForm(
        request.POST or None,
        instance=BriefingEvent.objects.get(pk=event.pk),
        initial={"version": event.version},
    )

    def save(data: dict) -> HttpResponse:
        event_changes.edit_event(
            event.pk,
            event_changes.EventDetails(
                data["title"],
                data["starts_at"],
                data["ends_at"],
                data["place"],
                data["audience"],
                data["capacity"],
            ),
            note=data["change_note"],
            by=request.user,
            expected_version=data["version"],
        )
        messages.success(
            request,
            _(
                "Saved. Those invited, their agents and the PARO are told, and the public "
                "page is being updated."
            )
            if event.invited_at
            else _("Saved."),
        )
        return redirect("briefings:event", pk=event.pk)

    return _event_change(request, event, form, save, "briefings/event_edit.html")


def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request.user, pk)
    if event.cancelled_at:
        messages.error(request, _("This event is already cancelled."))
        return redirect("briefings:event", pk=event.pk)
    form = CancelEventForm(request.POST or None, initial={"version": event.version})

    def cancel(data: dict) -> HttpResponse:
        event_changes.cancel_event(
            event.pk, reason=data["reason"], by=request.user, expected_version=data["version"]
        )
        messages.success(request, _("The event is cancelled."))
        return redirect("briefings:event", pk=event.pk)

    return _event_change(request, event, form, cancel, "briefings/event_cancel.html")


def _event_change(request: HttpRequest, event, form, act, template: str) -> HttpResponse:
    """Make the change (`act`) on a valid POST; else the page again (400 after a POST) with
    the refusal (EventChangeError, or someone else's edit: ConcurrentEditError) on the form."""
    refused = (event_changes.EventChangeError, services.ConcurrentEditError)
    if response := submit_form(request, form, act, refused):
        return response
    return render(
        request,
        template,
        {"event": event, "form": form, "announced": event.invited_at is not None},
        status=400 if request.method == "POST" else 200,
    )


# --- material ------------------------------------------------------------------------------


def _incoming(upload) -> IncomingFile | None:
    if not upload:
        return None
    return IncomingFile(upload.name, upload.content_type or "", upload.read())


def _save_material(election, data: dict, by, material_id: int | None = None):
    """Add (or change, `material_id`) a material from MaterialForm's data (save_material)."""
    return materials.save_material(
        election,
        title=data["title"],
        topic=data["topic"],
        summary=data["summary"],
        url=data["url"],
        file=_incoming(data["file"]),
        material_id=material_id,
        by=by,
    )


def material_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_all_bookings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    can_manage = permissions.can_manage_bookings(request.user)
    form = MaterialForm(request.POST or None, request.FILES or None) if can_manage else None
    if request.method == "POST" and form is None:
        raise PermissionDenied

    def add(data: dict) -> HttpResponse:
        material = _save_material(election, data, request.user)
        messages.success(
            request,
            _(
                "Added. Someone else (the Chief Executive or a deputy) approves it before "
                "it is published."
            ),
        )
        return redirect("briefings:material", pk=material.pk)

    if response := submit_form(request, form, add, rules.BookingError):
        return response
    return render(
        request,
        "briefings/materials.html",
        {
            "materials": BriefingMaterial.objects.filter(election=election).select_related(
                "prepared_by", "approved_by"
            ),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _material_for(user, pk: int) -> BriefingMaterial:
    if not permissions.can_view_all_bookings(user):
        raise Http404(_("No such material."))
    return first_or_404(
        BriefingMaterial.objects.select_related("election", "prepared_by", "approved_by"),
        _("No such material."),
        pk=pk,
        election=election_or_setup(),
    )


def _render_material(request, material, *, form=None, approve_form=None, status=200):
    can_manage = permissions.can_manage_bookings(request.user)
    election = material.election
    may_approve = materials.can_approve_materials(request.user, election)
    return render(
        request,
        "briefings/material.html",
        {
            "material": material,
            "form": form
            or (
                MaterialForm(
                    initial={
                        "title": material.title,
                        "topic": material.topic,
                        "summary": material.summary,
                        "url": material.url,
                    }
                )
                if can_manage and material.status != "withdrawn"
                else None
            ),
            "approve_form": approve_form
            or (ApproveMaterialForm() if may_approve and material.status == "draft" else None),
            "can_manage": can_manage,
            "pre_election": materials.in_pre_election_period(election, timezone.now()),
            "history": material.history.select_related("history_user").order_by("-history_date"),
        },
        status=status,
    )


def _material_step(request: HttpRequest, material, name: str, form, act, done: str):
    """Take a step on `material` with `form`'s data (`act`): `done` said and back to the
    material, or its page again with the form (as `name`) and the refusal (BookingError)."""

    def step(data: dict) -> HttpResponse:
        act(data)
        messages.success(request, done)
        return redirect("briefings:material", pk=material.pk)

    if response := submit_form(request, form, step, rules.BookingError):
        return response
    return _render_material(request, material, status=400, **{name: form})


def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material_for(request.user, pk)
    if request.method != "POST":
        return _render_material(request, material)
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    return _material_step(
        request,
        material,
        "form",
        MaterialForm(request.POST, request.FILES),
        lambda data: _save_material(material.election, data, request.user, material_id=material.pk),
        _("Saved. It is off the public page until someone else approves it."),
    )


@require_POST
def material_approve(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material_for(request.user, pk)
    if not materials.can_approve_materials(request.user, material.election):
        raise PermissionDenied
    return _material_step(
        request,
        material,
        "approve_form",
        ApproveMaterialForm(request.POST),
        lambda data: materials.approve_material(
            material.pk, factual_check=data["factual_check"], by=request.user
        ),
        _("Approved. The PARO is told and the public page is being updated."),
    )


@require_POST
def material_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    material = _material_for(request.user, pk)
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    materials.withdraw_material(material.pk, by=request.user)
    messages.success(request, _("Withdrawn: it is taken off the public page."))
    return redirect("briefings:material", pk=material.pk)


def material_file(request: HttpRequest, pk: int) -> FileResponse:
    """The material's PDF, for staff checking it before approval (the public get it from the
    public site once approved)."""
    material = _material_for(request.user, pk)
    if not material.file:
        raise Http404(_("This material has no file."))
    return file_download(material.file, material.filename or "material.pdf", "application/pdf")


# --- the candidate briefing page ---------------------------------------------------------------


def briefing_page_edit(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_bookings(request.user):
        raise PermissionDenied
    election = election_or_setup()
    row = CandidateBriefing.objects.filter(election=election).first()
    form = BriefingPageForm(
        request.POST or None,
        initial={
            "text_en": row.text_en if row else "",
            "text_cy": row.text_cy if row else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        briefing_page.save_briefing(
            election,
            text_en=form.cleaned_data["text_en"],
            text_cy=form.cleaned_data["text_cy"],
            by=request.user,
        )
        messages.success(request, _("Saved. The public page is being updated."))
        return redirect("briefings:briefing_page")
    return render(
        request,
        "briefings/briefing_page.html",
        {
            "form": form,
            "row": row,
            "preview_en": briefing_page.sections(briefing_page.briefing_text(election, "en-gb")),
            "preview_cy": briefing_page.sections(briefing_page.briefing_text(election, "cy")),
        },
        status=400 if request.method == "POST" else 200,
    )
