"""The offer of a briefing to every candidate: the page, sending it to all, one offer's state."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefings import permissions, services
from briefings.models import CandidateOffer, OfferItem
from election_protocol.models import UndeclaredTreatment
from election_protocol.shortcuts import election_or_setup


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
