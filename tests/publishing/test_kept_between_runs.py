"""What a publish run keeps for the next one in its worker process (issue 16, item 1): the
rows of the register (pages.data._ROWS) and their list summaries' digests (pages.web), each
whole-register file's per-entry pieces (pages.opendata._PIECES), the register PDF's stand-in
and the live version's manifest, parsed. Kept or not, the site must be the same, byte for
byte, and a change of any kind must show in the next run. Also: a run keeps Python's cycle
collector from starting by itself, and gives it back as it was."""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from publishing import services
from publishing.models import PublicEntry
from publishing.site import checks, pages, scan
from publishing.site import publish as publish_module
from publishing.site.pages import base, opendata, web
from publishing.site.pages import data as site_data
from publishing.site.pages import pdf as site_pdf
from publishing.site.publish import forget_kept, publish_site, publish_slow_files
from publishing.site.target import MANIFEST, _listing_line, live_site, site_target
from requests_register.csv_safety import csv_line, write_csv
from tests.builders import NAMED_LATER, NOW, named_later_as_requester, published

WHOLE_REGISTER = {
    "register.csv": pages.render_csv,
    "register.json": pages.render_json,
    "search-index.json": pages.render_search_index,
}


def _forget() -> None:
    forget_kept()


def _files(election) -> dict[str, bytes]:
    data = pages.load(election)
    return {name: render(data) for name, render in WHOLE_REGISTER.items()}


def _cold(election) -> dict[str, bytes]:
    _forget()
    return _files(election)


@pytest.fixture
def register(election, cast):
    _forget()
    with time_machine.travel(NOW, tick=False):
        entries = [published(election, cast, topic=t) for t in ("Road safety", "Night cover")]
    yield entries
    _forget()


def test_a_new_answer_is_in_every_file_and_the_kept_pieces_make_the_full_render(
    election, cast, register
):
    before = _files(election)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        third = published(election, cast, topic="Rural crime")
    warm = _files(election)
    assert warm == _cold(election)
    for name, content in warm.items():
        assert third.reference.encode() in content, name
        assert third.reference.encode() not in before[name], name


def test_a_correction_shows_in_the_next_run_with_its_note(election, cast, register):
    first = register[0]
    _files(election)  # kept: the rows and the pieces of both entries
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        correction = services.correct(
            first.pk, "Nine officers cover the night.", "The number was corrected.", cast["ce"]
        )
        services.approve_correction(correction.pk, cast["spoc"])
    warm = _files(election)
    assert warm == _cold(election)
    assert b"The number was corrected." in warm["register.csv"]
    assert b"Nine officers cover the night." in warm["register.json"]


def test_a_withdrawn_answer_leaves_the_files_at_once(election, cast, register):
    first = register[0]
    _files(election)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(
            first.pk, "withdrawn", by=cast["ce"], reason="It named a person."
        )
    warm = _files(election)
    assert warm == _cold(election)
    document = json.loads(warm["register.json"])
    assert [e["reference"] for e in document["entries"]] == [register[1].reference]
    assert [n["reference"] for n in document["withdrawn"]] == [first.reference]
    search = json.loads(warm["search-index.json"])
    assert [row["reference"] for row in search] == [register[1].reference]
    assert b"It named a person." in warm["register.csv"]  # its notice, as before


def test_a_change_made_behind_the_services_back_is_not_hidden_by_what_was_kept(election, register):
    """The rows are kept by every value they are built from, not by a version number: even
    an update that bypasses the services (and bumps nothing) is in the next run."""
    _files(election)
    PublicEntry.objects.filter(pk=register[1].pk).update(topic="Moved topic")
    warm = _files(election)
    assert warm == _cold(election)
    assert b"Moved topic" in warm["register.csv"]
    assert b"Night cover" not in warm["register.csv"]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("reference", lambda e: e.reference + "A"),
        ("topic", lambda e: "Moved topic"),
        ("question", lambda e: "A question changed in place."),
        ("answer", lambda e: "An answer changed in place."),
        ("received_on", lambda e: e.received_on - timedelta(days=2)),
        ("answered_on", lambda e: e.answered_on - timedelta(days=1)),
        ("answering_body", lambda e: PublicEntry.AnsweringBody.POLICE),
        ("is_foi", lambda e: not e.is_foi),
        ("published_at", lambda e: e.published_at + timedelta(minutes=7)),
    ],
)
def test_a_change_to_any_public_value_is_in_the_next_run(election, register, field, change):
    """Kept rows are keyed by every public value (on PostgreSQL, by their fingerprint): any
    value changed in place, behind the services' back, is read and shown by the next run."""
    entry = PublicEntry.objects.get(pk=register[1].pk)
    warm_before = pages.load(election).entries
    PublicEntry.objects.filter(pk=entry.pk).update(**{field: change(entry)})
    changed = getattr(PublicEntry.objects.get(pk=entry.pk), field)
    warm = pages.load(election).entries
    _forget()
    cold = pages.load(election).entries
    assert warm == cold != warm_before
    [row] = [r for r in warm if r["reference"] == PublicEntry.objects.get(pk=entry.pk).reference]
    shown = row[field] if field != "published_at" else row[field].astimezone(changed.tzinfo)
    assert shown == changed


def test_a_warm_run_reads_the_values_of_changed_entries_only(election, register, monkeypatch):
    from django.db import connection

    from publishing import queries

    asked = []
    real = queries.published_entry_rows

    def recorded(election, ids=None, corrections=None):
        asked.append(ids)
        return real(election, ids=ids, corrections=corrections)

    monkeypatch.setattr(queries, "published_entry_rows", recorded)
    pages.load(election)
    PublicEntry.objects.filter(pk=register[0].pk).update(answer="Changed in place.")
    asked.clear()
    data = pages.load(election)
    assert [e["answer"] for e in data.entries if e["reference"] == register[0].reference] == [
        "Changed in place."
    ]
    if connection.vendor == "postgresql":  # by the fingerprints: one entry's values read
        assert asked == [[register[0].pk]]
        pages.load(election)
        assert asked == [[register[0].pk]]  # nothing changed since: no values read at all
    else:  # SQLite has no fingerprint: every row is read
        assert queries.published_entry_listing(election) is None
        assert asked == [None]


def _listing_now(election) -> list[tuple[int, str]]:
    """Every published entry's (id, fingerprint) read whole, in the register's order."""
    return list(
        PublicEntry.objects.filter(election=election, status="published")
        .order_by("kind", "number")
        .values_list("id", "fingerprint")
    )


