"""THE GATE: the only reads any public output may use.

Nothing else may feed the public election page, its feeds, open data, PDF or search index:
not the register (requests_register), not bookings or events directly, not PublicEntry.objects.
Every function here returns only what has been approved for the public, loads only public
fields, and runs in Django's FETCH_RAISE mode: touching anything else on a returned object (a
deferred field, the register entry, booking or event it came from, the people who prepared or
approved it) raises FieldFetchBlocked instead of quietly loading private data into a page.
PublicEntry has no reverse accessor to its private texts or redactions (related_name="+").

Staff pages use publishing.permissions and their own reads, never these for private data.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import FETCH_RAISE, Count, F, Func, Prefetch, QuerySet, TextField
from django.db.models.functions import Cast

from briefings.models import BriefingEvent, BriefingMaterial, CandidateBriefing
from election_protocol.models import Election
from publishing import hooks, rules
from publishing.models import Correction, NotForPublication, PublicEntry

# The fields of a public entry a public page may show. Question and answer hold the redacted
# text only; the private text lives in PrivateText.
PUBLIC_FIELDS = (
    "id",
    "kind",
    "reference",
    "topic",
    "received_on",
    "answered_on",
    "answering_body",
    "is_foi",
    "question",
    "answer",
    # The action taken and its reason category, from fixed lists (issue 13, item 2).
    "action",
    "action_reason",
    "status",
    "published_at",
)
PUBLIC_CORRECTION_FIELDS = ("id", "public_entry_id", "note", "corrected_on")
PUBLIC_WITHDRAWAL_FIELDS = ("id", "kind", "reference", "withdrawn_reason", "withdrawn_at")
PUBLIC_MATERIAL_FIELDS = ("id", "title", "topic", "url", "summary", "file", "filename")
# An event's notes are not here: they are published only as a reviewed public entry
# (event_notes), never raw.
PUBLIC_EVENT_FIELDS = ("id", "title", "starts_at", "ends_at", "place", "audience", "capacity")
# Issue 13: a change or cancellation after the invitations is shown with its note, which staff
# write for the candidates and the public (briefings.event_changes).
PUBLIC_EVENT_CHANGE_FIELDS = ("changed_at", "change_note", "cancelled_at", "cancelled_reason")
PUBLIC_BRIEFING_FIELDS = ("id", "text_en", "text_cy")
# A statement's public heading and text are the anonymised ones (incidents.services); the
# draft, the incident and who drafted or approved it are private.
PUBLIC_STATEMENT_FIELDS = ("id", "public_title", "public_text", "published_at")


def published_entries(election: Election) -> QuerySet[PublicEntry]:
    """Return the election's published public entries (status published only), public fields
    only, each with its approved corrections (note and date) as the list `approved_corrections`
    (a plain list: the related manager's `.all()` built a queryset per row, a tenth of a run's
    time at 10,000 entries), in reference order."""
    corrections = (
        # Only approved corrections: one waiting for its second approver is not public, and
        # neither is its text (the entry keeps the answer as approved until then).
        Correction.objects.filter(status=Correction.Status.APPROVED)
        .only(*PUBLIC_CORRECTION_FIELDS)
        .order_by("corrected_on", "pk")
        .fetch_mode(FETCH_RAISE)
    )
    return (
        PublicEntry.objects.filter(election=election, status=rules.Status.PUBLISHED)
        .only(*PUBLIC_FIELDS)
        .prefetch_related(
            Prefetch("corrections", queryset=corrections, to_attr="approved_corrections")
        )
        .order_by("kind", "number")
        .fetch_mode(FETCH_RAISE)
    )


def published_entry_rows(
    election: Election,
    ids: list[int] | None = None,
    corrections: dict[int, list[tuple]] | None = None,
) -> list[dict]:
    """Return published_entries as plain values, for the public site (publishing.site.pages):
    one dict per entry holding PUBLIC_FIELDS only, with its approved corrections as
    `approved_corrections`, a list of (corrected_on, note), oldest first; in the same order.
    No model instance is made, so nothing but these fields can be reached from a row, and
    reading ten thousand entries takes a tenth of the time (issue 16).

    `ids`: only those entries (still published). On PostgreSQL each row also has its
    `fingerprint` (published_entry_listing), read with its values.
    `corrections`: approved_corrections(election), if the caller has read them already."""
    if corrections is None:
        corrections = approved_corrections(election)
    entries = PublicEntry.objects.filter(election=election, status=rules.Status.PUBLISHED)
    if ids is not None:
        entries = entries.filter(id__in=ids)
    stored = ["fingerprint"] if _fingerprint() is not None else []
    rows = list(entries.order_by("kind", "number").values(*PUBLIC_FIELDS, *stored))
    for row in rows:
        row["approved_corrections"] = corrections.get(row["id"], [])
    return rows


def published_entry_listing(election: Election) -> tuple[int, list[tuple]] | None:
    """Return (id, fingerprint, kind, number) of each published entry, in published_entry_rows'
    order, with the id of the oldest transaction that may still have been running as they
    were read (pg_snapshot_xmin: every one before it had finished, so what it wrote is here).
    The fingerprint is the SHA-256 of the entry's PUBLIC_FIELDS as PostgreSQL writes the row
    as text, so any change to any of them changes it. A worker that kept an entry's values
    with their fingerprint reads only the entries whose fingerprint changed (publishing.site.
    pages.data). None on a database that cannot work it out (SQLite, the embedded default):
    read every row.

    PostgreSQL keeps it in the row (PublicEntry.fingerprint, set by a trigger on every write:
    migration 0006), as working out ten thousand of them in this query was most of its time;
    the rows come from one index alone (migration 0007). An entry without one (the trigger
    missing) makes this None too: nothing is ever keyed by an empty fingerprint."""
    if _fingerprint() is None:
        return None
    xmin = snapshot_xmin()  # before the rows: the changes from it on are read next time
    rows = list(
        PublicEntry.objects.filter(election=election, status=rules.Status.PUBLISHED)
        .order_by("kind", "number")
        .values_list("id", "fingerprint", "kind", "number")
    )
    return None if any(not row[1] for row in rows) else (xmin, rows)


def published_entry_changes(election: Election, since: int) -> tuple[int, int, list[tuple]]:
    """Return, on PostgreSQL (only), what changed among the election's public entries since
    published_entry_listing (or this) said `since`: as one snapshot, the oldest transaction
    that may still be running now (the next `since`), how many entries are published, and
    (id, fingerprint, status, kind, number) of each entry written by a transaction whose id is
    `since` or later (PublicEntry.written_xid, set by the trigger: migration 0008). Those are
    every entry written since: a transaction before `since` had finished when `since` was
    read, so what it wrote was read then. An entry deleted since is not among them (the count
    tells)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH now AS (
                SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
                       (SELECT count(*) FROM publishing_publicentry
                        WHERE election_id = %s AND status = %s) AS published
            )
            SELECT now.xmin, now.published, e.id, e.fingerprint, e.status, e.kind, e.number
            FROM now LEFT JOIN publishing_publicentry e
                ON e.election_id = %s AND e.written_xid >= %s
            """,
            [election.pk, rules.Status.PUBLISHED.value, election.pk, since],
        )
        found = cursor.fetchall()
    xmin, published = found[0][0], found[0][1]
    return xmin, published, [row[2:] for row in found if row[2] is not None]


def rows_written_since(
    model, fields: tuple[str, ...], since: int | None
) -> tuple[int, int, bool, list[tuple]]:
    """Return, on PostgreSQL (only), as one snapshot: the id of the oldest transaction that
    may still be running (the next `since`), how many rows `model`'s table holds (a row
    deleted since, which a reader keeps, makes its count differ), whether this transaction
    has written anything (then what it reads may yet be rolled back: the caller must not
    keep it), and (pk, *fields) of each row written by a transaction whose id is `since` or
    later (every row when `since` is None). A transaction before `since` had finished when
    `since` was read, so what it wrote was read then (as published_entry_changes). The
    writing transaction is the row's `written_xid`, set by a trigger (the register's entries
    and their history: requests_register migration 0014) and found by its index, not the
    row's own xmin, which needed both tables scanned each run (issue 16)."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.pk.column, *(meta.get_field(name).column for name in fields)]
    select = ", ".join(f"e.{quote(column)}" for column in columns)
    table = quote(meta.db_table)
    written = "TRUE" if since is None else f"e.{quote(meta.get_field('written_xid').column)} >= %s"
    sql = f"""
        WITH now AS (
            SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
                   pg_current_xact_id_if_assigned() IS NOT NULL AS writing,
                   (SELECT count(*) FROM {table}) AS rows
        )
        SELECT now.xmin, now.rows, now.writing, {select}
        FROM now LEFT JOIN {table} e ON {written}
    """  # noqa: S608 # nosec B608 - the model's own table and columns, quoted; values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [] if since is None else [since])
        found = cursor.fetchall()
    xmin, count, writing = found[0][0], found[0][1], found[0][2]
    return xmin, count, writing, [row[3:] for row in found if row[3] is not None]


