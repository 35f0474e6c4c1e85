"""The open data and feeds: the register as CSV and JSON, the Atom feed of the latest changes,
the events' iCalendar and the search index."""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import translation
from django.utils.feedgenerator import Atom1Feed

from election_protocol import calendar
from publishing.site.pages.base import (
    _iso,
)
from publishing.site.pages.data import (
    SiteData,
)
from publishing.site.scan import common_prefix, common_suffix
from requests_register.csv_safety import csv_line, write_csv

CSV_HEADER = (
    "Reference",
    "Kind",
    "Status",
    "Topic",
    "Received",
    "Answered",
    "Answering body",
    "Freedom of Information",
    "Question",
    "Answer",
    "Published",
    "Corrections",
    "Withdrawn",
    "Reason for withdrawal",
)


def _action_text(e: dict) -> str:
    """Return "Refused: <reason category>" for a short entry of the action taken, else ""."""
    if not e["action"]:
        return ""
    reason = e["action_reason_label"]
    return f"{e['action_label']}: {reason}" if reason else str(e["action_label"])


def render_csv(data: SiteData) -> bytes:
    """Return register.csv: every published entry, then every withdrawal notice, formula-safe
    (requests_register.csv_safety), each entry's line kept while the entry is the same
    (_pieces)."""
    entries = _pieces("register.csv", data, lambda e: csv_line(_csv_cells(e), CSV_HEADER))
    withdrawn = [
        [
            n["reference"],
            n["kind_label"],
            "Withdrawn",
            *[""] * 9,
            n["withdrawn_at"].date().isoformat() if n["withdrawn_at"] else "",
            n["reason"],
        ]
        for n in data.withdrawn
    ]
    return b"".join(
        [
            write_csv([], CSV_HEADER).encode("utf-8-sig"),  # the BOM: Excel reads UTF-8
            entries,
            *(csv_line(n, CSV_HEADER).encode() for n in withdrawn),
        ]
    )


def _csv_cells(e: dict) -> list:
    return [
        e["reference"],
        e["kind_label"],
        "Published",
        e["topic"],
        _iso(e["received_on"]) or "",
        _iso(e["answered_on"]) or "",
        e["answering_body_label"],
        "Yes" if e["is_foi"] else "No",
        e["question"],
        e["answer"] or _action_text(e),
        e["published_at"].date().isoformat() if e["published_at"] else "",
        "; ".join(f"{c['corrected_on']:%Y-%m-%d}: {c['note']}" for c in e["corrections"]),
        "",
        "",
    ]


# The whole-register files (CSV, JSON, search index) are a head, one piece per entry and a
# tail. An entry's piece follows from the entry's row alone, whose digest covers every value in
# it (pages.data._with_digests), and from the language it is written in. So the pieces of each
# file's last render are kept in this process, joined, by file, election and language, with
# each piece's row digest and length; the next render makes only the pieces of the rows
# between the longest run of rows unchanged at the start and the longest at the end (a new
# answer: one piece), and copies the rest from the text kept (issue 16, item 1: what one
# approval costs; a Python step per entry was a twentieth of a run at 10,000 entries). Only the
# last render is kept, so the memory is about one copy of each file; another worker process,
# or a restart, makes every piece again, which only costs the time. The text is the very text
# a full render gives: tests compare the two.


@dataclass
class _Joined:
    digests: list[str]  # each piece's row digest, in order
    lengths: list[int]  # each piece's length in bytes, its separator included
    text: bytes  # every piece followed by the separator, in UTF-8


_PIECES: dict[tuple[str, int, str | None], _Joined] = {}


def _pieces(
    file: str, data: SiteData, make: Callable[[dict], str], rows=None, separator: bytes = b""
) -> bytes:
    """Return separator.join(make(row) for row in rows) in UTF-8, `rows` the published entries
    unless given, making only the pieces of rows not in the last render of `file` at the same
    place from the start or from the end (_join_kept)."""
    where = (file, data.election.pk, translation.get_language())
    rows = data.entries if rows is None else rows
    joined = _join_kept(_PIECES.get(where), rows, make, separator)
    _PIECES[where] = joined
    return joined.text[: len(joined.text) - len(separator)] if rows else b""