def test_a_warm_run_reads_only_the_fingerprints_of_entries_written_since(
    election, cast, register, monkeypatch
):
    """On PostgreSQL a worker keeps the published entries' fingerprints and reads only those
    written since (migration 0008): after a new entry, one changed in place, one withdrawn and
    one made another kind, the kept listing is the one a whole read gives, in its order, and
    none was read whole. An entry deleted is seen by the count: the listing is read whole."""
    from django.db import connection

    from publishing import queries

    whole = []
    real = queries.published_entry_listing

    def recorded(election):
        whole.append(election.pk)
        return real(election)

    monkeypatch.setattr(queries, "published_entry_listing", recorded)
    if connection.vendor != "postgresql":  # no fingerprints: every row read each run
        assert site_data._fingerprints(election) is None and whole == [election.pk]
        return
    assert site_data._fingerprints(election) == _listing_now(election)
    assert whole == [election.pk]
    third = published(election, cast, topic="Rural crime")
    fourth = published(election, cast, topic="Budget")

    def kind(pk, value):
        return lambda: PublicEntry.objects.filter(pk=pk).update(kind=value)

    def withdraw(pk):
        return lambda: services.set_public_status(pk, "withdrawn", by=cast["ce"], reason="Named.")

    # Each with whether it makes the listing read whole, and whether the list given is the
    # last one added to (an entry new after the last, or nothing), not made again.
    steps = [
        (lambda: None, False, True),
        (lambda: published(election, cast, topic="Custody"), False, True),
        (lambda: PublicEntry.objects.filter(pk=register[0].pk).update(answer="In."), False, False),
        (withdraw(third.pk), False, False),
        (kind(fourth.pk, "register_action"), True, False),  # a kind with no place yet
        (kind(fourth.pk, "register_answer"), False, False),  # from one kind to another
        (kind(fourth.pk, "register_action"), False, False),
    ]
    listed = site_data._fingerprints(election)
    for number, (step, read_whole, added_to) in enumerate(steps):
        step()
        whole.clear()
        before = listed
        listed = site_data._fingerprints(election)
        assert whole == ([election.pk] if read_whole else []), number
        assert listed == _listing_now(election), number
        assert (listed is before) == added_to, number
    assert third.pk not in dict(listed) and register[0].pk in dict(listed)

    PublicEntry.objects.filter(pk=register[1].pk).delete()
    whole.clear()
    assert site_data._fingerprints(election) == _listing_now(election)
    assert whole == [election.pk]  # the count told: read whole


def test_an_approval_s_read_is_the_last_rows_and_the_new_entry_s_then_as_from_nothing(
    election, cast, register, monkeypatch
):
    """On PostgreSQL a read after an approval takes the last read's rows as they were, and
    builds only the new entry's (the last run's dict of rows added to in place); after a
    change elsewhere it looks every row up again. Each time the rows are those a worker's
    first read gives."""
    from django.db import connection

    def digests(rows):
        return [(row["reference"], row["digest"]) for row in rows]

    first = pages.load(election).entries
    kept = site_data._ROWS[election.pk][1]
    built = []
    real = site_data._entry

    def spy(values, bodies):
        built.append(values["reference"])
        return real(values, bodies)

    monkeypatch.setattr(site_data, "_entry", spy)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        new = published(election, cast, topic="Custody")
    second = pages.load(election).entries
    assert built == [new.reference]
    assert [row["reference"] for row in second] == [
        *(row["reference"] for row in first),
        new.reference,
    ]
    assert all(a is b for a, b in zip(first, second, strict=False))
    if connection.vendor == "postgresql":
        assert site_data._ROWS[election.pk][1] is kept  # added to, not made again
    monkeypatch.undo()
    forget_kept()
    assert digests(pages.load(election).entries) == digests(second)

    # A change before the last: every row looked up again, the changed one built.
    pages.load(election)
    monkeypatch.setattr(site_data, "_entry", spy)
    built.clear()
    PublicEntry.objects.filter(pk=register[0].pk).update(answer="Night cover is in the plan.")
    third = pages.load(election).entries
    assert built == [register[0].reference]
    monkeypatch.undo()
    forget_kept()
    assert digests(pages.load(election).entries) == digests(third)


def test_the_rows_keys_are_the_last_run_s_extended_by_the_entries_added_since(election):
    """_entries looks each row up by its key (_row_key): the keys of the last run, extended
    by those of the entries listed after them, when the listing is the one added to since and
    the corrections are the same; made again otherwise. Each time, what one made afresh
    gives."""
    site_data._SOURCES.clear()

    def fresh(fingerprints, corrections):
        return [
            site_data._row_key(fp, corrections[pk]) if pk in corrections else fp
            for pk, fp in fingerprints
        ]

    listing = [(1, "a" * 64), (2, "b" * 64)]
    first = site_data._sources(election, listing, {})
    assert first == fresh(listing, {})
    listing.append((3, "c" * 64))
    second = site_data._sources(election, listing, {})
    assert second is first and second == fresh(listing, {})
    corrected = {2: ("2024-03-01", "Fixed a date.")}
    third = site_data._sources(election, listing, corrected)
    assert third is not second and third == fresh(listing, corrected)
    other = [*listing, (4, "d" * 64)]  # another list (the listing made again)
    fourth = site_data._sources(election, other, corrected)
    assert fourth is not third and fourth == fresh(other, corrected)


