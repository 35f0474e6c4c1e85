"""Past elections are read-only (issue 15, item 1): one place refuses every change to a frozen
election, whichever page it comes from."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from election_protocol.queries import current_election_for_request
from lifecycle import queries, rules

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Changes that never touch an election's records: choosing an election, signing in and out,
# the user's own security, data protection (legal holds and erasure go on after the poll),
# and the configuration admin.
ALWAYS_ALLOWED = frozenset({"lifecycle", "security", "dataprotection", "admin"})
ALWAYS_ALLOWED_NAMES = frozenset({"login", "logout"})


# The object a URL acts on, and the path from it to its election: by (namespace, URL name,
# argument), then by (namespace, argument). Pages acting on nothing in particular use the
# chosen election.
OBJECTS_BY_URL = {
    ("briefings", "booking", "pk"): ("briefings.Booking", "election_id"),
    ("briefings", "step", "pk"): ("briefings.Booking", "election_id"),
    ("briefings", "event", "pk"): ("briefings.BriefingEvent", "election_id"),
    ("briefings", "event_action", "pk"): ("briefings.BriefingEvent", "election_id"),
    ("briefings", "offer_state", "pk"): ("briefings.CandidateOffer", "item__election_id"),
    ("incidents", "evidence", "pk"): ("incidents.Evidence", "incident__election_id"),
    ("briefings", "event_edit", "pk"): ("briefings.BriefingEvent", "election_id"),
    ("briefings", "event_cancel", "pk"): ("briefings.BriefingEvent", "election_id"),
    ("briefings", "material", "pk"): ("briefings.BriefingMaterial", "election_id"),
    ("briefings", "material_approve", "pk"): ("briefings.BriefingMaterial", "election_id"),
    ("briefings", "material_withdraw", "pk"): ("briefings.BriefingMaterial", "election_id"),
    ("publishing", "not_for_publication", "pk"): ("publishing.NotForPublication", "election_id"),
}
OBJECTS = {
    ("requests_register", "pk"): ("requests_register.Entry", "election_id"),
    ("briefings", "entry_pk"): ("requests_register.Entry", "election_id"),
    ("publishing", "entry_pk"): ("requests_register.Entry", "election_id"),
    ("publishing", "pk"): ("publishing.PublicEntry", "election_id"),
    ("publishing", "booking_pk"): ("briefings.Booking", "election_id"),
    ("publishing", "event_pk"): ("briefings.BriefingEvent", "election_id"),
    ("candidates", "pk"): ("candidates.Candidate", "election_id"),
    ("incidents", "pk"): ("incidents.Incident", "election_id"),
    ("foi", "pk"): ("requests_register.Entry", "election_id"),  # /foi/<entry>/
}

# A consultation with the PARO is about an entry, a booking or an incident (paro/<kind>/<pk>/).
PARO_TARGETS = {
    "entry": ("requests_register.Entry", "election_id"),
    "booking": ("briefings.Booking", "election_id"),
    "incident": ("incidents.Incident", "election_id"),
}


def _object_election(namespace: str, url_name: str, kwargs: dict) -> int | None:
    """Return the election of the object the page acts on, or None if it names none."""
    if namespace == "paro" and isinstance(kwargs.get("pk"), int):
        found = PARO_TARGETS.get(kwargs.get("kind", ""))
        if found is None:
            return None
        model, path = found
        return (
            apps.get_model(model)
            .objects.filter(pk=kwargs["pk"])
            .values_list(path, flat=True)
            .first()
        )
    for arg, value in kwargs.items():
        found = OBJECTS_BY_URL.get((namespace, url_name, arg)) or OBJECTS.get((namespace, arg))
        if found is None or not isinstance(value, int):
            continue
        model, path = found
        return apps.get_model(model).objects.filter(pk=value).values_list(path, flat=True).first()
    return None


class ReadOnlyElectionMiddleware:
    """Refuse a POST (or any unsafe method) that would change a frozen election: the chosen
    election, or the election of the entry, candidate or incident the page acts on. The
    refusal is a redirect back with a message saying why and what to do."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        namespace = match.namespaces[0] if match and match.namespaces else ""
        if namespace in ALWAYS_ALLOWED or (match and match.url_name in ALWAYS_ALLOWED_NAMES):
            return None
        election_id = _object_election(namespace, match.url_name if match else "", view_kwargs)
        if election_id is None:
            election = current_election_for_request(request, timezone.localdate())
            election_id = election.pk if election else None
        reason = rules.read_only_reason(queries.is_frozen(election_id))
        if reason is None:
            return None
        messages.error(request, reason)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("dashboard")
        return HttpResponseRedirect(back)
