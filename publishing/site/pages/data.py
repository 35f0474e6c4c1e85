"""Everything the site shows, read once through the gate (publishing.queries) as plain public
values, each row digested once per run."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import compress, groupby, repeat
from operator import is_, itemgetter, lt

from django.utils import translation
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext_lazy as _

from election_protocol import calendar
from election_protocol.calendar import retention_date
from election_protocol.models import Election
from publishing import queries, rules
from publishing.models import PublicEntry
from publishing.site.pages import base
from publishing.site.pages.base import (
    SITE_FORMAT,
    TEMPLATES_DIR,
    _local,
    digest,
    entry_path,
    paragraphs,
)


@dataclass
class SiteData:
    """What the site shows: the gate's rows as plain public values, plus the election's
    public details. Built by `load`; nothing in it leads to a private field."""

    election: Election
    entries: list[dict]  # published, every kind, reference order
    withdrawn: list[dict]
    materials: list[dict]
    events: list[dict]
    key_dates: list[dict]
    contacts: dict
    bodies: dict[str, str] = field(default_factory=dict)
    # Approved statements correcting factual inaccuracies (incidents, issue 12).
    statements: list[dict] = field(default_factory=list)
    # The office's candidate briefing text by language code, "" for the default (issue 13).
    briefing: dict[str, str] = field(default_factory=dict)
    # Answers not published, counted by reason only (issue 13, item 1).
    not_published: list[dict] = field(default_factory=list)
    # The office's protocol, the version in force (protocol app, issue 15), or None.
    protocol: dict | None = None

    @cached_property
    def _split(self) -> _Split:
        return _split(self.election, self.entries)

    @cached_property
    def register(self) -> list[dict]:
        """Return the published register answers by topic (case ignored), then reference
        (_Split)."""
        return [row for rows in self._split.groups.values() for row in rows]

    @cached_property
    def topics(self) -> list[Topic]:
        """Return the register's topics by name (case ignored), each with its answers."""
        return list(self._split.topics.values())

    @property
    def notes(self) -> list[dict]:
        """Return the notes of meetings and briefings (every kind but answers and actions),
        in the entries' order."""
        return self._split.notes

    @property
    def actions(self) -> list[dict]:
        """Return the short entries of the action taken (refusals, referrals to the PARO,
        declined meetings; issue 13, item 2), in reference order."""
        return self._split.actions

    @cached_property
    def chrome(self) -> str:
        """Return the key of what every page shares: templates, office, contacts, format."""
        sources = sorted(TEMPLATES_DIR.rglob("*.html"))
        return digest(
            SITE_FORMAT,
            [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sources],
            self.contacts,
        )


def _entry(row: dict, bodies: dict[str, str]) -> dict:
    """Return a published entry (a row of queries.published_entry_rows) as plain public values."""
    return {
        "reference": row["reference"],
        "kind": row["kind"],
        "kind_label": rules.KIND_LABELS[rules.Kind(row["kind"])],
        "topic": row["topic"],
        "received_on": row["received_on"],
        "answered_on": row["answered_on"],
        "answering_body": row["answering_body"],
        "answering_body_label": bodies.get(row["answering_body"], ""),
        "is_foi": row["is_foi"],
        "question": row["question"],
        "answer": row["answer"],
        # The action taken and its reason category (lazy labels: translated per page).
        "action": row["action"],
        "action_reason": row["action_reason"],
        "action_label": rules.ACTION_LABELS[rules.Action(row["action"])] if row["action"] else "",
        "action_reason_label": (
            rules.ACTION_REASON_LABELS[rules.ActionReason(row["action_reason"])]
            if row["action_reason"]
            else ""
        ),
        "question_paragraphs": paragraphs(row["question"]),
        "answer_paragraphs": paragraphs(row["answer"]),
        "published_at": _local(row["published_at"]),
        "corrections": [
            {"corrected_on": corrected_on, "note": note}
            for corrected_on, note in row["approved_corrections"]
        ],
        "path": entry_path(row["reference"]),
        # What the register is grouped and sorted by (SiteData.register, .topics).
        "topic_key": row["topic"].casefold(),
    }


def summary_key(row: dict) -> list:
    """Return what a register list shows of an entry: a list page changes only when this does."""
    return [row["reference"], row["topic"], row["answered_on"], row["answering_body_label"],
            row["is_foi"], row["question"], len(row["corrections"])]  # fmt: skip