def test_a_kind_of_entry_not_listed_yet_reads_the_listing_whole(
    election, cast, register, monkeypatch
):
    """The register's order ranks the kinds as PostgreSQL orders them: an entry of a kind the
    kept listing has no place for makes it read whole, so the order is PostgreSQL's."""
    from django.db import connection

    from publishing import queries

    if connection.vendor != "postgresql":
        assert site_data._fingerprints(election) is None
        return
    site_data._fingerprints(election)
    whole = []
    real = queries.published_entry_listing
    monkeypatch.setattr(queries, "published_entry_listing", lambda e: whole.append(e.pk) or real(e))
    PublicEntry.objects.filter(pk=register[0].pk).update(kind="register_action")
    assert site_data._fingerprints(election) == _listing_now(election)
    assert whole == [election.pk]


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_by_a_transaction_running_while_the_listing_was_read_is_read_later(
    election, cast
):
    """Transactions commit in any order: an entry written by one still running while a run
    read the listing (its write not visible then) is read by the next run once it commits,
    though later transactions committed in between (the listing goes on from the oldest one
    still running, pg_snapshot_xmin)."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        assert site_data._fingerprints(election) is None
        return
    with time_machine.travel(NOW, tick=False):
        first = published(election, cast, topic="Road safety")
    _forget()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute(
            "UPDATE publishing_publicentry SET answer = 'Written late.' WHERE id = %s",
            [first.pk],
        )  # not committed yet
        before = site_data._fingerprints(election)
        with time_machine.travel(NOW, tick=False):
            second = published(election, cast, topic="Night cover")  # committed first
        assert site_data._fingerprints(election) == _listing_now(election)
        other.commit()
    after = site_data._fingerprints(election)
    assert after == _listing_now(election)
    assert dict(after)[first.pk] != dict(before)[first.pk] and second.pk in dict(after)
    data = pages.load(election)
    assert [e["answer"] for e in data.entries if e["reference"] == first.reference] == [
        "Written late."
    ]
    _forget()


def test_an_entry_no_longer_published_when_its_values_are_read_is_left_out(
    election, cast, register, monkeypatch
):
    """The fingerprints and the values are two reads: an entry listed by the first and no
    longer published by the second is not in the register (the next run lists it right),
    and every other row is, in order, as a worker with nothing kept makes them."""
    from publishing import queries

    pages.load(election)
    third = published(election, cast, topic="Rural crime")
    fourth = published(election, cast, topic="Custody")
    real = queries.published_entry_rows

    def without_third(election, ids=None, corrections=None):
        return [row for row in real(election, ids, corrections) if row["id"] != third.pk]

    monkeypatch.setattr(queries, "published_entry_rows", without_third)
    data = pages.load(election)
    references = [e["reference"] for e in data.entries]
    assert third.reference not in references
    assert references == [register[0].reference, register[1].reference, fourth.reference]
    monkeypatch.setattr(queries, "published_entry_rows", real)
    assert [e["reference"] for e in pages.load(election).entries] == [
        register[0].reference,
        register[1].reference,
        third.reference,
        fourth.reference,
    ]


def _changed(field: str, value):
    if field == "kind":  # another kind an entry of the register can be published as
        return "register_action" if value == "register_answer" else "register_answer"
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, datetime):
        return value + timedelta(minutes=1)
    return value + timedelta(days=1)  # a date


def test_the_fingerprint_postgresql_keeps_is_worked_out_from_every_public_field(election, register):
    """On PostgreSQL a trigger keeps each entry's fingerprint (PublicEntry.fingerprint,
    migration 0006): after any public field is changed in place, behind the services' back,
    the stored one is the expression over PUBLIC_FIELDS (queries._fingerprint), so a field
    added to PUBLIC_FIELDS without a new trigger fails here. SQLite has none."""
    from django.db import connection

    from publishing import queries

    if connection.vendor != "postgresql":
        assert queries.published_entry_listing(election) is None
        return
    entry = PublicEntry.objects.filter(pk=register[1].pk)

    def stored_and_expected() -> tuple[str, str]:
        return entry.annotate(expected=queries._fingerprint()).values_list(
            "fingerprint", "expected"
        )[0]

    before, expected = stored_and_expected()
    assert before == expected and len(before) == 64
    for field in queries.PUBLIC_FIELDS:
        if field == "id":
            continue
        entry.update(**{field: _changed(field, entry.values_list(field, flat=True)[0])})
        stored, expected = stored_and_expected()
        assert stored == expected != before, field
        before = stored


def test_without_a_stored_fingerprint_every_row_is_read(election, register):
    """An entry with no fingerprint (the trigger missing) is never keyed by an empty one."""
    from django.db import connection

    from publishing import queries

    if connection.vendor != "postgresql":
        assert queries.published_entry_listing(election) is None
        return
    assert queries.published_entry_listing(election) is not None
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no trigger fires
        try:
            PublicEntry.objects.filter(pk__in=[e.pk for e in register]).update(fingerprint="")
        finally:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert queries.published_entry_listing(election) is None
    _files(election)
    warm = _files(election)  # two entries with the same (empty) one would be one row twice
    assert warm == _cold(election)
    assert all(e.reference.encode() in warm["register.csv"] for e in register)


def test_a_write_past_the_trigger_is_renewed_by_the_register_pdf_step(election, register):
    """A fingerprint left stale by a write the trigger did not see (a superuser's replica
    mode) is found and renewed by the step after every approval, and the values published."""
    from django.db import connection

    from publishing import queries
    from publishing.site import slow

    if connection.vendor != "postgresql":
        assert not queries.stale_fingerprints(election).exists()
        assert slow._renew_stale_fingerprints(election) == 0
        return
    _files(election)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no trigger fires
        try:
            PublicEntry.objects.filter(pk=register[0].pk).update(answer="Written past it.")
        finally:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert list(queries.stale_fingerprints(election)) == [
        PublicEntry.objects.get(pk=register[0].pk)
    ]
    assert b"Written past it." not in _files(election)["register.csv"]  # kept: the old values
    assert slow._renew_stale_fingerprints(election) == 1
    assert not queries.stale_fingerprints(election).exists()
    warm = _files(election)
    assert b"Written past it." in warm["register.csv"]
    assert warm == _cold(election)


def test_the_election_s_answering_body_names_are_part_of_what_a_row_is_kept_by(election, register):
    _files(election)
    election.office_name = "Office of the Commissioner for Testshire (renamed)"
    election.save()
    warm = _files(election)
    assert warm == _cold(election)
    assert b"(renamed)" in warm["register.csv"]


def test_the_welsh_pieces_are_not_the_english_ones(election, register):
    from django.utils import translation

    english = _files(election)
    with translation.override("cy"):
        welsh = pages.render_csv(pages.load(election))
    with translation.override("en-gb"):
        assert pages.render_csv(pages.load(election)) == english["register.csv"]
    assert opendata._PIECES.keys() >= {
        ("register.csv", election.pk, "cy"),
        ("register.csv", election.pk, "en-gb"),
    }
    assert welsh.count(b"\r\n") == english["register.csv"].count(b"\r\n")


def test_only_the_last_run_s_rows_and_pieces_are_kept(election, cast, register):
    _files(election)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(register[0].pk, "withdrawn", by=cast["ce"], reason="Named.")
    _files(election)
    assert len(site_data._ROWS[election.pk][1]) == 1  # (the bodies' names, the rows)
    assert len(opendata._PIECES[("register.csv", election.pk, "en-gb")].digests) == 1


def test_a_csv_line_is_the_line_write_csv_writes():
    header = ("a", "b", "c")
    rows = [["=1+2", "line\nbreak", 'quote "q"'], ["", None, "-5"]]
    whole = write_csv(rows, header)
    assert whole == write_csv([], header) + "".join(csv_line(r, header) for r in rows)
    with pytest.raises(ValueError, match="wrong number of cells"):
        csv_line(["only one"], header)


def test_the_stand_in_pdf_is_laid_out_once_per_text(monkeypatch):
    made = []
    monkeypatch.setattr(site_pdf, "render_pdf", lambda html: made.append(html) or b"%PDF-")
    monkeypatch.setattr(site_pdf, "_STAND_INS", {})
    assert site_pdf._stand_in("<p>Office A</p>") == b"%PDF-"
    assert site_pdf._stand_in("<p>Office A</p>") == b"%PDF-"
    site_pdf._stand_in("<p>Office B</p>")
    assert made == ["<p>Office A</p>", "<p>Office B</p>"]


def test_forget_kept_leaves_nothing_kept(election, cast, register, monkeypatch):
    from django.db import connection

    # Every file's readings kept, as only the large whole-register files' are at full size.
    monkeypatch.setattr(checks, "READINGS_KEPT_FROM", 0)
    monkeypatch.setattr(site_pdf, "PDF_PART_SIZE", 1)  # in parts: their keys are kept
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert publish_site(election, slow="defer").status == "published"
        published(election, cast, topic="Road safety")
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        assert publish_site(election, slow="defer").status == "published"
    # The whole-register files' readings are kept when they are read in full (here, as when
    # identifiers recorded since could be in them); a run compares their bytes otherwise.
    live = site_target(live_site(election, NOW.date()))
    content = live.read(live.current_version(), "register.json")
    checks._labelled_readings("register.json", content, checks._sha(content))
    assert site_data._ROWS and opendata._PIECES and site_data._SPLITS and site_pdf._PART_KEYS
    assert site_data._LISTINGS or connection.vendor != "postgresql"
    assert publish_module._MANIFEST_KEPT and checks._READINGS and checks._RECORD_KEPT
    assert checks._JSON_LINES["register.json"]._kept
    forget_kept()
    assert not site_data._ROWS and not opendata._PIECES and not site_pdf._STAND_INS
    assert not site_data._LISTINGS and not site_data._SPLITS and not site_pdf._PART_KEYS
    assert not publish_module._MANIFEST_KEPT and not checks._RECORD_KEPT
    assert not checks._READINGS and not checks._JSON_LINES


def test_the_check_record_kept_is_the_one_on_disk_while_its_file_is_unchanged(
    election, cast, register, monkeypatch
):
    """The live version's check record is read back from memory only while its file is the
    one this process wrote: what the next run trusts is what is recorded on disk."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert publish_site(election, slow="defer").status == "published"
    live = site_target(live_site(election, NOW.date()))
    digest = checks._sha(live.manifest_bytes(live.current_version()))
    path = checks._check_record_file(digest)
    on_disk = json.loads(path.read_text())
    checked, summary = checks._check_record(digest)
    assert checked == set(on_disk["identifiers"]) and checked
    assert summary.words == set(on_disk["summary"]["words"]) and summary.words
    assert summary.digits == set(on_disk["summary"]["digits"])
    summary.words.add("added-by-the-next-run")  # a copy: the kept one is not changed
    assert "added-by-the-next-run" not in checks._check_record(digest)[1].words
    # While the file is the one written, the record is not read from it.
    monkeypatch.setattr(checks.Path, "read_text", lambda self: pytest.fail(f"read {self}"))
    assert checks._check_record(digest)[0] == checked
    monkeypatch.undo()
    # Written again at the same size (a digest of one identifier changed), at another time.
    stat = path.stat()
    changed = path.read_text().replace(on_disk["identifiers"][0], "0" * 32, 1)
    assert len(changed) == stat.st_size
    path.write_text(changed)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert "0" * 32 in checks._check_record(digest)[0]
    # Written again by something else (another worker, by hand): read from the file.
    on_disk["identifiers"] = on_disk["identifiers"][:1]
    on_disk["summary"]["words"].append("written-elsewhere")
    path.write_text(json.dumps(on_disk) + "\n")
    checked, summary = checks._check_record(digest)
    assert checked == set(on_disk["identifiers"]) and "written-elsewhere" in summary.words


