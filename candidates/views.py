"""Staff pages for candidates: list, detail with history, add, edit, status, SoPN import."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from candidates import permissions, rules, services
from candidates.forms import CandidateForm, SopnUploadForm, StatusForm
from candidates.models import Candidate, Party
from candidates.queries import candidates_for_election
from candidates.sopn import KnownCandidate, KnownParty, SopnFileError, decode_upload, plan_sopn
from election_protocol.shortcuts import election_or_setup, submit_form

SOPN_SESSION_KEY = "candidates.sopn_text"


def candidate_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_candidates(request.user):
        raise PermissionDenied
    election = election_or_setup()
    candidates = list(candidates_for_election(election.pk))
    counts = {s: 0 for s in rules.Status}
    for c in candidates:
        counts[rules.Status(c.status)] += 1
    return render(
        request,
        "candidates/list.html",
        {
            "election": election,
            "candidates": candidates,
            "counts": [(rules.label(s), n) for s, n in counts.items()],
            "can_edit": permissions.can_edit_candidate(request.user),
            "can_import": permissions.can_import_sopn(request.user),
        },
    )


def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = permissions.get_candidate_for_user(request.user, pk)
    return render(
        request,
        "candidates/detail.html",
        {
            "candidate": candidate,
            "status_changes": candidate.status_changes.select_related("changed_by"),
            "edits": candidate.history.select_related("history_user").order_by("-history_date")[
                :50
            ],
            "can_see_contacts": permissions.can_view_candidate_contacts(request.user),
            "can_edit": permissions.can_edit_candidate(request.user),
            "can_change_status": permissions.can_change_candidate_status(request.user)
            and bool(
                rules.allowed_next(
                    rules.Status(candidate.status),
                    may_correct=permissions.can_correct_candidate_status(request.user),
                )
            ),
        },
    )


def candidate_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_candidate(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        candidate = services.create_candidate(
            election=election,
            by=request.user,
            note="Added by staff.",  # stored in the history, as written: not translated
            **form.cleaned_data,
        )
        messages.success(
            request, _("%(name)s added as a prospective candidate.") % {"name": candidate.name}
        )
        return redirect("candidates:detail", pk=candidate.pk)
    return render(request, "candidates/form.html", {"form": form, "election": election})


def _candidate_for(request: HttpRequest, pk: int, allowed: Callable[[object], bool]) -> Candidate:
    """Return candidate `pk` for a change `allowed(user)` permits: 404 if the user may not see
    it (as for a missing one), 403 if they see it but may not make the change."""
    candidate = permissions.get_candidate_for_user(request.user, pk)
    if not allowed(request.user):
        raise PermissionDenied
    return candidate


def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_for(request, pk, permissions.can_edit_candidate)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            services.update_candidate(candidate.pk, by=request.user, **changed)
            messages.success(
                request, _("%(name)s's details saved.") % {"name": form.cleaned_data["name"]}
            )
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("candidates:detail", pk=candidate.pk)
    return render(request, "candidates/form.html", {"form": form, "candidate": candidate})


def candidate_status(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_for(request, pk, permissions.can_change_candidate_status)
    current = rules.Status(candidate.status)
    may_correct = permissions.can_correct_candidate_status(request.user)
    form = StatusForm(request.POST or None, current=current, may_correct=may_correct)

    def change(data: dict) -> HttpResponse:
        services.set_candidate_status(
            candidate.pk,
            data["status"],
            by=request.user,
            note=data["note"],
            may_correct=may_correct,
        )
        new_label = rules.label(rules.Status(data["status"]))
        messages.success(
            request,
            _("%(name)s is now %(status)s.")
            % {"name": candidate.name, "status": new_label.lower()},
        )
        return redirect("candidates:detail", pk=candidate.pk)

    if response := submit_form(request, form, change, rules.TransitionError, field="status"):
        return response
    return render(request, "candidates/status.html", {"form": form, "candidate": candidate})


def _plan_for(election, text: str):
    parties = [KnownParty(p.pk, p.name, tuple(p.short_forms)) for p in Party.objects.all()]
    known = [
        KnownCandidate(
            c.pk, c.name, rules.Status(c.status), tuple(c.aliases), c.party_id, c.party_label
        )
        for c in candidates_for_election(election.pk)
    ]
    return plan_sopn(text, parties, known)


def sopn_import(request: HttpRequest) -> HttpResponse:
    """Upload a SoPN CSV and show what importing it would do; nothing is written yet."""
    if not permissions.can_import_sopn(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = SopnUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            text = decode_upload(form.cleaned_data["file"].read())
            plan = _plan_for(election, text)
        except SopnFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[SOPN_SESSION_KEY] = text
    return render(
        request, "candidates/sopn_import.html", {"form": form, "plan": plan, "election": election}
    )


def sopn_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the previewed SoPN kept in the session, all rows or none."""
    if not permissions.can_import_sopn(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("candidates:sopn_import")
    election = election_or_setup()
    text = request.session.get(SOPN_SESSION_KEY)
    if not text:
        messages.error(request, _("Upload the statement again: the preview has expired."))
        return redirect("candidates:sopn_import")
    try:
        plan = _plan_for(election, text)
        done = services.import_sopn(plan, election=election, by=request.user)
    except (SopnFileError, ValueError) as error:
        # rules.TransitionError is a ValueError: e.g. nominations have not closed yet.
        messages.error(request, _("Nothing was imported. %(error)s") % {"error": error})
        return redirect("candidates:sopn_import")
    del request.session[SOPN_SESSION_KEY]
    messages.success(
        request, _("Statement imported: %(len)s candidates declared.") % {"len": len(done)}
    )
    return redirect("candidates:list")