# The rows last built for each election in this process, by everything each was built from (the
# entry's public values, its corrections), with the answering bodies' names they were built
# with: the next run builds and digests only the rows of new or changed entries and takes the
# others as they are (issue 16, item 1). A row is a pure function of what it is keyed by and
# the bodies' names, so a kept row is the row a build would give; nothing changes a row once
# built (every page only reads it). Only the last run's rows are kept: one register's rows per
# election, all of them dropped when the bodies' names change.
_ROWS: dict[int, tuple[tuple, dict]] = {}


def _entries(election: Election, bodies: dict[str, str]) -> list[dict]:
    """Return the election's published entries as rows (_entry), each with its digest.

    On PostgreSQL a row is keyed by its entry's fingerprint (_fingerprints: a SHA-256 of
    every public value) instead of the values themselves, and by its approved corrections if
    it has any: a run reads the fingerprints (only those written since, once a worker has
    them), looks every row up by them at once, and reads the values only of the entries
    whose row is not kept (new or changed), instead of ten thousand questions and answers.
    A key is the fingerprint alone for an entry without a correction (a text's hash is
    worked out once; a tuple's each time it is looked up: ten thousand a run, several times
    each)."""
    with translation.override(None):
        bodies_key = tuple(sorted((code, str(name)) for code, name in bodies.items()))
    kept_bodies, kept = _ROWS.get(election.pk, (None, {}))
    if kept_bodies != bodies_key:
        kept = {}
    made: dict[object, dict] = {}
    rows, fresh = [], []

    def take(source, values: dict | None, corrections: tuple) -> None:
        row = kept.get(source)
        if row is None:
            row = _entry({**values, "approved_corrections": corrections}, bodies)
            fresh.append(row)
        made[source] = row
        rows.append(row)

    fingerprints = _fingerprints(election)
    if fingerprints is None:  # SQLite: every row read, keyed by its values
        for values in queries.published_entry_rows(election):
            corrections = tuple(values.pop("approved_corrections"))
            take((tuple(values.values()), corrections), values, corrections)
    else:
        corrections = queries.approved_corrections(election)
        sources = _sources(election, fingerprints, corrections)
        last = _LAST_ROWS.pop(election.pk, None)
        if last is not None and last[0] is sources and last[1] <= len(sources) and last[3] is kept:
            # The last run's keys, added to since (an approval): its rows and those of the
            # entries after them, its dict of rows by key added to in place.
            start = last[1]
            added = list(map(kept.get, sources[start:]))
            rows, made = last[2] + added, kept
            made.update(zip(sources[start:], added, strict=True))
            missing: Sequence[int] = [start + i for i, row in enumerate(added) if row is None]
        else:
            rows = list(map(kept.get, sources))  # in C: None where the row is not kept
            made = dict(zip(sources, rows, strict=True))
            # In C: the places of the rows not kept (new or changed entries).
            missing = (
                list(compress(range(len(rows)), map(is_, rows, repeat(None))))
                if None in rows
                else []
            )
        ids = None  # a worker's first run, or most rows new: every row read (no list of ids)
        if len(missing) <= len(rows) // 2:
            ids = [fingerprints[i][0] for i in missing]
        else:
            missing = range(len(rows))
        read = {
            values["id"]: values
            for values in (
                queries.published_entry_rows(election, ids=ids, corrections=corrections)
                if missing
                else []
            )
        }
        gone, exact = False, True
        for i in missing:
            del made[sources[i]]
            values = read.get(fingerprints[i][0])
            if values is None:  # no longer published when the values were read
                rows[i], gone = None, True
                continue
            # Keyed by the fingerprint read with the values (the entry may have changed since
            # the list was read: the next run reads it again).
            entry_corrections = tuple(values.pop("approved_corrections"))
            source = _row_key(values.pop("fingerprint"), entry_corrections)
            exact = exact and source == sources[i]
            row = kept.get(source)
            if row is None:
                row = _entry({**values, "approved_corrections": entry_corrections}, bodies)
                fresh.append(row)
            made[source] = row
            rows[i] = row
        if gone:
            rows = [row for row in rows if row is not None]
        elif exact:  # each row the one of its key (a copy: the caller's list is its own)
            _LAST_ROWS[election.pk] = (sources, len(sources), rows[:], made)
    _with_digests(fresh, summaries=True)
    _ROWS[election.pk] = (bodies_key, made)
    return rows