def _join_kept(
    kept: _Joined | None, rows: list[dict], make: Callable[[dict], str], separator: bytes
) -> _Joined:
    """Return the pieces of `rows` (make(row) in UTF-8 and `separator` each) joined: those of
    the rows whose digests begin or end the list as they did in `kept` copied from its text,
    by their lengths, the others made. The list comparisons and the copies run in C: the
    rows' digests are read once, in a list."""
    digests = [row["digest"] for row in rows]
    old = kept.digests if kept is not None else []
    same_start = common_prefix(digests, old)
    # The runs may overlap in `old` (a repeating list): each copied piece is still its row's.
    same_end = min(common_suffix(digests, old), len(digests) - same_start)
    made = [make(row).encode() + separator for row in rows[same_start : len(rows) - same_end]]
    if kept is None:
        return _Joined(digests, [len(piece) for piece in made], b"".join(made))
    start = sum(kept.lengths[:same_start])
    end = len(kept.text) - sum(kept.lengths[len(old) - same_end :])
    return _Joined(
        digests,
        [*kept.lengths[:same_start], *map(len, made), *kept.lengths[len(old) - same_end :]],
        b"".join([kept.text[:start], *made, kept.text[end:]]),
    )


def render_json(data: SiteData) -> bytes:
    """Return register.json: the election, every published entry and every withdrawal."""
    doc = {
        "election": {
            "area": data.contacts["area"],
            "office": data.contacts["office_name"],
            "poll_date": _iso(data.contacts["poll_date"]),
        },
        # One item: the entries' items, joined already (_json_lines joins a list's items).
        "entries": [
            _pieces("register.json", data, lambda e: _dump(_json_entry(e)), separator=b",\n")
        ]
        if data.entries
        else [],
        "withdrawn": [
            _dump(
                {
                    "reference": n["reference"],
                    "kind": n["kind"],
                    "withdrawn_at": _iso(n["withdrawn_at"]),
                    "reason": n["reason"],
                    "url": n["path"],
                }
            )
            for n in data.withdrawn
        ],
    }
    return _json_lines(doc)


def _json_entry(e: dict) -> dict:
    return {
        "reference": e["reference"],
        "kind": e["kind"],
        "topic": e["topic"],
        "received_on": _iso(e["received_on"]),
        "answered_on": _iso(e["answered_on"]),
        "answering_body": e["answering_body_label"],
        "freedom_of_information": e["is_foi"],
        "question": e["question"],
        "answer": e["answer"],
        "action": e["action"],
        "action_reason": e["action_reason"],
        "published_at": _iso(e["published_at"]),
        "corrections": [
            {"date": _iso(c["corrected_on"]), "note": c["note"]} for c in e["corrections"]
        ],
        "url": e["path"],
    }


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_lines(doc: dict) -> bytes:
    """Return `doc` (a dict of a dict and lists of items already written as JSON, as text or
    UTF-8) as JSON in UTF-8 with one list item a line: the same document as indented JSON,
    written by the json module's C encoder (indenting makes it use the pure Python one: most
    of a run's time on this file at ten thousand entries), and readable line by line, which is
    how the leak scan compares a new file with the live one (scan.changed_lines). Joined once:
    the entries' items are megabytes at 10,000 entries."""
    segments: list[bytes] = []
    for name, value in doc.items():
        segments.append(f"{',' if segments else '{'}\n{_dump(name)}: ".encode())
        if not isinstance(value, list):
            segments.append(_dump(value).encode())
        elif not value:
            segments.append(b"[]")
        else:
            items = [item if isinstance(item, bytes) else item.encode() for item in value]
            segments += [b"[\n", b",\n".join(items), b"\n]"]
    return b"".join([*(segments or [b"{\n"]), b"\n}\n"])


def _tag(data: SiteData, what: str) -> str:
    # A tag: URI (RFC 4151) is a permanent id that needs no address of the site.
    domain = data.contacts["spoc_email"].rpartition("@")[2] or "election-spoc.invalid"
    return f"tag:{domain},{data.contacts['poll_date']:%Y}:{data.contacts['prefix']}/{what}"