def _keys(election) -> dict[str, str]:
    return {o.path: o.key for o in pages.plan_site(pages.load(election), now=NOW)}


def test_the_register_pages_keys_are_the_same_with_the_kept_summaries_or_without(
    election, register
):
    """A topic's list page is keyed by what it shows of each answer, digested once per row a
    worker keeps: a changed question renders its topic's page (in each language) and no other
    topic's, and the keys are those a worker with nothing kept works out."""
    first = _keys(election)
    PublicEntry.objects.filter(pk=register[1].pk).update(question="Who covers the night now?")
    warm = _keys(election)
    _forget()
    assert warm == _keys(election)
    changed = {path for path in warm if warm[path] != first[path]}
    night, road = "register/topics/night-cover/index.html", "register/topics/road-safety/index.html"
    assert {night, f"cy/{night}"} <= changed
    assert road in first and road not in changed and f"cy/{road}" not in changed


def test_a_topic_s_page_keys_are_worked_out_again_only_when_its_rows_change(
    election, cast, register
):
    """A plan keeps each topic's list pages' keys with the rows they came from (web.
    _TOPIC_KEYS): an approval in one topic works out that topic's keys again, in each
    language, and takes every other topic's as they were; the keys are a cold plan's."""
    _keys(election)
    before = dict(web._TOPIC_KEYS)
    assert {where[-1] for where in before} == {"night-cover", "road-safety"}
    assert {where[1] for where in before} == {"en-gb", "cy"}
    with time_machine.travel(NOW, tick=False):
        published(election, cast, topic="Night cover")
    warm = _keys(election)
    after = dict(web._TOPIC_KEYS)
    assert set(after) == set(before)
    for where, (rows, keys) in after.items():
        if where[-1] == "road-safety":
            assert keys is before[where][1]  # taken as it was
            assert web._TOPIC_PAGES[where][0] is keys  # and its pages' Outputs with them
        else:
            assert keys is not before[where][1] and len(rows) == 2
    # A page taken from the last plan renders what a cold plan's renders, byte for byte.
    road = "register/topics/road-safety/index.html"
    kept_page = next(o for o in pages.plan_site(pages.load(election), now=NOW) if o.path == road)
    _forget()
    assert not web._TOPIC_KEYS and not web._TOPIC_PAGES
    assert warm == _keys(election)
    cold_page = next(o for o in pages.plan_site(pages.load(election), now=NOW) if o.path == road)
    assert kept_page is not cold_page and kept_page.render() == cold_page.render()


def test_the_permalinks_keys_are_added_to_after_an_approval_and_are_a_cold_plan_s(
    election, cast, register
):
    """A plan keeps the permalinks' keys with the rows they came from (web._ROW_KEYS): after an
    approval (a row added at the end) it works out the new row's key only; after a correction
    (a row changed) every key again; the keys are always a cold plan's."""
    first = _keys(election)
    with time_machine.travel(NOW, tick=False):
        third = published(election, cast, topic="Night cover")
    kept = next(keys for where, (_, keys) in web._ROW_KEYS.items() if where[1] == "entries")
    warm = _keys(election)
    now = next(keys for where, (_, keys) in web._ROW_KEYS.items() if where[1] == "entries")
    assert now is not kept and now.items() >= kept.items() and len(now) == len(kept) + 1
    permalinks = {p: k for p, k in first.items() if p.startswith(("entries/", "cy/entries/"))}
    assert f"entries/{third.reference}.html" in warm and warm.items() >= permalinks.items()
    _forget()
    assert warm == _keys(election)
    PublicEntry.objects.filter(pk=register[0].pk).update(answer="Eleven officers.")
    corrected = _keys(election)
    assert (
        corrected[f"entries/{register[0].reference}.html"]
        != warm[f"entries/{register[0].reference}.html"]
    )
    _forget()
    assert corrected == _keys(election)


@settings(max_examples=300, deadline=None)
@given(
    plans=st.lists(
        st.lists(st.integers(min_value=0, max_value=6), max_size=8), min_size=1, max_size=5
    )
)
def test_kept_permalink_keys_are_always_those_worked_out_afresh(plans):
    """Whatever rows each plan has (the same row objects, in any order, added, gone,
    repeated), web._row_keys gives what working every key out gives."""
    rows = [{"page_name": f"NS-{n}.html", "digest": f"{n:064x}"} for n in range(7)]
    web._ROW_KEYS.clear()
    try:
        for plan in plans:
            chosen = [rows[n] for n in plan]
            expected = {r["page_name"]: base.paired_key("s" * 64, r["digest"]) for r in chosen}
            assert web._row_keys((1, "entries", "t", "s" * 64), chosen, "s" * 64) == expected
    finally:
        web._ROW_KEYS.clear()