# By election: the keys _entries last looked its rows up by (_sources' list, added to in
# place since) and how many, the rows it gave, in that order, and its dict of rows by key
# (_ROWS'), when each row was the one of its key: the next run's rows are these and those
# of the keys added since, not ten thousand looked up again (issue 16).
_LAST_ROWS: dict[int, tuple[list, int, list[dict], dict]] = {}


# By election: the keys _entries last looked its rows up by (_sources), with the listing's
# pairs they were made from (that very list: added to in place since), how many of them, and
# the approved corrections.
_SOURCES: dict[int, tuple[list[tuple[int, str]], int, dict, list]] = {}


def _sources(
    election: Election, fingerprints: list[tuple[int, str]], corrections: dict
) -> list[str | tuple]:
    """Return each published entry's row key (_row_key), in the register's order: the keys of
    the last run, extended by the pairs added since, when `fingerprints` is the listing's very
    list it gave then (only added to: _Listing.pairs) and the corrections are the same; else
    made again. Ten thousand keys, one by one, were most of reading the register (issue 16)."""
    last = _SOURCES.pop(election.pk, None)
    if (
        last is not None
        and last[0] is fingerprints
        and last[1] <= len(fingerprints)
        and last[2] == corrections
    ):
        sources, added = last[3], fingerprints[last[1] :]
    else:
        sources, added = [], fingerprints
    sources.extend(
        _row_key(fingerprint, corrections[pk]) if pk in corrections else fingerprint
        for pk, fingerprint in added
    )
    _SOURCES[election.pk] = (fingerprints, len(fingerprints), corrections, sources)
    return sources


@dataclass
class _Listing:
    """The election's published entries as a run last read them (_fingerprints): each one's
    place in the register's order (kind, as ranked by PostgreSQL's order, number, id) and its
    fingerprint, and the transaction from which on what was written is still to be read."""

    since: int
    order: list[tuple[int, int, int]]
    places: dict[int, tuple[int, int, int]]
    fingerprints: dict[int, str]
    ranks: dict[str, int]
    # (id, fingerprint) in `order`'s order, as _fingerprints returns them: added to in place
    # while what was written since only adds entries after the last (an approval), None
    # (made again) after any other change.
    pairs: list[tuple[int, str]] | None = None


# By election: the listing this worker last read (_fingerprints).
_LISTINGS: dict[int, _Listing] = {}


def _fingerprints(election: Election) -> list[tuple[int, str]] | None:
    """Return (id, fingerprint) of each published entry, in the register's order (None on
    SQLite, or when an entry has none: queries.published_entry_listing).

    A worker keeps the last listing and reads only the entries written since the transactions
    it could not see then had finished (queries.published_entry_changes: PostgreSQL's
    trigger records each row's writing transaction, migration 0008), not ten thousand
    fingerprints a run (issue 16). It reads the whole listing again when that cannot give
    it: an entry deleted since (the published count differs), a kind of entry it has no
    place for yet, an entry without a fingerprint, or transaction ids that went back (another
    database)."""
    listing = _LISTINGS.pop(election.pk, None)
    if listing is not None and _changed_since(election, listing):
        if listing.pairs is None:
            listing.pairs = [(pk, listing.fingerprints[pk]) for _, _, pk in listing.order]
        _LISTINGS[election.pk] = listing
        return listing.pairs
    read = queries.published_entry_listing(election)
    if read is None:
        return None
    since, rows = read
    ranks: dict[str, int] = {}
    for row in rows:
        ranks.setdefault(row[2], len(ranks))
    places = {pk: (ranks[kind], number, pk) for pk, _, kind, number in rows}
    pairs = [(pk, fingerprint) for pk, fingerprint, _, _ in rows]
    _LISTINGS[election.pk] = _Listing(
        since,
        list(places.values()),
        places,
        {pk: fingerprint for pk, fingerprint, _, _ in rows},
        ranks,
        pairs,
    )
    return pairs


