"""Staff pages of the election's lifecycle: the election switcher and the close-down."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from election_protocol.queries import SESSION_KEY, current_election_for_request
from election_protocol.shortcuts import download, election_or_setup, submit_form
from lifecycle import archive, permissions, queries, rules, services
from lifecycle.forms import ChooseElectionForm, StepForm
from publishing.site.target import live_site


def elections(request: HttpRequest) -> HttpResponse:
    """Choose which election the pages show: the current one by default, kept in the session."""
    if not permissions.can_choose_election(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    shown = current_election_for_request(request, today)
    form = ChooseElectionForm(request.POST or None, initial={"election": shown})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["election"]
        request.session[SESSION_KEY] = chosen.pk
        messages.success(
            request, _("The pages now show the %(election)s.") % {"election": str(chosen)}
        )
        return redirect("dashboard")
    rows, current = queries.elections_to_choose(today)
    return render(
        request,
        "lifecycle/elections.html",
        {
            "form": form,
            "rows": [
                {
                    "election": e,
                    "current": current is not None and e.pk == current.pk,
                    "shown": shown is not None and e.pk == shown.pk,
                    "frozen": queries.is_frozen(e.pk),
                    "past": e.poll_date < today,
                    "public_url": _public_url(e, today),
                }
                for e in rows
            ],
        },
    )


def _public_url(election, today) -> str | None:
    """Return the address of the election's public page: its live site's (issue 15), else its
    archive's once archived, else None."""
    site = live_site(election, today)
    if site is not None:
        return site.url
    closure = queries.closure_for(election)
    if closure is not None and closure.archived_at:
        return f"/election/{archive.archive_path(election)}/"
    return None


def closedown(request: HttpRequest) -> HttpResponse:
    """The chosen election's close-down checklist, driven by its timetable."""
    if not permissions.can_view_closedown(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    now = timezone.now()
    form = StepForm(request.POST or None)
    may_act = permissions.can_close_down(request.user)
    if request.method == "POST" and not may_act:
        raise PermissionDenied

    def take(data: dict) -> HttpResponse:
        step = rules.Step(data["step"])
        services.take_step(
            election.pk, step, by=request.user, explanation=data.get("explanation", ""), now=now
        )
        messages.success(request, _("Done: %(step)s.") % {"step": rules.STEP_LABELS[step]})
        return redirect("lifecycle:closedown")

    if response := submit_form(request, form, take, rules.CloseDownError):
        return response
    facts = queries.facts(election, now)
    return render(
        request,
        "lifecycle/closedown.html",
        {
            "election": election,
            "facts": facts,
            "items": rules.checklist(facts),
            "complete": rules.is_complete(facts),
            "started": now >= facts.poll_closes,
            "closure": queries.closure_for(election),
            "open_entries": queries.open_entries(election)[:50],
            "may_act": may_act,
            "actions": sorted(rules.ACTIONS),
            "form": form,
            "archive_url": f"/election/{archive.archive_path(election)}/",
        },
        status=200 if not form.errors else 400,
    )


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The summary report made at the close-down, as stored then."""
    if not permissions.can_view_closedown(request.user):
        raise PermissionDenied
    election = election_or_setup(request)
    closure = queries.closure_for(election)
    if closure is None or not closure.report_at:
        raise Http404(_("No summary report has been made for this election yet."))
    return download(
        bytes(closure.report_pdf),
        "application/pdf",
        f"close-down-report-{election.reference_prefix}.pdf",
    )


@login_not_required
def archived_site(request: HttpRequest, prefix: str, path: str = "") -> HttpResponse:
    """DEBUG only: serve an election's archived public page from the site's archive folder, as
    the web server does (/election/archive/<prefix>/). Open to all, like the public page. The
    prefix as the register writes it (NS24) is sent to its folder's name (ns24)."""
    if settings.DEBUG and prefix != prefix.lower():
        return redirect(f"/election/archive/{prefix.lower()}/{quote(path)}")
    folder = archive.archived_folder(prefix) if settings.DEBUG else None
    if folder is None:
        raise Http404(_("No archived public page for that election."))
    if path == "" or path.endswith("/"):
        path += "index.html"
    return serve(request, path, document_root=folder)
