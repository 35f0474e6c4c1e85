"""Past elections are read-only (issue 15, item 1): one place refuses every change to a frozen
election, whichever page it comes from."""

from __future__ import annotations

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


def _object_election(namespace: str, pk: int) -> int | None:
    """Return the election of the object a register, candidate or incident page acts on."""
    if namespace == "requests_register":
        from requests_register.models import Entry

        return Entry.objects.filter(pk=pk).values_list("election_id", flat=True).first()
    if namespace == "candidates":
        from candidates.models import Candidate

        return Candidate.objects.filter(pk=pk).values_list("election_id", flat=True).first()
    if namespace == "incidents":
        from incidents.models import Incident

        return Incident.objects.filter(pk=pk).values_list("election_id", flat=True).first()
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
        pk = view_kwargs.get("pk")
        election_id = _object_election(namespace, pk) if isinstance(pk, int) else None
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