def _changed_since(election: Election, listing: _Listing) -> bool:
    """Bring `listing` up to date with the entries written since it was read; False (read it
    whole) if that cannot be done (see _fingerprints). Its `pairs` are added to when each
    entry written since is new and after the last (an approval), or written again as it
    was; made again (None) otherwise."""
    xmin, published, rows = queries.published_entry_changes(election, listing.since)
    if xmin < listing.since:
        return False
    for pk, fingerprint, status, kind, number in rows:
        place = listing.places.pop(pk, None)
        was = listing.fingerprints.pop(pk, None)
        if place is not None:
            del listing.order[bisect_left(listing.order, place)]
        if status != rules.Status.PUBLISHED:
            if place is not None:
                listing.pairs = None
            continue
        if not fingerprint or kind not in listing.ranks:
            return False
        new = (listing.ranks[kind], number, pk)
        if listing.pairs is not None and (new != place or fingerprint != was):
            if place is None and (not listing.order or new > listing.order[-1]):
                listing.pairs.append((pk, fingerprint))
            else:
                listing.pairs = None
        insort(listing.order, new)
        listing.places[pk] = new
        listing.fingerprints[pk] = fingerprint
    listing.since = xmin
    return len(listing.order) == published


def _row_key(fingerprint: str, corrections: tuple | list) -> str | tuple:
    """Return a kept row's key on PostgreSQL (_entries): its entry's fingerprint, with its
    approved corrections after it if it has any."""
    return (fingerprint, *corrections) if corrections else fingerprint


def _with_digests(rows: list[dict], *, summaries: bool = False) -> list[dict]:
    """Give each row its "digest": of everything in it, with translatable labels as their
    source text (each page's key holds its language's catalogue), computed once per run and
    used by every key the row is part of (its pages in each language, the whole-register
    files) instead of serialising the row again for each; and its permalink's file name
    ("page_name"). With `summaries` (the entries), also the digest of its summary_key
    ("summary_digest"), which keys the register's list pages. A kept row keeps them: worked
    out once per row a worker builds, not for ten thousand rows, in each language, each run
    (issue 16). Each is a pure function of the row's values, added after its digest."""
    with translation.override(None):
        for row in rows:
            row["digest"] = digest(row)
            row["page_name"] = row["path"].rpartition("/")[2]
            if summaries:
                row["summary_digest"] = digest(summary_key(row))
    return rows


@dataclass
class _Split:
    """The published entries (`entries`, a copy of the list, in the gate's order) as the site
    shows them: the register's answers by topic key (casefolded), the keys in order and each
    topic's answers in reference order (`groups`), each topic (Topic), the notes in the
    entries' order and the actions in reference order, and the reference order of the last
    answer and the last action (None: none yet)."""

    entries: list[dict]
    groups: dict[str, list[dict]]
    topics: dict[str, Topic]
    notes: list[dict]
    actions: list[dict]
    last_answer: tuple | None
    last_action: tuple | None


# By election: the last split this worker made (_split).
_SPLITS: dict[int, _Split] = {}


def _split(election: Election | None, entries: list[dict]) -> _Split:
    """Return `entries` split as the site shows them (_Split).

    When the entries the last split of this election was made from are the first of
    `entries` (compared in C, each row by identity first: kept rows are the same objects,
    _ROWS, and a row never changes once built), and each entry after them comes after every
    answer or action before it in reference order, that split is extended by them: each new
    answer goes at its topic's end and each action at the end, as sorting them all would put
    them (an approval adds at the register's end). Every other topic keeps its list and its
    Topic (whose keys and pages a plan then takes as they were: pages.web). Otherwise every
    entry is split again. Sorting, grouping and filtering ten thousand rows was a sixth of
    planning at 10,000 entries (issue 16)."""
    pk = getattr(election, "pk", None)
    last = _SPLITS.get(pk) if pk is not None else None
    made = None
    if (
        last is not None
        and len(last.entries) <= len(entries)
        and entries[: len(last.entries)] == last.entries
    ):
        made = _extended(last, entries[len(last.entries) :])
    if made is None:
        made = _split_whole(entries)
    if pk is not None:
        _SPLITS[pk] = made
    return made


def _split_whole(entries: list[dict]) -> _Split:
    """Split every entry (_split): answers in reference order (sorted by it unless the gate's
    order is it already: in_reference_order), then grouped by topic (a stable sort)."""
    answer = rules.Kind.REGISTER_ANSWER.value
    answers = [e for e in entries if e["kind"] == answer]
    if not in_reference_order([e["reference"] for e in answers]):
        answers.sort(key=lambda e: reference_order(e["reference"]))
    last_answer = reference_order(answers[-1]["reference"]) if answers else None
    answers.sort(key=itemgetter("topic_key"))
    groups = {key: list(rows) for key, rows in groupby(answers, key=itemgetter("topic_key"))}
    actions = sorted(
        (e for e in entries if e["kind"] in rules.ACTION_KINDS),
        key=lambda e: reference_order(e["reference"]),
    )
    notes = [e for e in entries if e["kind"] != answer and e["kind"] not in rules.ACTION_KINDS]
    return _Split(
        list(entries),
        groups,
        _topics(groups, {}),
        notes,
        actions,
        last_answer,
        reference_order(actions[-1]["reference"]) if actions else None,
    )