def test_a_row_s_summary_digest_is_its_summary_s_and_is_worked_out_again_when_it_changes(
    election, register
):
    """The digest a list page's key holds for each row is worked out with the row (once per
    row a worker builds): that of what the list shows of it, renewed when the entry changes."""
    first = {row["reference"]: row for row in pages.load(election).register}
    for row in first.values():
        assert row["summary_digest"] == base.digest(site_data.summary_key(row))
    PublicEntry.objects.filter(pk=register[1].pk).update(question="Who covers the night now?")
    later = {row["reference"]: row for row in pages.load(election).register}
    changed = register[1].reference
    assert later[changed]["summary_digest"] == base.digest(site_data.summary_key(later[changed]))
    assert later[changed]["summary_digest"] != first[changed]["summary_digest"]
    unchanged = register[0].reference
    assert later[unchanged] is first[unchanged]  # kept as it was, digests and all


def test_a_live_manifest_changed_on_disk_is_read_again_not_taken_from_what_was_kept(
    election, register
):
    """The manifest a worker wrote is kept parsed, by the SHA-256 of its file: if the live
    file is not byte for byte that one, it is parsed again and what it says is what counts
    (here: a permalink it no longer lists is rendered, not carried)."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        first = publish_site(election, slow="defer")
    target = site_target(live_site(election, NOW.date()))
    manifest, digest = publish_module._previous_manifest(target, first.version)
    assert manifest is publish_module._MANIFEST_KEPT[digest]  # not parsed again
    permalink = f"entries/{register[0].reference}.html"
    path = target.versions_dir / first.version / MANIFEST
    on_disk = json.loads(path.read_bytes())
    del on_disk["files"][permalink]
    path.write_text(json.dumps(on_disk, sort_keys=True) + "\n")
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        second = publish_site(election, slow="defer")
    assert second.status == "published"
    assert permalink in second.rendered and permalink not in second.carried
    assert f"cy/{permalink}" in second.carried


def test_a_manifest_another_process_wrote_is_read_with_the_kept_records_where_they_are_equal(
    election, register
):
    """The register PDF's step usually runs in another worker, whose manifest this worker did
    not keep: it is parsed again, and each record equal to the kept one is that very object
    (so the texts made from it are reused by identity), a changed one is not; the manifest
    made from it is still exactly json.dumps of it."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        first = publish_site(election, slow="defer")
    target = site_target(live_site(election, NOW.date()))
    kept, digest = publish_module._previous_manifest(target, first.version)
    assert kept is publish_module._MANIFEST_KEPT[digest]
    path = target.versions_dir / first.version / MANIFEST
    on_disk = json.loads(path.read_bytes())
    changed = f"entries/{register[0].reference}.html"
    on_disk["files"][changed] = {**on_disk["files"][changed], "size": 1}
    path.write_text(json.dumps(on_disk, sort_keys=True) + "\n")

    again, other = publish_module._previous_manifest(target, first.version)
    assert other != digest and again is not kept and again == on_disk
    assert again["files"][changed] is not kept["files"][changed]
    assert again["files"][changed]["size"] == 1
    others = [name for name in again["files"] if name != changed]
    assert len(others) == len(kept["files"]) - 1
    assert all(again["files"][name] is kept["files"][name] for name in others)
    made = publish_module._manifest_bytes(again)
    assert made == (json.dumps(again, sort_keys=True) + "\n").encode()


def _kept_as_before_a_step_elsewhere(step) -> None:
    """Run `step` (a publish run) as if in another worker: what this worker kept is put back
    as it was before it, so the next run reads a manifest it did not write."""
    kept_manifest, kept_views = (
        dict(publish_module._MANIFEST_KEPT),
        list(publish_module._FOLDER_VIEWS),
    )
    kept_fragments = dict(publish_module._FRAGMENTS)
    # Copies: a run patches the section it keeps in place (another worker has its own).
    kept_section = [
        publish_module._Section(s.files, list(s.paths), list(s.parts))
        for s in publish_module._SECTION
    ]
    kept_bridge = list(publish_module._BRIDGE)
    step()
    publish_module._MANIFEST_KEPT.clear()
    publish_module._MANIFEST_KEPT.update(kept_manifest)
    publish_module._FOLDER_VIEWS[:] = kept_views
    publish_module._FRAGMENTS.clear()
    publish_module._FRAGMENTS.update(kept_fragments)
    publish_module._SECTION[:] = kept_section
    publish_module._BRIDGE[:] = kept_bridge


def test_a_manifest_written_elsewhere_is_made_from_the_kept_one_and_its_changes(
    election, cast, register, monkeypatch
):
    """A manifest made from another (every one but a first) starts with its changes: the SHA-256
    of the manifest it was made from, its new or changed records, the paths gone, how many files
    it lists. A worker that keeps that manifest makes
    this one from it without parsing twenty thousand records: equal to json.loads of the file,
    with the kept records themselves where unchanged, and its folder views moved to it."""
    applied = []
    real = publish_module._apply_changes

    def spy(data, digest, tail=None):
        made = real(data, digest, tail)
        applied.append(made is not None)
        return made

    monkeypatch.setattr(publish_module, "_apply_changes", spy)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        first = publish_site(election, slow="defer")
    target = site_target(live_site(election, NOW.date()))
    first_bytes = target.manifest_bytes(first.version)
    assert "changes" not in json.loads(first_bytes)  # made from nothing
    kept = publish_module._MANIFEST_KEPT[hashlib.sha256(first_bytes).hexdigest()]
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        third = published(election, cast, topic="Rural crime")

    def step():
        with time_machine.travel(NOW + timedelta(hours=3), tick=False):
            assert publish_site(election, slow="defer").status == "published"

    _kept_as_before_a_step_elsewhere(step)
    version = target.current_version()
    data = target.manifest_bytes(version)
    on_disk = json.loads(data)
    changes = on_disk["changes"]
    new = f"entries/{third.reference}.html"
    assert changes["base"] == hashlib.sha256(first_bytes).hexdigest()
    assert new in changes["changed"] and f"cy/{new}" in changes["changed"]
    assert f"entries/{register[0].reference}.html" not in changes["changed"]
    assert changes["count"] == len(on_disk["files"]) and changes["gone"] == []
    assert changes["changed"] == {
        path: record
        for path, record in on_disk["files"].items()
        if kept["files"].get(path) != record
    }

    applied.clear()
    read_whole = []
    real_read = type(target).manifest_bytes
    monkeypatch.setattr(
        type(target),
        "manifest_bytes",
        lambda self, v: read_whole.append(v) or real_read(self, v),
    )
    # Its digest recorded by the run that wrote it: only its start (up to just past its
    # changes) and its end are read, not the file whole.
    head = data.index(b'"files": {') + 16
    assert head < len(data) - publish_module.MANIFEST_TAIL
    monkeypatch.setattr(publish_module, "MANIFEST_HEAD", head)
    manifest, digest = publish_module._previous_manifest(target, version)
    assert applied == [True]
    assert read_whole == []
    assert digest == hashlib.sha256(data).hexdigest()
    assert manifest == on_disk and list(manifest) == list(on_disk)
    unchanged = [path for path in manifest["files"] if path not in changes["changed"]]
    assert unchanged and all(manifest["files"][p] is kept["files"][p] for p in unchanged)
    assert publish_module._FOLDER_VIEWS[0] is manifest["files"]
    assert not set(publish_module._FOLDER_VIEWS[1]) & {"entries", "cy/entries"}
    assert publish_module._manifest_bytes(manifest) == data

    # A start too short to hold the changes: the file is read whole, and gives the same.
    publish_module._MANIFEST_KEPT.clear()
    publish_module._MANIFEST_KEPT[changes["base"]] = kept
    applied.clear()
    monkeypatch.setattr(publish_module, "MANIFEST_HEAD", 40)
    again, digest = publish_module._previous_manifest(target, version)
    assert applied == [False, True] and read_whole == [version]
    assert again == on_disk and digest == hashlib.sha256(data).hexdigest()


