"""{% protocol_clause "rule.key" %}: where a page applies a rule, the office's own clause for
it from the protocol version in force (issue 15, item 2), if the office mapped one."""

from __future__ import annotations

from django import template
from django.utils import timezone

from election_protocol.queries import current_election_for_request
from protocol import queries, rules

register = template.Library()


@register.inclusion_tag("protocol/_clause.html", takes_context=True)
def protocol_clause(context, key: str, election=None) -> dict:
    request = context.get("request")
    election = election or context.get("election")
    if election is None and request is not None:
        election = current_election_for_request(request, timezone.localdate())
    version = queries.latest_version(election)
    clause = version.clauses.get(key) if version else None
    return {"clause": clause, "rule": rules.RULES.get(key), "version": version, "key": key}