FEED_ITEMS = 100  # a feed carries the latest changes; the whole register is in CSV and JSON


def _feed_items(data: SiteData) -> tuple[list[dict], list[dict]]:
    """Return the entries and withdrawal notices the feed carries: the FEED_ITEMS latest by
    when they were last published, corrected or withdrawn, so the feed's size (and the bytes
    an approval changes in it) does not grow with the register. Worked out once per SiteData:
    the feed's key and its render both ask (issue 16)."""
    found = data.__dict__.get("_feed_items")
    if found is None:
        found = data.__dict__["_feed_items"] = _latest_changes(data)
    return found


# The latest changes last picked, by election: the rows and notices they were picked from (the
# lists, in order), every row's digest then, and the picked items with their rows. A row's
# digest covers its reference, when it was published, corrected or withdrawn
# (pages.data._with_digests), so while each picked row is still there, unchanged, the latest
# changes now are among those picked and the rows new since (a new answer, a correction, a
# withdrawal: each a row of a new digest); only they are looked at (issue 16: every row's
# moment, ten thousand, was a fortieth of a run). Otherwise every row is, as at first.
_LATEST: dict[tuple[int | None, int], _Picked] = {}


@dataclass
class _Picked:
    entries: list[dict]
    withdrawn: list[dict]
    digests: set[str]
    latest: list[tuple]
    rows: dict[tuple[int, str], dict]  # each picked item's row or notice: (list, digest)


def _updated(e: dict) -> datetime:
    """Return when entry `e` was last published or corrected (a correction at its day's start)."""
    corrected = [
        datetime.combine(c["corrected_on"], time(0), calendar.LONDON) for c in e["corrections"]
    ]
    return max([e["published_at"], *corrected])


def _item(e: dict) -> tuple:
    # (when, reference, which list, digest): no two alike, so the heap compares no rows.
    return (e["published_at"] if not e["corrections"] else _updated(e), e["reference"], 0,
            e["digest"])  # fmt: skip


def _latest_changes(data: SiteData) -> tuple[list[dict], list[dict]]:
    entries, withdrawn = data.entries, data.withdrawn
    where = (data.election.pk if data.election is not None else None, FEED_ITEMS)
    last = _LATEST.get(where)
    if (
        last is not None
        and len(last.entries) <= len(entries)
        and withdrawn == last.withdrawn
        and entries[: len(last.entries)] == last.entries
    ):
        # The rows picked from are the first of these (compared in C, each by identity first:
        # kept rows are the same objects), the notices the same: only the rows after them are
        # new, and none of those picked changed or went (an approval).
        added = entries[len(last.entries) :]
        # Its digests added to in place, so the pick is forgotten until this one is kept: a
        # run that stops halfway leaves nothing that says the new rows were looked at.
        del _LATEST[where]
        digests = last.digests
        digests.update(e["digest"] for e in added)
        candidates = dict(last.rows)
        candidates.update(((0, e["digest"]), e) for e in added)
        items = last.latest + [_item(e) for e in added if e["published_at"]]
    else:
        digests = {e["digest"] for e in entries}
        digests.update(n["digest"] for n in withdrawn)
        seen, picked = (last.digests, last.latest) if last is not None else (set(), [])
        if any(item[3] not in digests for item in picked):
            seen, picked = set(), []  # a picked row changed or went: look at every row
        items = picked + [
            _item(e) for e in entries if e["published_at"] and e["digest"] not in seen
        ]
        items += [
            (n["withdrawn_at"], n["reference"], 1, n["digest"])
            for n in withdrawn
            if n["digest"] not in seen
        ]
        candidates = {(0, e["digest"]): e for e in entries}
        candidates.update(((1, n["digest"]), n) for n in withdrawn)
    # The latest FEED_ITEMS, oldest first: a heap of a hundred, not a sort of every entry.
    latest = heapq.nlargest(FEED_ITEMS, items)[::-1]
    rows = {(item[2], item[3]): candidates[item[2], item[3]] for item in latest}
    _LATEST[where] = _Picked(list(entries), list(withdrawn), digests, latest, rows)
    return (
        [rows[0, digest] for _when, _ref, kind, digest in latest if kind == 0],
        [rows[1, digest] for _when, _ref, kind, digest in latest if kind == 1],
    )