def _extended(last: _Split, added: list[dict]) -> _Split | None:
    """Return `last` extended by the entries `added` after its own (_split), or None if one
    of them does not come after every answer or action before it in reference order."""
    if not added:
        return last
    answer = rules.Kind.REGISTER_ANSWER.value
    groups = dict(last.groups)
    changed: dict[str, list[dict]] = {}
    notes, actions = last.notes, last.actions
    last_answer, last_action = last.last_answer, last.last_action
    for row in added:
        if row["kind"] == answer:
            order = reference_order(row["reference"])
            if last_answer is not None and not last_answer < order:
                return None
            last_answer = order
            key = row["topic_key"]
            if key not in changed:  # a new list: the last one is kept by its Topic
                changed[key] = groups[key] = [*groups.get(key, ())]
            changed[key].append(row)
        elif row["kind"] in rules.ACTION_KINDS:
            order = reference_order(row["reference"])
            if last_action is not None and not last_action < order:
                return None
            last_action = order
            actions = [*actions, row]
        else:
            notes = [*notes, row]
    if groups.keys() != last.groups.keys():
        groups = {key: groups[key] for key in sorted(groups)}
    return _Split(
        [*last.entries, *added],
        groups,
        _topics(groups, last.topics),
        notes,
        actions,
        last_answer,
        last_action,
    )


def _topics(groups: dict[str, list[dict]], last: dict[str, Topic]) -> dict[str, Topic]:
    """Return each topic of `groups` (by key), the one in `last` where its answers are still
    the very list it has (so its slug, name and latest answer are too) and the set of topics
    is the same (a new topic may change another's slug: topic_slugs)."""
    same = last.keys() == groups.keys()
    topics = {}
    slugs = None
    for key, rows in groups.items():
        kept = last.get(key) if same else None
        if kept is not None and kept.rows is rows:
            topics[key] = kept
            continue
        if slugs is None:
            slugs = {k: t.slug for k, t in last.items()} if same else topic_slugs(list(groups))
        topics[key] = Topic(key, rows[0]["topic"], slugs[key], rows)
    return topics


def _withdrawn(row: PublicEntry) -> dict:
    return {
        "reference": row.reference,
        "kind": row.kind,
        "kind_label": rules.KIND_LABELS[rules.Kind(row.kind)],
        "withdrawn_at": _local(row.withdrawn_at),
        "reason": row.withdrawn_reason,
        "path": entry_path(row.reference),
    }


def _key_dates(election: Election) -> list[dict]:
    """Return the election's key dates: the statutory timetable (PCC Elections Order 2012,
    Sch 3), with the day the PARO actually published the notice of election when known."""
    tt = election.timetable
    if election.notice_published:
        notice = {
            "id": "notice-of-election",
            "label": _("Notice of election published"),
            "day": election.notice_published,
            "note": _("The pre-election period began on this day."),
        }
    else:
        notice = {
            "id": "notice-of-election",
            "label": _("Notice of election (latest date)"),
            "day": tt.notice_of_election,
            "note": _("The pre-election period begins when the notice is published."),
        }
    return [
        notice,
        {
            "id": "close-of-nominations",
            "label": _("Close of nominations"),
            "day": _local(tt.close_of_nominations).date(),
            "at": _local(tt.close_of_nominations),
            "note": "",
        },
        {
            "id": "statement-of-persons-nominated",
            "label": _("Statement of persons nominated (latest)"),
            "day": tt.sopn,
            "note": "",
        },
        {"id": "notice-of-poll", "label": _("Notice of poll (latest)"), "day": tt.notice_of_poll},
        {
            "id": "polling-day",
            "label": _("Polling day"),
            "day": tt.poll,
            "at": _local(tt.poll_opens),
            "until": _local(tt.poll_closes),
        },
        # When the pre-election period ends (issue 13): the office's own policy.
        _pre_election_end(election),
        {
            "id": "takes-office",
            "label": election.takes_office_label,
            "day": tt.takes_office,
        },
    ]


