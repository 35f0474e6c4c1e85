"""What the leak check looks for (scan.private_identifiers): every requester's details, the
ones they have now and the ones only their history keeps, each distinct set read once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing.site import scan
from requests_register.models import Entry
from tests.builders import answered


def test_a_requester_s_old_and_new_details_are_looked_for_each_read_once(election, cast):
    entry = answered(election, cast, requester_email="old.address@example.org")
    entry.requester_email = "new.address@example.org"
    entry.save()  # a history row keeps the old address
    history = Entry.history.model.objects.filter(id=entry.pk)
    assert history.count() >= 3  # every step of the funnel, then the edit

    with CaptureQueriesContext(connection) as queries:
        identifiers = scan.private_identifiers()
    found = {i.tokens for i in identifiers}
    assert scan.tokens("old.address@example.org") in found
    assert scan.tokens("new.address@example.org") in found

    # Each DISTINCT reads only the columns asked for: a model's default ordering (the history's
    # date) would add its own to the SELECT DISTINCT, and then every history row is read and
    # none merged.
    distinct = [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    assert len(distinct) == 5  # candidates and their history, requesters and theirs, redactions
    for sql in distinct:
        assert "ORDER BY" not in sql and "history_date" not in sql, sql
    requesters = next(s for s in distinct if "historicalentry" in s)
    with connection.cursor() as cursor:
        cursor.execute(requesters)
        rows = cursor.fetchall()
    assert len(rows) == len(set(rows)) == 2  # the old address and the new one, once each
