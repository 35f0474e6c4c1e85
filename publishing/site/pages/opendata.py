"""The open data and feeds: the register as CSV and JSON, the Atom feed of the latest changes,
the events' iCalendar and the search index."""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable
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
    text = "".join(
        [write_csv([], CSV_HEADER), *entries, *(csv_line(n, CSV_HEADER) for n in withdrawn)]
    )
    return text.encode("utf-8-sig")  # the BOM: Excel reads UTF-8


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
# file's last render are kept in this process, by file, election and language, and the next
# render makes only the pieces of new or changed entries and joins the rest (issue 16, item 1:
# what one approval costs). Only the last render's pieces are kept, so the memory is about one
# copy of each file; another worker process, or a restart, makes every piece again, which only
# costs the time. The pieces are the very text a full render gives: a test compares the two.
_PIECES: dict[tuple[str, int, str | None], dict[str, str]] = {}


def _pieces(file: str, data: SiteData, make: Callable[[dict], str], rows=None) -> list[str]:
    """Return make(row) for each of `rows` (the published entries unless given), the kept
    piece wherever the row's digest is one the last render of `file` had."""
    where = (file, data.election.pk, translation.get_language())
    kept = _PIECES.get(where, {})
    made: dict[str, str] = {}
    pieces = []
    for row in data.entries if rows is None else rows:
        key = row["digest"]
        piece = kept.get(key)
        if piece is None:
            piece = made.get(key) or make(row)
        made[key] = piece
        pieces.append(piece)
    _PIECES[where] = made
    return pieces


def render_json(data: SiteData) -> bytes:
    """Return register.json: the election, every published entry and every withdrawal."""
    doc = {
        "election": {
            "area": data.contacts["area"],
            "office": data.contacts["office_name"],
            "poll_date": _iso(data.contacts["poll_date"]),
        },
        "entries": _pieces("register.json", data, lambda e: _dump(_json_entry(e))),
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
    return _json_lines(doc).encode()


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


def _json_lines(doc: dict) -> str:
    """Return `doc` (a dict of a dict and lists of items already written as JSON) as JSON with
    one list item a line: the same document as indented JSON, written by the json module's C
    encoder (indenting makes it use the pure Python one: most of a run's time on this file at
    ten thousand entries), and readable line by line, which is how the leak scan compares a new
    file with the live one (scan.changed_region)."""
    parts = []
    for name, value in doc.items():
        if isinstance(value, list):
            items = ",\n".join(value)
            parts.append(f"{_dump(name)}: [\n{items}\n]" if items else f"{_dump(name)}: []")
        else:
            parts.append(f"{_dump(name)}: {_dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


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


def _latest_changes(data: SiteData) -> tuple[list[dict], list[dict]]:
    def updated(e: dict) -> datetime:
        corrected = [
            datetime.combine(c["corrected_on"], time(0), calendar.LONDON) for c in e["corrections"]
        ]
        return max([e["published_at"], *corrected])

    # (when, reference, which list, where in it): no two alike, so the heap compares no rows.
    entries, withdrawn = data.entries, data.withdrawn
    items = [
        (e["published_at"] if not e["corrections"] else updated(e), e["reference"], 0, i)
        for i, e in enumerate(entries)
        if e["published_at"]
    ]
    items += [(n["withdrawn_at"], n["reference"], 1, i) for i, n in enumerate(withdrawn)]
    # The latest FEED_ITEMS, oldest first: a heap of a hundred, not a sort of every entry
    # (planned and rendered, a run sorted ten thousand twice at 10,000 entries).
    latest = heapq.nlargest(FEED_ITEMS, items)[::-1]
    return (
        [entries[i] for _when, _ref, kind, i in latest if kind == 0],
        [withdrawn[i] for _when, _ref, kind, i in latest if kind == 1],
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
        corrected = [
            datetime.combine(c["corrected_on"], time(0), calendar.LONDON) for c in e["corrections"]
        ]
        notes = "".join(
            f"\n\nCorrection, {c['corrected_on']:%-d %B %Y}: {c['note']}" for c in e["corrections"]
        )
        feed.add_item(
            title=f"{e['reference']}: {e['topic']}",
            link=e["path"],
            description=f"{e['question']}\n\n{e['answer']}{notes}".strip(),
            unique_id=_tag(data, e["reference"]),
            pubdate=e["published_at"],
            updateddate=max([e["published_at"], *corrected]),
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
    )
    return ("[\n" + ",\n".join(rows) + "\n]\n" if rows else "[]\n").encode()