def test_a_manifest_is_the_part_last_written_patched_byte_for_byte_after_each_kind_of_run(
    election, cast, register, monkeypatch
):
    """A worker writes a manifest's list of files as the one it last wrote with the run's
    changes put in (and, when another process wrote the live version since, that process's
    changes first): the file is still json.dumps of the manifest, sorted, byte for byte, after
    an approval, a step in another worker, a withdrawal and a correction."""
    patched = []
    real = publish_module._patched_section

    def spy(files, previous, changes):
        made = real(files, previous, changes)
        patched.append(made is not None)
        return made

    monkeypatch.setattr(publish_module, "_patched_section", spy)
    target = site_target(live_site(election, NOW.date()))
    counted = []

    def run(hours: int, elsewhere: bool = False) -> None:
        def publish():
            with time_machine.travel(NOW + timedelta(hours=hours), tick=False):
                assert publish_site(election, slow="defer").status == "published"

        before = target.manifest_bytes(target.current_version())
        _kept_as_before_a_step_elsewhere(publish) if elsewhere else publish()
        version = target.current_version()
        data = target.manifest_bytes(version)
        written = json.loads(data)
        assert data == (json.dumps(written, sort_keys=True) + "\n").encode()
        if before is not None:  # its changes: every record compared, as from nothing
            base = hashlib.sha256(before).hexdigest()
            whole = publish_module._changes(base, json.loads(before)["files"], written["files"])
            assert written["changes"] == whole
        if not elsewhere:  # the manifest the run made, as it keeps it
            kept = publish_module._MANIFEST_KEPT[hashlib.sha256(data).hexdigest()]
            assert written == kept
            # With its folders' file counts, when kept (made from the last ones and the
            # run's changes): those of every path.
            if publish_module._FOLDER_COUNTS:
                counted.append(hours)
                assert publish_module._FOLDER_COUNTS[0] is kept["files"]
                every = Counter(path.rpartition("/")[0] for path in written["files"])
                assert publish_module._FOLDER_COUNTS[1] == dict(every)
        # Each record is its file's, as it is on disk.
        for path, record in written["files"].items():
            found = (target.versions_dir / version / path).stat()
            assert (found.st_size, found.st_mtime_ns) == (record["size"], record["mtime_ns"])

    run(1)  # the first: nothing to patch
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        published(election, cast, topic="Rural crime")
    run(3)
    with time_machine.travel(NOW + timedelta(hours=4), tick=False):
        published(election, cast, topic="Horses")
    run(5, elsewhere=True)  # the live manifest is now another process's
    with time_machine.travel(NOW + timedelta(hours=6), tick=False):
        published(election, cast, topic="Dogs")
    run(7)  # patched across that process's changes
    with time_machine.travel(NOW + timedelta(hours=8), tick=False):
        services.set_public_status(
            register[0].pk, "withdrawn", by=cast["ce"], reason="It named a person."
        )
    run(9)  # files gone
    # A run blocked by its check (a person named in an answer became a requester since)
    # patched the part it kept, yet its version never went live: the next run makes the
    # part whole again, from the live manifest.
    with time_machine.travel(NOW + timedelta(hours=10), tick=False):
        naming = published(election, cast, topic="Cats", answer=NAMED_LATER)
    run(11)
    with time_machine.travel(NOW + timedelta(hours=12), tick=False):
        named_later_as_requester(election, cast)
        assert publish_site(election, slow="defer").status == "blocked"
    with time_machine.travel(NOW + timedelta(hours=13), tick=False):
        services.set_public_status(naming.pk, "withdrawn", by=cast["ce"], reason="A name.")
    run(14)
    # Every run but the first and the one after the blocked run patched the part it kept
    # (the step elsewhere its own copy).
    assert patched == [False, True, True, True, True, True, True, False], patched
    # The counts were kept after each run but the first (nothing to count from); the blocked
    # run counted the live manifest, still live for the run after it.
    assert counted == [3, 7, 9, 11, 14], counted


