"""The election a page works on, for every app's views (core of the dependency order: it
imports only `election_protocol`'s models and queries, so any app may import it)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.models import Election
from election_protocol.queries import active_request, current_election, current_election_for_request


def election_or_setup(request: HttpRequest | None = None) -> Election:
    """Return the election the request works on (the one chosen with the switcher, else the
    current one), or 404 with a message saying one must be set up. It is read once for the view
    and the page's context processor; without `request`, the request being served is used."""
    today = timezone.localdate()
    request = request or active_request.get()
    election = current_election_for_request(request, today) if request else current_election(today)
    if election is None:
        raise Http404(_("No election is set up yet: add one in the admin."))
    return election
