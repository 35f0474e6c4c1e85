"""Staff pages for the publication deadline and the register with the action taken (issue 13,
items 1 and 2): the deadlines page, proposing and deciding "not for publication", and
preparing the short public entry of a refusal, a referral or a declined meeting.

Thin: permissions decide, services write (publishing.services), deadlines read.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings.models import Booking
from election_protocol.shortcuts import election_or_setup
from publishing import deadlines, forms, permissions, rules, services
from publishing.models import NotForPublication, PublicEntry
from requests_register import permissions as register_permissions
from requests_register.models import Entry


def publication_deadlines(request: HttpRequest) -> HttpResponse:
    """Every sent answer with its publication due date and state, the "not for publication"
    decisions, and the refusals, referrals and declined meetings ready to publish."""
    user = request.user
    if not permissions.can_view_publishing(user):
        raise PermissionDenied
    election = election_or_setup(request)
    today = timezone.localdate()
    rows = deadlines.publication_rows(election, today)
    ready_actions = (
        Entry.objects.filter(
            election=election,
            status__in=list(rules.ACTION_FROM_REGISTER_STATUS),
            public_entry__isnull=True,
        )
        .order_by("number")
        .only("pk", "reference", "topic", "status", "number")
    )
    ready_declined = (
        Booking.objects.filter(
            election=election,
            status__in=rules.PUBLISHABLE_ACTION_BOOKING_STATUSES,
            public_entry__isnull=True,
        )
        .select_related("entry", "visit_type")
        .order_by("pk")
    )
    return render(
        request,
        "publishing/deadlines.html",
        {
            "election": election,
            "rows": rows,
            "counts": deadlines.publication_counts(election, today),
            "decisions": deadlines.decisions(election),
            "ready_actions": ready_actions,
            "ready_declined": ready_declined,
            "can_prepare": permissions.can_prepare_public_entries(user),
            "can_propose": permissions.can_propose_not_for_publication(user),
        },
    )


def _form_page(
    request: HttpRequest,
    form,
    act: Callable[[dict], HttpResponse],
    template: str,
    context: dict,
) -> HttpResponse:
    """On a valid POST, return `act(cleaned data)` (the service's write, its message and the
    redirect); otherwise the page again, with the service's refusal (rules.PublishingError)
    on the form and status 400 after a POST."""
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            return act(form.cleaned_data)
        except rules.PublishingError as error:
            refusal = str(error)
    form.refusal = refusal
    return render(
        request,
        template,
        {**context, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


def propose_not_for_publication(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """A SPOC officer proposes that a sent answer is not published."""
    if not permissions.can_propose_not_for_publication(request.user):
        raise PermissionDenied
    entry = register_permissions.get_entry_for_user(request.user, entry_pk)

    def propose(data: dict) -> HttpResponse:
        decision = services.propose_not_for_publication(
            entry, data["reason"], data["detail"], request.user
        )
        messages.success(
            request,
            _("%(reference)s: proposed as not for publication, for the Chief Executive.")
            % {"reference": entry.reference},
        )
        return redirect("publishing:not_for_publication", pk=decision.pk)

    return _form_page(
        request,
        forms.NotForPublicationForm(request.POST or None),
        propose,
        "publishing/not_for_publication_propose.html",
        {"entry": entry},
    )


def not_for_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """One "not for publication" decision; the Chief Executive signs it off or rejects it."""
    user = request.user
    if not permissions.can_view_publishing(user):
        raise PermissionDenied
    decision = get_object_or_404(
        NotForPublication.objects.select_related("entry", "election", "proposed_by", "decided_by"),
        pk=pk,
    )
    may_decide = (
        permissions.can_sign_off_not_for_publication(user, decision.election)
        and decision.status == rules.DecisionStatus.PROPOSED
        and decision.proposed_by_id != user.pk
    )
    form = forms.NotForPublicationDecisionForm(request.POST or None)
    if request.method == "POST" and not permissions.can_sign_off_not_for_publication(
        user, decision.election
    ):
        raise PermissionDenied

    def decide(data: dict) -> HttpResponse:
        services.set_not_for_publication_status(
            decision.pk, data["decision"], by=user, note=data["note"]
        )
        messages.success(request, _("Decision recorded."))
        return redirect("publishing:not_for_publication", pk=decision.pk)

    return _form_page(
        request,
        form,
        decide,
        "publishing/not_for_publication.html",
        {"decision": decision, "may_decide": may_decide},
    )


def _prepare_action(request: HttpRequest, source, allowed: bool, prepare, what: str):
    if not allowed:
        raise PermissionDenied

    def prepared(data: dict) -> HttpResponse:
        public_entry: PublicEntry = prepare(source, request.user, reason=data["reason"])
        messages.success(
            request,
            _("%(reference)s: public entry of the action taken prepared. Check it.")
            % {"reference": public_entry.reference},
        )
        return redirect("publishing:review", pk=public_entry.pk)

    return _form_page(
        request,
        forms.ActionEntryForm(request.POST or None),
        prepared,
        "publishing/prepare_action.html",
        {"what": what},
    )


def prepare_action(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Prepare the short public entry of a refusal or a referral to the PARO."""
    if not permissions.can_prepare_public_entries(request.user):
        raise PermissionDenied
    entry = register_permissions.get_entry_for_user(request.user, entry_pk)
    action = rules.action_for_register_status(entry.status)
    what = _("%(reference)s: %(topic)s (%(action)s)") % {
        "reference": entry.reference,
        "topic": entry.topic,
        "action": rules.ACTION_LABELS[action].lower() if action else entry.status_label.lower(),
    }
    return _prepare_action(
        request,
        entry,
        permissions.can_prepare_action_from_entry(request.user, entry),
        services.prepare_action_entry,
        what,
    )


def prepare_declined(request: HttpRequest, booking_pk: int) -> HttpResponse:
    """Prepare the short public entry of a declined meeting or visit."""
    if not permissions.can_prepare_public_entries(request.user):
        raise PermissionDenied
    booking = get_object_or_404(
        Booking.objects.select_related("entry", "visit_type"), pk=booking_pk
    )
    what = _("%(reference)s: %(what)s (declined)") % {
        "reference": booking.entry.reference,
        "what": booking.what,
    }
    return _prepare_action(
        request,
        booking,
        permissions.can_prepare_from_declined_booking(request.user, booking),
        services.prepare_declined_booking,
        what,
    )