def _pre_election_end(election: Election) -> dict:
    """Return the key date on which the pre-election period ends (Election.pre_election_end,
    the office's choice: the protocols differ)."""
    _start, end = calendar.pre_election_period(
        election.timetable,
        election.notice_published,
        calendar.PreElectionEnd(election.pre_election_end),
    )
    return {
        "id": "pre-election-period-ends",
        "label": _("End of the pre-election period"),
        "day": _local(end).date(),
        "at": _local(end),
        "note": _(
            "Until then the office, the police and the fire and rescue service publish only "
            "factual material and treat every candidate the same."
        ),
    }


def load(election: Election) -> SiteData:
    """Return everything the site shows, read through publishing.queries only."""
    bodies = {
        PublicEntry.AnsweringBody.OFFICE: election.office_name,
        PublicEntry.AnsweringBody.POLICE: election.police_force_name,
        PublicEntry.AnsweringBody.FIRE: election.fire_service_name
        or _("The fire and rescue service"),
    }
    entries = _entries(election, bodies)
    withdrawn = _with_digests([_withdrawn(row) for row in queries.withdrawn_notices(election)])
    materials = [
        {
            "title": m.title,
            "topic": m.topic,
            "url": m.url,
            "summary": m.summary,
            # An uploaded PDF (issue 13) is copied into the site: its path there and the
            # stored file's name (random; a new upload, a new name, so a new key).
            "file_path": f"materials/files/{m.pk}.pdf" if m.file else "",
            "file_name": m.file.name if m.file else "",
            "filename": m.filename if m.file else "",
        }
        for m in queries.published_materials(election)
    ]
    briefing_row = queries.candidate_briefing(election)
    briefing = {
        "en-gb": briefing_row.text_en if briefing_row else "",
        "cy": briefing_row.text_cy if briefing_row else "",
    }
    events = [
        {
            "id": e.pk,
            "title": e.title,
            "starts_at": _local(e.starts_at),
            "ends_at": _local(e.ends_at),
            "place": e.place,
            # The label itself (lazy), not get_audience_display(): translated per page.
            "audience": type(e).Audience(e.audience).label,
            "capacity": e.capacity,
            # Issue 13: shown with a visible note (staff wrote it for the public).
            "cancelled_at": _local(e.cancelled_at),
            "cancelled_reason": e.cancelled_reason if e.cancelled_at else "",
            "changed_at": _local(e.changed_at),
            "change_note": e.change_note,
        }
        for e in queries.published_events(election)
    ]
    statements = [
        {
            "id": s.pk,
            "title": s.public_title,
            "paragraphs": paragraphs(s.public_text),
            "published_at": _local(s.published_at),
        }
        for s in queries.published_statements(election)
    ]
    contacts = {
        "office_name": election.office_name,
        "area": election.area,
        # The choice's label itself (lazy), not get_office_display(): translated per page.
        "office": dict(Election._meta.get_field("office").choices)[election.office],
        "prefix": election.reference_prefix,
        "by_election": election.by_election,  # "by-election" on the page (issue 15)
        "poll_date": election.poll_date,
        "spoc_name": election.spoc_name,
        "spoc_email": election.spoc_email,
        "spoc_phone": election.spoc_phone,
        "paro_name": election.paro_name,
        "paro_email": election.paro_email,
        "paro_phone": election.paro_phone,
        "organisations": election.organisations,
        # "A, B and C" in the page's language (lazy: joined when rendered).
        "organisations_text": get_text_list(list(election.organisations), _("and")),
        # The privacy notice states how long personal data is kept (dataprotection.rules).
        "retention_months": election.retention_months,
        "retention_date": retention_date(election),
    }
    not_published = [
        {
            "reason": row["reason"],
            "label": rules.NOT_FOR_PUBLICATION_LABELS[rules.NotForPublicationReason(row["reason"])],
            "count": row["count"],
        }
        for row in queries.not_for_publication_counts(election)
    ]
    # The protocol is a public document the office writes for everyone (issue 15, item 2).
    from protocol.queries import published_protocol

    protocol = published_protocol(election)
    if protocol:
        protocol["paragraphs"] = paragraphs(protocol["text"])
        protocol["created_at"] = _local(protocol["created_at"])
    return SiteData(
        not_published=not_published,
        election=election,
        entries=entries,
        withdrawn=withdrawn,
        materials=materials,
        events=events,
        key_dates=_key_dates(election),
        contacts=contacts,
        bodies=bodies,
        statements=statements,
        briefing=briefing,
        protocol=protocol,
    )