def renew_written_past_trigger(*models) -> int:
    """Renew, on PostgreSQL (only), the `written_xid` of each row of `models`' tables written
    while the trigger did not fire (a superuser's session_replication_role = replica, the
    trigger disabled): one whose own xmin (the transaction that wrote it, 32 bits) is not
    its written_xid's. Set again by the trigger to this transaction, such a row is read by
    the next rows_written_since after it, as every row written since is; return how many.
    A row written in a subtransaction (a savepoint) is renewed too, once: more read, never
    less. Scans the tables: the register PDF's step does it, off the approver's wait."""
    if connection.vendor != "postgresql":
        return 0
    renewed = 0
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(model._meta.get_field("written_xid").column)
            cursor.execute(
                f"UPDATE {table} SET {column} = 0 "  # noqa: S608 # nosec B608 - own table, quoted
                f"WHERE {column} % 4294967296 <> xmin::text::bigint"
            )
            renewed += cursor.rowcount
    return renewed


def snapshot_xmin() -> int:
    """Return (PostgreSQL only) the id of the oldest transaction still running now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def stale_fingerprints(election: Election) -> QuerySet[PublicEntry]:
    """Return the election's entries whose stored fingerprint is not the one their public
    fields give now: written while PostgreSQL's trigger did not fire (a superuser's
    session_replication_role = replica, the trigger disabled). Empty elsewhere than on
    PostgreSQL. The register PDF's step, which follows every approval, renews them
    (publishing.site.slow), so such a write is published by the next run at the latest."""
    expected = _fingerprint()
    if expected is None:
        return PublicEntry.objects.none()
    return PublicEntry.objects.filter(election=election).exclude(fingerprint=expected)


class _Sha256(Func):
    """The hex SHA-256 of a text, with PostgreSQL's own sha256() (Django's SHA256 needs the
    pgcrypto extension)."""

    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
    output_field = TextField()


def _fingerprint() -> Func | None:
    # The expression PostgreSQL's trigger keeps in PublicEntry.fingerprint (migration 0006;
    # a test compares the two). ROW(...)::text quotes each value that needs it and writes
    # NULL as nothing, "" as "", so two different rows never give the same text; timestamps
    # in the writing session's time zone (Django's: UTC; another only makes a run read the
    # entry again).
    if connection.vendor != "postgresql":
        return None
    row = Func(*(F(name) for name in PUBLIC_FIELDS), function="ROW", output_field=TextField())
    return _Sha256(Cast(row, TextField()))


def approved_corrections(election: Election) -> dict[int, list[tuple]]:
    """Return the approved corrections of the election's published entries, by entry id: a
    list of (corrected_on, note), oldest first. A correction waiting for its second approver
    is not public, and neither is its text."""
    corrections: dict[int, list[tuple]] = {}
    approved = (
        Correction.objects.filter(
            status=Correction.Status.APPROVED,
            public_entry__election=election,
            public_entry__status=rules.Status.PUBLISHED,
        )
        .order_by("corrected_on", "pk")
        .values_list("public_entry_id", "corrected_on", "note")
    )
    for public_entry_id, corrected_on, note in approved:
        corrections.setdefault(public_entry_id, []).append((corrected_on, note))
    return corrections


def withdrawn_notices(election: Election) -> QuerySet[PublicEntry]:
    """Return the entries once published and now taken down, for their public notice: the
    reference, the reason and the date only (never the text: it may be why it was withdrawn).
    An entry withdrawn and being corrected keeps its notice until it is published again."""
    return (
        PublicEntry.objects.filter(
            election=election, published_at__isnull=False, withdrawn_at__isnull=False
        )
        .exclude(status=rules.Status.PUBLISHED)
        .only(*PUBLIC_WITHDRAWAL_FIELDS)
        .order_by("kind", "number")
        .fetch_mode(FETCH_RAISE)
    )


def published_materials(election: Election) -> QuerySet[BriefingMaterial]:
    """Return the election's briefing materials marked published (Cumbria 8.1)."""
    return (
        BriefingMaterial.objects.filter(election=election, published=True)
        .only(*PUBLIC_MATERIAL_FIELDS)
        .order_by("topic", "title")
        .fetch_mode(FETCH_RAISE)
    )