def test_a_manifest_whose_files_were_edited_after_its_changes_is_parsed(election, cast, register):
    """The changes count only in the very file a run wrote with them (its check record says
    the run that recorded it wrote it): a manifest edited since (here a permalink's key, the
    changes left as they were) is parsed, and what it says is what counts: that permalink is
    rendered, not carried."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        publish_site(election, slow="defer")
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        published(election, cast, topic="Rural crime")

    def step():
        with time_machine.travel(NOW + timedelta(hours=3), tick=False):
            assert publish_site(election, slow="defer").status == "published"

    _kept_as_before_a_step_elsewhere(step)
    target = site_target(live_site(election, NOW.date()))
    version = target.current_version()
    path = target.versions_dir / version / MANIFEST
    on_disk = json.loads(path.read_bytes())
    assert on_disk["changes"]["base"] in publish_module._MANIFEST_KEPT
    permalink = f"entries/{register[0].reference}.html"
    on_disk["files"][permalink] = {**on_disk["files"][permalink], "key": "edited"}
    path.write_text(json.dumps(on_disk, sort_keys=True) + "\n")
    edited = path.read_bytes()
    assert publish_module._apply_changes(edited, hashlib.sha256(edited).hexdigest()) is None
    manifest, _ = publish_module._previous_manifest(target, version)
    assert manifest == on_disk
    with time_machine.travel(NOW + timedelta(hours=4), tick=False):
        later = publish_site(election, slow="defer")
    assert later.status == "published"
    assert permalink in later.rendered and permalink not in later.carried
    assert f"cy/{permalink}" in later.carried


def test_changes_from_a_manifest_this_worker_does_not_keep_are_not_used():
    kept = {"files": {"a": {"key": "1"}, "b": {"key": "2"}}}
    publish_module._MANIFEST_KEPT.clear()
    publish_module._MANIFEST_KEPT["d" * 64] = kept

    def written(made: dict) -> tuple[bytes, str]:
        """The manifest's bytes and digest, as a run writes them: with its check record."""
        data = publish_module._manifest_bytes(made)
        digest = hashlib.sha256(data).hexdigest()
        checks._save_check_record(digest, [], scan.Summary(), written=True)
        return data, digest

    try:
        files = {"a": {"key": "1"}, "b": {"key": "3"}, "c": {"key": "4"}}
        made = {
            "changes": publish_module._changes("d" * 64, kept["files"], files),
            "election": 7,
            "files": files,
            "format": 2,
            "generated_at": "2026-12-06T20:00:00+00:00",
            "version": "20261206T200000Z-9",
        }
        data, digest = written(made)
        assert data == (json.dumps(made, sort_keys=True) + "\n").encode()
        assert made["changes"]["changed"] == {"b": {"key": "3"}, "c": {"key": "4"}}
        manifest, last, others = publish_module._apply_changes(data, digest)
        assert manifest == made and last is kept and others == ["b", "c"]
        assert manifest["files"]["a"] is kept["files"]["a"]
        # Not a manifest a run wrote (no record, or one saying so): parsed instead.
        unrecorded = data.replace(b'"key": "4"', b'"key": "5"')
        unrecorded_digest = hashlib.sha256(unrecorded).hexdigest()
        assert publish_module._apply_changes(unrecorded, unrecorded_digest) is None
        # Made from another manifest: parsed instead.
        publish_module._MANIFEST_KEPT.clear()
        publish_module._MANIFEST_KEPT["e" * 64] = kept
        assert publish_module._apply_changes(data, digest) is None
        # One gone that the kept one never had: parsed.
        publish_module._MANIFEST_KEPT["d" * 64] = {"files": {"a": {"key": "1"}}}
        made["changes"]["gone"] = ["z"]
        assert publish_module._apply_changes(*written(made)) is None
    finally:
        publish_module._MANIFEST_KEPT.clear()
        publish_module._FRAGMENTS.clear()


def _expected_views(files: dict[str, dict]) -> dict[str, tuple[dict, dict, dict]]:
    """The permalinks' folders' views of a manifest's files, worked out from nothing."""
    views = {folder: ({}, {}, {}) for folder in pages.permalink_folders()}
    for path, record in files.items():
        folder, _, name = path.rpartition("/")
        if folder in views:
            views[folder][0][name] = record
            views[folder][1][name] = record["key"]
            views[folder][2][name] = path
    return views


def _assert_views_describe_the_live_manifest(election) -> None:
    target = site_target(live_site(election, NOW.date()))
    manifest, _ = publish_module._previous_manifest(target, target.current_version())
    kept_files, views = publish_module._FOLDER_VIEWS
    assert kept_files is manifest["files"]
    # What this worker takes the live manifest to be is the file (parsed, kept or made from
    # its changes).
    assert manifest == json.loads(target.manifest_bytes(target.current_version()))
    expected = _expected_views(manifest["files"])
    assert set(views) == set(expected)
    for folder, view in views.items():
        records, keys, paths = expected[folder]
        assert view.records == records and view.keys == keys and view.paths == paths
        assert view.lines == {_listing_line(name, record) for name, record in records.items()}
        # The three in one order (a folder carried whole zips paths with records).
        assert list(view.records) == list(view.keys) == list(view.paths)
        assert all(view.records[name] is manifest["files"][path] for name, path in paths.items())
        # And each record is its file's: the manifest a run wrote from the views is true.
        live = target.versions_dir / target.current_version()
        for path, record in zip(view.paths.values(), view.records.values(), strict=True):
            content = (live / path).read_bytes()
            assert (len(content), hashlib.sha256(content).hexdigest()) == (
                record["size"],
                record["sha256"],
            ), path


def test_the_folder_views_describe_the_live_manifest_after_every_kind_of_run(
    election, cast, register, monkeypatch
):
    """A worker's views of the permalinks' folders (what lets an approval carry a folder in
    one step) always describe the live manifest exactly: after a first run, an approval, a
    correction (a changed key), a withdrawal (a file gone from one part, one added to
    another), and a manifest written by another process; and an approval, the case they are
    for, is told its folders are unchanged, while a correction is not."""
    told: list[set[str]] = []
    real = publish_module._unchanged_folders

    def spy(parts, previous):
        found = real(parts, previous)
        told.append(set(found))
        return found

    monkeypatch.setattr(publish_module, "_unchanged_folders", spy)
    clock = iter(NOW + timedelta(hours=hours) for hours in range(1, 100))

    def publish():
        told.clear()
        with time_machine.travel(next(clock), tick=False):
            result = publish_site(election, slow="render")
        assert result.status == "published"
        _assert_views_describe_the_live_manifest(election)
        return result

    def then(make):
        with time_machine.travel(next(clock), tick=False):
            return make()

    publish()
    assert told == []  # nothing live yet: no carrying at all
    third = then(lambda: published(election, cast, topic="Rural crime"))
    added = publish()
    assert told == [{"entries", "cy/entries"}]  # an approval: both carried in one step
    assert f"entries/{third.reference}.html" in added.rendered
    assert f"entries/{register[0].reference}.html" in added.carried

    def correct():
        correction = services.correct(
            register[0].pk, "Nine officers cover the night.", "Corrected.", cast["ce"]
        )
        services.approve_correction(correction.pk, cast["spoc"])

    then(correct)
    corrected = publish()
    assert told == [set()]  # a changed key: each permalink compared as before
    assert f"entries/{register[0].reference}.html" in corrected.rendered
    assert f"entries/{register[1].reference}.html" in corrected.carried

    then(
        lambda: services.set_public_status(
            register[1].pk, "withdrawn", by=cast["ce"], reason="Named."
        )
    )
    publish()
    assert told == [set()]  # a file gone (its notice replaces it)
    publish()
    assert told == [{"entries", "cy/entries"}]  # nothing changed: nothing written either

    # The register PDF's step publishes in another worker: here, this process, after which
    # what this worker kept is put back as it was before that step.
    then(lambda: published(election, cast, topic="Road safety"))
    with time_machine.travel(next(clock), tick=False):
        assert publish_site(election, slow="defer").status == "published"

    def step():
        with time_machine.travel(next(clock), tick=False):
            assert publish_slow_files(election.pk) == "published"

    _kept_as_before_a_step_elsewhere(step)
    then(lambda: published(election, cast, topic="Rural crime"))
    publish()  # the step's manifest parsed, its records and views those this worker kept
    assert told == [{"entries", "cy/entries"}]


def test_adopting_records_says_which_files_are_new_or_changed_unless_one_is_gone():
    kept = {"files": {"a": {"key": "1"}, "b": {"key": "2"}}}
    parsed = {"files": {"a": {"key": "1"}, "b": {"key": "3"}, "c": {"key": "4"}}}
    assert publish_module._adopt_records(parsed, kept) == ["b", "c"]
    assert parsed["files"]["a"] is kept["files"]["a"]
    assert parsed["files"]["b"] == {"key": "3"}
    assert publish_module._adopt_records({"files": {"a": {"key": "1"}}}, kept) is None