def render_atom(data: SiteData) -> bytes:
    """Return feed.atom (django.utils.feedgenerator.Atom1Feed): the FEED_ITEMS latest changes,
    one item per published entry, updated by its corrections, and one per withdrawal notice."""
    entries, withdrawn = _feed_items(data)
    feed = Atom1Feed(
        title=f"{data.contacts['office_name']}: election information",
        link="index.html",
        description="Answers given to candidates and the public, anonymised and published.",
        language="en-gb",
        feed_url="feed.atom",
        author_name=data.contacts["office_name"],
        feed_guid=_tag(data, "feed"),
    )
    for e in sorted(entries, key=lambda e: (e["published_at"], e["reference"])):
        notes = "".join(
            f"\n\nCorrection, {c['corrected_on']:%-d %B %Y}: {c['note']}" for c in e["corrections"]
        )
        feed.add_item(
            title=f"{e['reference']}: {e['topic']}",
            link=e["path"],
            description=f"{e['question']}\n\n{e['answer']}{notes}".strip(),
            unique_id=_tag(data, e["reference"]),
            pubdate=e["published_at"],
            updateddate=_updated(e),
            categories=[e["kind_label"]],
        )
    for n in withdrawn:
        feed.add_item(
            title=f"{n['reference']}: withdrawn",
            link=n["path"],
            description=f"Withdrawn: {n['reason']}",
            unique_id=_tag(data, n["reference"]),
            pubdate=n["withdrawn_at"],
            updateddate=n["withdrawn_at"],
        )
    return feed.writeString("utf-8").encode()


def render_ics(data: SiteData, stamp: datetime) -> bytes:
    """Return key-dates.ics (icalendar): the election's key dates as all-day events (polling
    day and the close of nominations with their hours) and the briefing events."""
    from icalendar import Calendar, Event  # lazy: only the calendar file needs it

    cal = Calendar()
    cal.add("prodid", "-//Election SPOC//Public key dates//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{data.contacts['office_name']}: election key dates")
    cal.add("x-wr-timezone", "Europe/London")
    domain = data.contacts["spoc_email"].rpartition("@")[2] or "election-spoc.invalid"
    for item in data.key_dates:
        event = Event()
        event.add("uid", f"{data.contacts['prefix']}-{item['id']}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", item["label"])
        if item.get("at"):
            event.add("dtstart", item["at"])
            event.add("dtend", item.get("until") or item["at"])
        else:
            event.add("dtstart", item["day"])
        if item.get("note"):
            event.add("description", item["note"])
        cal.add_component(event)
    for e in data.events:
        if e["cancelled_at"]:
            continue  # cancelled (issue 13): the events page says so; calendars drop it
        event = Event()
        event.add("uid", f"{data.contacts['prefix']}-event-{e['id']}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", f"Candidate briefing: {e['title']}")
        event.add("dtstart", e["starts_at"])
        event.add("dtend", e["ends_at"])
        event.add("location", e["place"])
        cal.add_component(event)
    # A VTIMEZONE for Europe/London covering the election only (RFC 5545 3.6.5).
    poll = data.contacts["poll_date"]
    cal.add_missing_timezones(
        first_date=date(poll.year - 1, 1, 1), last_date=date(poll.year + 2, 1, 1)
    )
    return cal.to_ical()


def render_search_index(data: SiteData) -> bytes:
    """Return what the register's search box (static/js/search.js) searches: every published
    answer's reference, topic, date and public text, and its page (relative to a language's
    root). Fetched only when someone starts typing; the same public fields as register.json.
    One answer a line, as in register.json, so the leak scan compares it with the live file
    line by line instead of reading the whole file as one changed line."""
    rows = _pieces(
        "search-index.json",
        data,
        lambda e: json.dumps(
            {
                "reference": e["reference"],
                "topic": e["topic"],
                "answered_on": _iso(e["answered_on"]),
                "path": e["path"],
                "text": " ".join([e["question"], e["answer"]]),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        rows=data.register,
        separator=b",\n",
    )
    return b"".join([b"[\n", rows, b"\n]\n"]) if data.register else b"[]\n"