def published_events(election: Election) -> QuerySet[BriefingEvent]:
    """Return the election's briefing events announced to candidates: date, time, place and
    audience (Cumbria 8.2: "dates, times and place" published), with the note of a change or
    cancellation made after the invitations (issue 13: a cancelled event stays, marked so)."""
    return (
        BriefingEvent.objects.filter(election=election, invited_at__isnull=False)
        .only(*PUBLIC_EVENT_FIELDS, *PUBLIC_EVENT_CHANGE_FIELDS)
        .order_by("starts_at", "pk")
        .fetch_mode(FETCH_RAISE)
    )


def candidate_briefing(election: Election) -> CandidateBriefing | None:
    """Return the office's candidate briefing text (English and Welsh), or None for the
    default (issue 13; Cumbria 10.1: the restrictions are in the briefing on the website)."""
    return (
        CandidateBriefing.objects.filter(election=election)
        .only(*PUBLIC_BRIEFING_FIELDS)
        .fetch_mode(FETCH_RAISE)
        .first()
    )


def published_statements(election: Election) -> QuerySet:
    """Return the election's approved statements correcting factual inaccuracies (Cumbria
    7.1.2; Norfolk 24): the anonymised heading and text and the date, latest first. The
    statements are incidents' (registered in publishing.hooks, since incidents comes after
    publishing in the dependency order)."""
    statement = hooks.statement_model()
    if statement is None:  # incidents not installed: no statements
        return []
    return (
        statement.objects.filter(
            election=election, published_at__isnull=False, approved_by__isnull=False
        )
        .only(*PUBLIC_STATEMENT_FIELDS)
        .order_by("-published_at", "-pk")
        .fetch_mode(FETCH_RAISE)
    )


def not_for_publication_counts(election: Election) -> list[dict]:
    """Return how many answers the Chief Executive decided not to publish, by reason: a list
    of {"reason": value, "count": n} in the reasons' order, counts only. No entry, reference,
    topic, date or words leave here (issue 13, item 1: counted "without details")."""
    counts = dict(
        NotForPublication.objects.filter(election=election, status=rules.DecisionStatus.APPROVED)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    return [
        {"reason": reason.value, "count": counts[reason.value]}
        for reason in rules.NotForPublicationReason
        if counts.get(reason.value)
    ]