def test_views_of_folders_holding_a_new_or_changed_file_are_not_kept_for_a_new_manifest():
    old = {"entries/a.html": {"key": "1"}, "cy/entries/a.html": {"key": "2"}}
    views = {"entries": object(), "cy/entries": object()}
    new = {**old, "cy/entries/b.html": {"key": "3"}}
    publish_module._FOLDER_VIEWS[:] = [old, views]
    try:
        publish_module._move_folder_views(old, new, ["cy/entries/b.html"])
        assert publish_module._FOLDER_VIEWS[0] is new
        assert publish_module._FOLDER_VIEWS[1] == {"entries": views["entries"]}
        publish_module._move_folder_views(old, {}, [])  # views of another manifest: left
        assert publish_module._FOLDER_VIEWS[0] is new
    finally:
        publish_module._FOLDER_VIEWS.clear()


def test_a_run_keeps_the_cycle_collector_off_and_gives_it_back_as_it_was(
    election, register, monkeypatch
):
    seen = []
    real_plan = pages.plan_site

    def plan(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(pages, "plan_site", plan)
    assert gc.isenabled()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        publish_site(election, slow="defer")
    assert seen == [False] and gc.isenabled()

    gc.disable()  # someone else's choice: left as it was
    try:
        with time_machine.travel(NOW + timedelta(hours=2), tick=False):
            publish_site(election, slow="defer")
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()

    def failing_plan(*args, **kwargs):
        raise RuntimeError("planning failed")

    monkeypatch.setattr(pages, "plan_site", failing_plan)
    with (
        time_machine.travel(NOW + timedelta(hours=3), tick=False),
        pytest.raises(RuntimeError, match="planning failed"),
    ):
        publish_site(election, slow="defer")
    assert gc.isenabled()


def test_the_fingerprints_are_read_from_their_index_alone(election, register):
    """On PostgreSQL every published entry's id and fingerprint come, in the register's order,
    from one index (migration 0007): no table read and no sort, once vacuum has marked the
    table's pages visible. Every other way of reading the table is switched off, so the plan
    does not depend on how few rows a test has: without the index there is no such plan."""
    from django.db import connection

    from publishing import queries

    if connection.vendor != "postgresql":
        assert queries.published_entry_listing(election) is None
        return
    query = (
        PublicEntry.objects.filter(election=election, status="published")
        .order_by("kind", "number")
        .values_list("id", "fingerprint", "kind", "number")
    )
    others = ("enable_seqscan", "enable_bitmapscan", "enable_indexscan", "enable_sort")
    with connection.cursor() as cursor:
        for setting in others:
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = query.explain()
        for setting in others:
            cursor.execute(f"SET LOCAL {setting} = DEFAULT")
    assert "Index Only Scan using public_entry_in_order" in plan, plan
    assert "Sort" not in plan, plan
    assert queries.published_entry_listing(election)[1] == list(query)


def test_the_withdrawal_notices_are_read_from_their_own_index(election, cast, register):
    """On PostgreSQL the notices come from a partial index of the withdrawn entries alone
    (migration 0009), not from a read of every published entry; the plan is asked with every
    other way of reading the table switched off, as above."""
    from django.db import connection

    from publishing import queries

    first = register[0]
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(
            first.pk, "withdrawn", by=cast["ce"], reason="It named a person."
        )
    assert [n.reference for n in queries.withdrawn_notices(election)] == [first.reference]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queries.withdrawn_notices(election).explain()
        cursor.execute("SET LOCAL enable_seqscan = DEFAULT")
    assert "public_entry_withdrawn" in plan, plan


ROWS = st.lists(st.sampled_from("abcdefgh"), max_size=12)


@settings(max_examples=500, deadline=None)
@given(renders=st.lists(ROWS, min_size=1, max_size=4), separator=st.sampled_from([b"", b",\n"]))
def test_the_kept_pieces_joined_are_the_pieces_of_a_full_render(renders, separator):
    """Whatever changed between two renders (rows added, gone, moved, changed), the text made
    from the kept one is what joining every row's piece gives, and only the rows between the
    unchanged start and end are made again."""
    kept, before = None, []
    for digests in renders:
        rows = [{"digest": d} for d in digests]
        made = []
        kept = opendata._join_kept(
            kept,
            rows,
            lambda row, made=made: made.append(row) or f"<{row['digest']}\u00e9>",
            separator,
        )
        pieces = [f"<{d}\u00e9>".encode() + separator for d in digests]  # two bytes: é
        assert kept.text == b"".join(pieces)
        assert kept.lengths == [len(piece) for piece in pieces]
        # Made: the rows between the longest unchanged start and the longest unchanged end
        # (worked out one by one here).
        start = 0
        while start < min(len(digests), len(before)) and digests[start] == before[start]:
            start += 1
        end = 0
        while (
            end < len(digests) - start
            and end < len(before)
            and digests[len(digests) - 1 - end] == before[len(before) - 1 - end]
        ):
            end += 1
        assert [row["digest"] for row in made] == digests[start : len(digests) - end]
        before = digests
    again = opendata._join_kept(kept, [{"digest": d} for d in renders[-1]], str, separator)
    assert again.text == kept.text  # nothing made: every piece copied


def test_the_new_permalinks_of_a_folder_kept_whole_are_found_at_the_parts_ends_or_by_looking():
    """The names a folder kept whole plans and its view does not hold (publish._new_names):
    taken from each part's end, in the plan's order, when that accounts for every one (an
    approval); none given for a folder with a new name elsewhere (the run then looks at
    every name), and the names the run makes are the same either way."""
    from publishing.site.pages.base import PermalinkFolder

    def folder(*parts):
        return [PermalinkFolder("entries", dict.fromkeys(names, "k"), str) for names in parts]

    def view(*names):
        return publish_module._FolderView({name: {} for name in names}, {}, {}, set())

    def looking_at_every_name(parts, kept):
        return [[name for name in part.keys if name not in kept.records] for part in parts]

    kept = view("A1", "A2", "N1")
    approval = folder(["A1", "A2", "A3", "A4"], ["N1"])
    found = publish_module._new_names(approval, {"entries": kept})
    assert [found[id(part)] for part in approval] == [["A3", "A4"], []]
    assert [found[id(part)] for part in approval] == looking_at_every_name(approval, kept)
    both = folder(["A1", "A2", "A5"], ["N1", "N2"])
    found = publish_module._new_names(both, {"entries": kept})
    assert [found[id(part)] for part in both] == looking_at_every_name(both, kept)
    # A new name before a kept one (an entry put back, a notice added before the end): not
    # all at the ends, so none is given for the folder.
    earlier = folder(["A0", "A1", "A2", "A3"], ["N1"])
    assert publish_module._new_names(earlier, {"entries": kept}) == {}
    notice = folder(["A1", "A2"], ["N0", "N1"])
    assert publish_module._new_names(notice, {"entries": kept}) == {}
    # A folder not kept whole: nothing.
    assert publish_module._new_names(approval, {}) == {}