@dataclass(frozen=True)
class Topic:
    """A topic of the register: its answers (reference order), as named on its first answer,
    and the folder of its pages (topic_slugs)."""

    key: str  # the topic casefolded: answers are grouped by it
    name: str
    slug: str
    rows: list[dict]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.rows) // base.PAGE_SIZE))

    @cached_property
    def latest(self) -> date | None:
        # In C (map, filter, max), not a generator: ten thousand rows a run (issue 16).
        return max(filter(None, map(_ANSWERED_ON, self.rows)), default=None)

    @property
    def path(self) -> str:
        return self.page_path(1)

    def page_path(self, number: int) -> str:
        """The topic's first page is its folder's index.html; page N is page-N.html beside
        it, not a folder of its own: every version of the site is made folder by folder, and
        at 10,000 entries four hundred pages' folders (each made again for each version)
        were most of the folders an approval's run made, each a fifth of a millisecond of
        the file system's time here (issue 16)."""
        folder = f"register/topics/{self.slug}/"
        return folder + ("index.html" if number == 1 else f"page-{number}.html")


_ANSWERED_ON = itemgetter("answered_on")
_NUMBERS = re.compile(r"(\d+)")
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_DIGITS_AS_ZERO_TEXT = str.maketrans("123456789", "000000000")


def reference_order(reference: str) -> tuple:
    """Return the sort key of a reference: its numbers as numbers (NS-9999 before NS-10000)."""
    parts: list = _NUMBERS.split(reference)
    parts[1::2] = map(int, parts[1::2])  # re.split puts each number at an odd place
    return (tuple(parts), reference)


def in_reference_order(references: list[str]) -> bool:
    """Return True if each of `references` comes before the next by reference_order, found
    without working out most keys: two references with digits in the same places (the same
    shape: NS26-0041, NS26-0042) compare as reference_order compares them, character by
    character (the first difference is in the same text, or in numbers of the same width);
    only two of different shapes (NS26-9999, NS26-10000) are compared by their keys."""
    # Every reference's shape at once: bytes.translate over them joined (str.translate, one
    # reference at a time, was most of this at 10,000). A digit is one byte in UTF-8, and no
    # other character's bytes are below 0x80.
    joined = "\n".join(references)
    shapes = joined.encode().translate(_DIGITS_AS_ZERO).decode().split("\n")
    if len(shapes) != len(references):  # a reference holding a line break
        shapes = [reference.translate(_DIGITS_AS_ZERO_TEXT) for reference in references]
    # Runs of one shape compared as text in C (map and operator.lt, not a Python step per
    # reference: a tenth of planning at 10,000 entries); each run's first by its key with the
    # last reference before it.
    start = 0
    for _shape, run in groupby(shapes):
        end = start + len(list(run))
        same = references[start:end]
        if not all(map(lt, same, same[1:])):
            return False
        if start and not reference_order(references[start - 1]) < reference_order(same[0]):
            return False
        start = end
    return True


def topic_slugs(keys: list[str]) -> dict[str, str]:
    """Return the folder name of each topic (casefolded): django.utils.text.slugify of it,
    unless another topic of the register has the same slug or the slug is empty; then a short
    digest of the topic is added ("road-safety-1f0c2b9e"), except to the one topic that is the
    slug written with spaces ("road safety"), which keeps the plain slug whatever comes later.
    Deterministic: the same topics give the same names, in any order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[_plain_slug(key)].append(key)
    slugs = {}
    for slug, group in groups.items():
        for key in group:
            canonical = slug.replace("-", " ") == key
            slugs[key] = slug if slug and (len(group) == 1 or canonical) else _hashed(slug, key, 8)
    # A digest that happens to make another topic's slug: the whole digest instead.
    taken = Counter(slugs.values())
    for key, slug in slugs.items():
        if taken[slug] > 1 and slug != _plain_slug(key):
            slugs[key] = _hashed(_plain_slug(key), key, 64)
    return slugs


def _plain_slug(key: str) -> str:
    return slugify(key)[:80].strip("-_")


def _hashed(slug: str, key: str, length: int) -> str:
    return f"{slug or 'topic'}-{hashlib.sha256(key.encode()).hexdigest()[:length]}"
