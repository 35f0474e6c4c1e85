"""The leak check: every private identifier held anywhere in the database, looked for in every
file of a rendered site before it may go live (issue 5, item 6).

Independent of the anonymiser on purpose: it does not ask whether the text was anonymised, it
looks for the values themselves. What counts as private (`private_identifiers`):
- candidates (current rows and their history): full names, distinctive surnames, aliases,
  e-mail addresses, phone numbers, postal addresses and postcodes, handles, websites;
- agents: names, e-mail addresses, phone numbers;
- register requesters (current rows and their history): names, e-mail addresses, phone
  numbers, postal addresses and postcodes (briefing-event attendees and questioners are
  candidates and requesters, so they are in the lists above);
- whatever a redaction hid that is a contact detail, and what staff hid by hand (not parties).
Never: the offices' and the PARO's public contacts (Election's spoc_* and paro_* fields, the
office, force and fire service names) and parties' names and short forms (parties are public).

Matching is by words, not characters (`_tokens`: accents and case folded, any punctuation a
separator), so "Pennington-Smythe", "PENNINGTON SMYTHE" and "pennington smythe" are the same,
and "Harrow" is not found inside "Harrowgate". A single word (a surname, a handle) counts only
if it is distinctive: four letters or more, not an ordinary word (COMMON_WORDS) and not a word
the site's own templates use. Phone numbers are compared by digits (+44 and spacing ignored),
postcodes without spaces. Each file is read in every form a reader could see it: as stored, as
HTML text (entities decoded, tags removed), as JSON strings, as unfolded iCalendar text, and,
for a PDF, its pages' text, every string of its objects and its XMP metadata (pdftext.py,
with pypdf); the HTML a PDF is made from is read as well.

A finding says which kind of identifier and in which file. The value itself is never kept: it
must not reach a log, a run's reason or an e-mail.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.db import connection

from candidates.models import Candidate, Party
from election_protocol.models import Election
from publishing import queries
from publishing.models import PublicRedaction
from publishing.site.pdftext import pdf_texts
from requests_register.models import Entry

_WORD = re.compile(r"\w+")
_POSTCODE = re.compile(r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})(?![A-Z0-9])")
_PHONE_RUN = re.compile(r"\+?\(?\d[\d \t().\-]{5,}\d")
_HOUSE_LINE = re.compile(r"^\d+[a-z]?\b\s*\S", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_PLATFORM_NAMES = """facebook twitter x instagram linkedin tiktok youtube threads bsky mastodon
    wordpress blogspot wixsite medium substack github google"""
# A website on one of these is someone's only with its path ("facebook.com/rowan").
_PLATFORMS = frozenset(_PLATFORM_NAMES.split())

# Ordinary words people also have as surnames or nicknames: a single one of these is not
# evidence of a leak ("Mr Pike" is, and is found as the full name or by the e-mail).
_COMMON_TEXT = """
    about after again also answer baker ball bank banks barber barker bell best bird black bond
    booth bowman brook brooks brown budget burn burns bush butcher butler call card carter case
    chance chase church clark clarke clay close coat cook cooper court cross dale dawn day dean
    dell down drake duke dunn east fair field fields fish fisher fletcher ford forest fox frank
    free frost gardner gate gay gentle glass gold golden good grace grant gray green grey hall
    hand hardy harrow hart hay head heath hill hills holiday holly hood hope house hunt hunter
    ivy james jay joy judge keen king knight lake lamb land lane law lawrence lee light lines
    little long love low mark marsh marshall martin mason may mayor mead mill miller mills moon
    moor moore moss nash new noble north oak page palmer park parker parks parson peach pearl
    penny pike piper plant police poll pool pope porter post potter power powers price pride
    rain reed reid rich ride ridge river rivers road rock rose ross rush sage salt sand savage
    scott sharp shaw shepherd short silver slater small smith snow south spring stone storm
    strong summer summers swan swift taylor thatcher tower town tucker turner tull vale wall
    walker ward warren waters watt way webb well wells west white wild will wing winter wise
    wolf wood woods worth wright young
    """
COMMON_WORDS = frozenset(_COMMON_TEXT.split())


@dataclass(frozen=True)
class Identifier:
    """One private value in a comparable form (never printed): `tokens` for words, `digits`
    for a phone number (the national number without its 0), `postcode` without spaces."""

    kind: str
    tokens: tuple[str, ...] = ()
    digits: str = ""
    postcode: str = ""

    @functools.cached_property
    def digest(self) -> str:
        """A digest of the identifier, for the check records (publishing.site.checks): kept
        on the identifier, which a worker keeps between runs with the requesters' (forty
        thousand at 10,000 entries: a cache looked up by the identifier's fields took a
        fortieth of a run, issue 16). Of its fields only (repr), so equal ones give one."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]


class Identifiers(list):
    """What private_identifiers returns: the identifiers (in no meaningful order: a scan finds
    the set of the kinds found, a check record is read back as sets), with the set of their
    digests (`digests`, each Identifier.digest), and what changed since the result this
    process returned before, when they were made from it: `base` (that result's `digests`,
    the very set), `added` (the identifiers whose digest is not in it) and `removed` (its
    digests these have not). `base` is None when not known: compare the sets.

    A run's leak check compares the identifiers with the last run's Scanner and with the
    live version's check record (publishing.site.checks), usually both made from the result
    before: with `base`, each is a look at what changed, not at forty thousand digests put
    into sets and compared several times a run (issue 16)."""

    def __init__(
        self,
        identifiers: Iterable[Identifier] = (),
        digests: frozenset[str] | None = None,
        base: frozenset[str] | None = None,
        added: Iterable[Identifier] = (),
        removed: Iterable[str] = (),
    ) -> None:
        super().__init__(identifiers)
        self.digests = frozenset(i.digest for i in self) if digests is None else digests
        self.base = base
        self.added = list(added)
        self.removed = frozenset(removed)


def digests_of(identifiers: Iterable[Identifier]) -> frozenset[str]:
    """Return the digests of `identifiers` as a set: an Identifiers' own (the very set)."""
    if isinstance(identifiers, Identifiers):
        return identifiers.digests
    return frozenset(i.digest for i in identifiers)


@dataclass(frozen=True)
class Finding:
    kind: str
    path: str


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Return `text` with accents dropped and case folded ("Zoë" -> "zoe")."""
    if text.isascii():
        return text.casefold()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text)))


def phone_digits(value: str) -> str:
    """Return the national number of a phone number without its leading 0 ("+44 7700 900201"
    and "07700 900201" both give "7700900201"), or "" if it has too few digits to be one."""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+44") or (digits.startswith("44") and len(digits) >= 12):
        digits = digits[2:]
    digits = digits.removeprefix("0")
    return digits if len(digits) >= 7 else ""


def postcodes_in(text: str) -> list[str]:
    return ["".join(m.groups()) for m in _POSTCODE.finditer(text.upper())]


# --- what is private -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _words_digest(words: frozenset[str]) -> str:
    """Return a digest of a set of words, whatever their order."""
    return hashlib.sha256(repr(sorted(words)).encode()).hexdigest()


class _Collector:
    """Turns raw values into Identifiers, dropping what is public or not distinctive."""

    def __init__(self, public: Iterable[str], ordinary: Iterable[str]) -> None:
        public = [p for p in public if p and p.strip()]
        self.public_tokens = [tokens(p) for p in public]
        self.public_digits = {phone_digits(p) for p in public} - {""}
        # One set, frozen once: a new frozenset for each public value copied the site's
        # thousands of words each time (issue 16).
        self._given = ordinary if isinstance(ordinary, frozenset) else frozenset(ordinary)
        words = set(COMMON_WORDS)
        words.update(self._given)
        for public_words in self.public_tokens:
            words.update(public_words)
        self.ordinary = frozenset(words)
        self.found: dict[tuple, Identifier] = {}

    def _is_public(self, words: tuple[str, ...]) -> bool:
        n = len(words)
        return any(
            words == pub[i : i + n] for pub in self.public_tokens for i in range(len(pub) - n + 1)
        )

    @functools.cached_property
    def signature(self) -> str:
        """A digest of what decides which values count (the public words and numbers, the
        ordinary words): equal signatures, equal identifiers from equal values."""
        # The ordinary words are COMMON_WORDS, the given ones and the public values' words:
        # the given ones by their digest, kept for the same set (the site's words, the same
        # frozenset each run: checks._site_words), not sorted again each run.
        parts = [sorted(self.public_tokens), sorted(self.public_digits), _words_digest(self._given)]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def _add(self, identifier: Identifier) -> None:
        self.found.setdefault(_key(identifier), identifier)

    add = _add

    def separately(self, fill) -> tuple[Identifier, ...]:
        """Return the identifiers `fill(self)` adds, without adding them (the caller does)."""
        kept, self.found = self.found, {}
        try:
            fill(self)
            return tuple(self.found.values())
        finally:
            self.found = kept

    def words(self, kind: str, value: str | None) -> None:
        """Add `value` compared word by word; one word only if it is distinctive."""
        words = tokens(value or "")
        if not words or self._is_public(words):
            return
        if len(words) == 1 and (len(words[0]) < 4 or words[0] in self.ordinary):
            return
        self._add(Identifier(kind, tokens=words))

    def name(self, who: str, value: str | None, *, alias: bool = False) -> None:
        """Add a person's name: in full, first and last word, and distinctive surname parts."""
        value = (value or "").strip()
        if not value:
            return
        self.words(f"{who} {'alias' if alias else 'name'}", value)
        parts = value.split()
        if len(parts) >= 3:
            self.words(f"{who} name", f"{parts[0]} {parts[-1]}")
        if len(parts) >= 2:
            surname = parts[-1]
            self.words(f"{who} surname", surname)
            for piece in re.split(r"[-'\u2019]", surname):
                self.words(f"{who} surname", piece)

    def email(self, who: str, value: str | None) -> None:
        value = (value or "").strip()
        if "@" in value:
            self.words(f"{who} e-mail address", value)

    def phone(self, who: str, value: str | None) -> None:
        digits = phone_digits(value or "")
        if digits and digits not in self.public_digits:
            self._add(Identifier(f"{who} phone number", digits=digits))

    def address(self, who: str, value: str | None) -> None:
        value = value or ""
        for code in postcodes_in(value):
            self._add(Identifier(f"{who} postcode", postcode=code))
        for line in re.split(r"[\n,;]", value):
            line = _POSTCODE.sub(" ", line.upper()).strip()
            if _HOUSE_LINE.match(line) and len(tokens(line)) >= 2:
                self.words(f"{who} postal address", line)

    def handle(self, who: str, value: str | None) -> None:
        self.words(f"{who} social media handle", (value or "").strip().lstrip("@"))

    def website(self, who: str, value: str | None) -> None:
        value = re.sub(r"^[a-z]+://", "", (value or "").strip(), flags=re.IGNORECASE)
        value = re.sub(r"^www\.", "", value, flags=re.IGNORECASE).rstrip("/")
        if not value:
            return
        host, _, path = value.partition("/")
        labels = host.lower().split(".")
        if path or (len(labels) >= 2 and labels[-2] not in _PLATFORMS):
            self.words(f"{who} website", value)


# The requesters' details, as read from the entries and their history (private_identifiers).
ENTRY_FIELDS = ("requester_name", "requester_email", "requester_phone", "requester_address")


def private_identifiers(ordinary: Iterable[str] = ()) -> Identifiers:
    """Return every private identifier held in the database (see the module's docstring), with
    their digests and what changed since this process's last result (Identifiers).

    `ordinary` are more words that never count alone (the site's own template words). A fixed
    number of queries, each reading only the columns it needs. Of two identifiers with one key
    (_key) the candidate's or agent's counts, then the requester's, then what a redaction hid.
    """

    public: list[str] = []
    for row in Election.objects.values_list(
        "spoc_name",
        "spoc_email",
        "spoc_phone",
        "paro_name",
        "paro_email",
        "paro_phone",
        "office_name",
        "police_force_name",
        "fire_service_name",
        "area",
    ):
        public += row
    for name, short_forms in Party.objects.values_list("name", "short_forms"):
        public += [name, *(short_forms or [])]
    collect = _Collector(public, ordinary)

    candidate_fields = (
        "name",
        "aliases",
        "emails",
        "phones",
        "postal_address",
        "handles",
        "website",
        "agent_name",
        "agent_email",
        "agent_phone",
    )
    # Each query unordered (order_by()): a model's default ordering would add its columns to
    # the SELECT DISTINCT, so every history row was read, with its timestamp, and none merged.
    for model in (Candidate, Candidate.history.model):
        for row in model.objects.values(*candidate_fields).order_by().distinct():
            who = "a candidate's"
            collect.name(who, row["name"])
            for alias in row["aliases"] or []:
                collect.name(who, alias, alias=True)
            for email in row["emails"] or []:
                collect.email(who, email)
            for phone in row["phones"] or []:
                collect.phone(who, phone)
            collect.address(who, row["postal_address"])
            for handle in row["handles"] or []:
                collect.handle(who, handle)
            collect.website(who, row["website"])
            collect.name("an agent's", row["agent_name"])
            collect.email("an agent's", row["agent_email"])
            collect.phone("an agent's", row["agent_phone"])

    entry_fields = ENTRY_FIELDS
    # Thousands of requesters, each worked out (names, variants, phone digits, postcodes) by
    # the same pure function of their four values and the public words: remembered from the
    # previous run in this process (see _requesters), so each run works out only the
    # requesters it has not seen; on PostgreSQL only the rows written since are read
    # (_requester_rows).
    rows, added, generation = _requester_rows(entry_fields)
    # Forgotten until this result is whole: _requesters adds to its kept identifiers in place,
    # so a call stopped halfway leaves the next one to put every identifier together again.
    last = _MERGED.pop() if _MERGED else None
    requesters = _requesters(collect, rows, added, generation)
    changed, calls = _REQUESTERS.changed, _REQUESTERS.calls
    others, collect.found = collect.found, {}

    # What a redaction hid: contact details whoever they belong to, and whatever staff hid by
    # hand (a neighbour's name). Not automatic "person" matches (a first name alone is not
    # evidence) nor parties (public).
    redactions = (
        PublicRedaction.objects.exclude(kind="party")
        .filter(restored=False)
        .values_list("kind", "source", "original")
        .order_by()
        .distinct()
    )
    who = "a redacted"
    for kind, source, original in redactions:
        if kind == "email":
            collect.email(who, original)
        elif kind == "phone":
            collect.phone(who, original)
        elif kind in ("postcode", "address"):
            collect.address(who, original)
        elif kind == "handle":
            collect.handle(who, original)
        elif kind == "website":
            collect.website(who, original)
        elif source == PublicRedaction.Source.MANUAL:
            collect.words(f"{who} detail", original)
    return _merged(last, requesters, (calls, changed), others, collect.found)


@dataclass
class _Merged:
    """A result of private_identifiers as put together (_merged): the requesters' identifiers
    it was made from (_REQUESTERS.found, the very dict, added to in place since), the others'
    (candidates and agents) and the redacted's, each by key, every one of them by key, and
    their digests."""

    requesters: dict[tuple, Identifier]
    calls: int  # the _requesters call that gave them (_REQUESTERS.calls)
    others: dict[tuple, Identifier]
    redacted: dict[tuple, Identifier]
    merged: dict[tuple, Identifier]
    digests: frozenset[str]


def _changed_keys(now: dict[tuple, Identifier], then: dict[tuple, Identifier]) -> list[tuple]:
    """Return the keys whose identifier in `now` is not equal to the one in `then`, or which
    only one of them has."""
    if now == then:
        return []
    return [key for key in now.keys() | then.keys() if now.get(key) != then.get(key)]


# The last result put together in this process (_merged), at most one.
_MERGED: list[_Merged] = []


def _merged(
    last: _Merged | None,
    requesters: dict[tuple, Identifier],
    call: tuple[int, list[tuple] | None],
    others: dict[tuple, Identifier],
    redacted: dict[tuple, Identifier],
) -> Identifiers:
    """Return every identifier by key, the others' first, then the requesters', then the
    redacted's (private_identifiers), as Identifiers.

    Made from `last` (the result before, its dicts and digests) when the requesters' are the
    dict it was made from, changed since only by the next _requesters call (`call`: its
    number and the keys it set in place, _REQUESTERS.calls and changed): then only the keys
    it set and those whose other or redacted identifier differs from `last`'s are looked at,
    and the result says what changed (Identifiers.base, added, removed). An approval adds
    one requester's few identifiers, and what its redactions hid, to forty thousand (issue
    16). Otherwise put together from the three and compared with nothing."""
    calls, changed = call
    if (
        last is not None
        and changed is not None
        and last.calls == calls - 1
        and last.requesters is requesters
    ):
        merged, added, removed = last.merged, [], []
        keys = [
            *changed,
            *_changed_keys(others, last.others),
            *_changed_keys(redacted, last.redacted),
        ]
        for key in keys:
            new = others.get(key)
            if new is None:
                new = requesters.get(key)
            if new is None:
                new = redacted.get(key)
            old = merged.get(key)
            if old is new:
                continue
            if new is None:
                del merged[key]
            else:
                merged[key] = new
                if old is not None and old.digest == new.digest:
                    continue
                added.append(new)
            if old is not None:
                removed.append(old.digest)
        digests = last.digests
        if removed:
            digests = digests.difference(removed)
        if added:
            digests = digests.union(i.digest for i in added)
        result = Identifiers(merged.values(), digests, last.digests, added, removed)
    else:
        merged = {**requesters, **others}
        for key, identifier in redacted.items():
            merged.setdefault(key, identifier)
        result = Identifiers(merged.values())
    _MERGED[:] = [_Merged(requesters, calls, others, redacted, merged, result.digests)]
    return result


def _requester(collect: _Collector, name, email, phone, address) -> None:
    who = "a requester's"
    collect.name(who, name)
    collect.email(who, email)
    collect.phone(who, phone)
    collect.address(who, address)


# The identifiers of each requester's values, from the last run in this process ("rows"), all
# of them by their key as _Collector keeps them ("found"), and what they were worked out
# against (the public words and the site's own words: a change in either works every
# requester out again). Added to in place by a run that read every row kept here again;
# made afresh from only the rows it read by any other, so a requester's details erased from
# the database (their row changed or gone) are gone from here after the next run.
@dataclass
class _KeptRequesters:
    """The requesters' identifiers as the last run worked them out (_requesters): for the
    collector's `signature`, each row's identifiers and all of them by key, and the read of
    the rows (_requester_rows' `generation`) they are of."""

    signature: object = None
    rows: dict[tuple, tuple[Identifier, ...]] = field(default_factory=dict)
    found: dict[tuple, Identifier] = field(default_factory=dict)
    generation: int | None = None
    # The keys of `found` the last call set, when it added to the `found` before in place;
    # None when it made `found` afresh (or stopped halfway). `calls`: how many calls so far.
    changed: list[tuple] | None = None
    calls: int = 0

    def forget(self) -> None:
        self.signature, self.rows, self.found, self.generation = None, {}, {}, None
        self.changed = None
        _REQUESTER_ROWS.forget()
        _SCANNER.clear()
        _MERGED.clear()


@dataclass
class _TableRows:
    """A table's requester rows as _requester_rows last read them: each row's values by its
    primary key, and the `since` to read from."""

    since: int | None = None
    values: dict[int, tuple] = field(default_factory=dict)


@dataclass
class _KeptRequesterRows:
    """Every requester row of the entries and their history as last read (_requester_rows):
    each table's, and how many rows hold each distinct row of values."""

    tables: dict[str, _TableRows] = field(default_factory=dict)
    distinct: dict[tuple, int] = field(default_factory=dict)
    generation: int = 0

    def forget(self) -> None:
        self.tables, self.distinct = {}, {}
        self.generation += 1  # nothing kept from before is "the read before" any more


_REQUESTERS = _KeptRequesters()
_REQUESTER_ROWS = _KeptRequesterRows()
# How many transactions back a kept read's `since` may be before the tables are read whole
# again (rows_written_since's ids are 64 bits and never wrap: a `since` that went back, or
# this far ahead, is another database's, or one restored).
XID_HORIZON = 2**30


def _requester_rows(fields: tuple[str, ...]) -> tuple[Iterable[tuple], list[tuple] | None, int]:
    """Return every distinct row of the requesters' `fields` in the entries and their history,
    the rows among them that the read before this one (generation - 1) did not have if it
    had every row this one has (else None: compare them all), and this read's generation.

    On PostgreSQL a worker keeps each row's values by its key and reads only the rows
    written since its last read (queries.rows_written_since): ten thousand requesters' rows,
    read and made distinct every run, were a tenth of a run at 10,000 entries (issue 16). A
    row deleted (a deleted row stays in what is kept, so the table's count differs) reads
    the tables whole again; a row changed (a requester's details erased) makes every row
    compared, so identifiers of values no row holds any more are dropped. A read inside a
    transaction that has written (what it sees may yet be rolled back) keeps nothing, and
    the next read starts again from nothing. Elsewhere every row is read."""
    kept = _REQUESTER_ROWS
    kept.generation += 1
    if connection.vendor != "postgresql":
        return _distinct_rows(fields), None, kept.generation
    added: list[tuple] | None = [] if kept.tables else None
    distinct = kept.distinct
    for model in (Entry, Entry.history.model):
        table = kept.tables.setdefault(model._meta.db_table, _TableRows())
        since, count, writing, written = queries.rows_written_since(model, fields, table.since)
        if writing:  # never kept: the next read reads everything again
            kept.forget()
            return _distinct_rows(fields), None, kept.generation
        if table.since is not None and not 0 <= since - table.since < XID_HORIZON:
            kept.forget()  # another database, or one restored: read it all
            return _requester_rows(fields)
        for pk, *values in written:
            row, old = tuple(values), table.values.get(pk)
            if old == row:
                continue
            if old is not None:
                distinct[old] -= 1
                if not distinct[old]:
                    del distinct[old]
                    added = None  # a row's values gone: every row compared
            table.values[pk] = row
            distinct[row] = distinct.get(row, 0) + 1
            if added is not None and distinct[row] == 1:
                added.append(row)
        if len(table.values) != count and table.since is not None:  # a row deleted
            kept.forget()  # read whole again (a whole read is exact)
            return _requester_rows(fields)
        table.since = since
    return distinct.keys(), added, kept.generation


def _distinct_rows(fields: tuple[str, ...]) -> set[tuple]:
    """Return every distinct row of the requesters' `fields`, read whole."""
    rows: set[tuple] = set()
    for model in (Entry, Entry.history.model):
        rows.update(model.objects.values_list(*fields).order_by().distinct())
    return rows


def _requesters(
    collect: _Collector,
    rows: Iterable[tuple],
    added: list[tuple] | None = None,
    generation: int | None = None,
) -> dict[tuple, Identifier]:
    """Return the identifiers of the requesters' `rows` (each row: name, e-mail, phone,
    address) by their key; of two with one key (Trelawny's name, Jo Trelawny's surname), the
    one whose kind comes first, so the result does not depend on the order the rows come in.
    The rows' identifiers are those of the last run for a row it read too. When every row
    that run read is read again (nothing erased, the usual case after an approval), its
    identifiers are taken as they were, with only the new rows' added: forty thousand
    identifiers at 10,000 entries were a twentieth of a run, one by one (issue 16). The new
    rows are `added` when the read (_requester_rows, its `generation`) says which they are
    and the last run worked out the read before it; otherwise every row is compared with
    the last run's. Otherwise they are put together again from each row's. The keys set in
    a `found` added to in place are left in `_REQUESTERS.changed` (_merged), None otherwise."""
    kept = _REQUESTERS
    kept.changed = None  # until this call's are all in `found` (below)
    kept.calls += 1
    memo = kept.rows if kept.signature == collect.signature else {}
    follows = (
        added is not None
        and generation is not None
        and kept.generation is not None
        and kept.generation == generation - 1
    )
    kept.generation = None  # until this run's rows are all in `found` (below)
    if memo and follows:
        # Added to in place (tens of thousands of identifiers, not copied each run): a row
        # is marked seen only once its identifiers are in `found`, so a run that stops
        # halfway leaves no row seen without them (the next run works it out).
        seen, found, todo = memo, kept.found, [row for row in added if row not in memo]
    elif memo and memo.keys() <= rows:
        seen, found, todo = memo, kept.found, set(rows) - memo.keys()
    else:
        seen, found, todo = {}, {}, rows
    changed: list[tuple] | None = [] if found is kept.found and found else None
    for row in todo:
        identifiers = memo.get(row)
        if identifiers is None:
            identifiers = collect.separately(lambda c, r=row: _requester(c, *r))
        for identifier in identifiers:
            key = _key(identifier)
            other = found.get(key)
            if other is None or identifier.kind < other.kind:
                found[key] = identifier
                if changed is not None:
                    changed.append(key)
        seen[row] = identifiers  # last: see above
    kept.signature, kept.rows, kept.found = collect.signature, seen, found
    kept.generation = generation
    kept.changed = changed
    return found


def _key(identifier: Identifier) -> tuple:
    """Return what makes two identifiers the same to the scan: _Collector keeps one each."""
    return (identifier.tokens, identifier.digits, identifier.postcode)


# --- reading a file in every form ---------------------------------------------------------------


def _ics_text(text: str) -> str:
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    return re.sub(r"\\([,;\\nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), unfolded)


def _json_strings(value: object, out: list[str] | None = None) -> list[str]:
    """Return every string in the parsed JSON `value`, keys included, in document order.

    Appended to one list, with a call only per nested container, not per value: the
    register's JSON at 10,000 entries holds some 700,000 strings (issue 16). Against a
    generator per value the gain is small (about a fifth of this step's own time)."""
    if out is None:
        out = []
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, dict | list):
                _json_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, dict | list):
                _json_strings(v, out)
    return out


# A JSON string literal. JSON allows no raw line break inside a string, so every literal lies
# within one line, and in valid JSON a double quote outside a literal starts the next one.
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


class JsonLineStrings:
    """Works out a JSON text's "json-strings" reading a line at a time, keeping each line's
    strings for the next text (issue 16): the whole-register JSON files are one entry a line,
    and a new version of one differs from the last in a few lines, so parsing all of it again
    (seven hundred thousand strings at 10,000 entries) was a tenth of a run.

    For valid JSON without a repeated key, the result is what parsing the whole text gives
    ("\n".join(_json_strings(json.loads(text)))): every string literal, keys included, in
    document order (a test compares the two). For other text it can only give more: each
    literal decoded, wherever it is, and one that is not valid JSON as it is written. So it
    never fails, and a line's strings depend on that line alone: what changed_lines relies
    on. Only the last text's lines are kept."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, str]] = {}

    def __call__(self, text: str) -> str:
        """Return every string literal of `text`, decoded, one a line."""
        kept, made, segments = self._kept, {}, []
        for line in text.split("\n"):
            found = made.get(line) or kept.get(line)
            if found is None:
                strings = _line_strings(line)
                found = (len(strings), "\n".join(strings))
            made[line] = found
            if found[0]:  # a line of one empty string is one (empty) string all the same
                segments.append(found[1])
        self._kept = made
        return "\n".join(segments)


def _line_strings(line: str) -> list[str]:
    """Return the strings of one line of a JSON text, in order: a list item (an object, an
    array, a string) is parsed as it is, as parsing the whole text would; any other line (a
    member "name": value, an opening or closing bracket) gives its literals, decoded, and a
    literal that is not valid JSON ("bad \\q") its text between the quotes."""
    if '"' not in line:
        return []
    try:
        value = json.loads(line[:-1] if line.endswith(",") else line)
    except ValueError:
        return [_literal(literal) for literal in _JSON_STRING.findall(line)]
    return _json_strings(value) if isinstance(value, str | dict | list) else []


def _literal(literal: str) -> str:
    try:
        return json.loads(literal)
    except ValueError:
        return literal[1:-1]


def labelled_readings(
    path: str, data: bytes, json_lines: JsonLineStrings | None = None
) -> dict[str, str]:
    """Return the texts a reader could get from the file at `path` (not a PDF), each under the
    name of the way it is read ("text", "html-text", "json-strings" ...). `json_lines`: works
    out a JSON file's strings a line at a time, from what it kept of the last one."""
    text = data.decode("utf-8", "replace")
    unescaped = html.unescape(text)  # attributes (links) included
    out = {"text": unescaped}
    if "<" in text:  # markup: the text as read, a word split by a tag or not
        out["html-joined"] = html.unescape(_TAG.sub("", text))
        out["html-spaced"] = html.unescape(_TAG.sub(" ", text))
    if "%" in text:
        out["unquoted"] = unquote(unescaped)
    if path.endswith(".ics"):
        out["ics"] = _ics_text(text)
    if path.endswith(".json"):
        with contextlib.suppress(ValueError):  # not JSON: read as text above
            out["json-strings"] = (
                json_lines(text)
                if json_lines is not None
                else "\n".join(_json_strings(json.loads(text)))
            )
    return out


def readings(path: str, data: bytes) -> list[str]:
    """Return the texts a reader could get from the file at `path`."""
    if path.endswith(".pdf"):
        return pdf_texts(data)
    return list(dict.fromkeys(labelled_readings(path, data).values()))  # each distinct once


def common_prefix(a: Sequence, b: Sequence) -> int:
    """Return the length of the longest common prefix of `a` and `b` (texts, bytes or lists,
    compared item by item): slices compared a
    growing stretch at a time, then a binary search in the stretch that differs (each
    comparison is a memcmp, and what is copied stays about the length of the answer, so a few
    megabytes take milliseconds)."""
    return _common_run(a, b, lambda text, start, end: text[start:end])


def common_suffix(a: Sequence, b: Sequence) -> int:
    """Return the length of the longest common suffix of `a` and `b` (as common_prefix,
    without reversing either text, which would copy the whole of each)."""
    return _common_run(a, b, lambda text, start, end: text[len(text) - end : len(text) - start])


def _common_run(a: str, b: str, part) -> int:
    # part(text, start, end): the characters from `start` to `end` counted from the text's
    # start (a prefix) or from its end (a suffix).
    limit = min(len(a), len(b))
    lo, step = 0, 4096
    while lo < limit:
        end = min(lo + step, limit)
        if part(a, lo, end) != part(b, lo, end):
            break
        lo, step = end, step * 2
    else:
        return limit
    hi = min(lo + step, limit)  # the first difference is before hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if part(a, lo, mid) == part(b, lo, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _changed_span(new, old, newline) -> tuple[int, int]:
    """Return where the whole lines of `new` (text or bytes; `newline` in the same kind)
    between its longest common prefix and suffix with `old` start and end."""
    prefix = common_prefix(new, old)
    prefix = new.rfind(newline, 0, prefix) + 1  # back to the start of a line
    room = min(len(new), len(old)) - prefix
    suffix = min(common_suffix(new, old), room)
    end = len(new) - suffix
    if end < len(new):  # forward to the end of a line
        cut = new.find(newline, end)
        end = len(new) if cut < 0 else cut
    return prefix, end


def _widened(text, start: int, end: int, newline, enough) -> tuple[int, int]:
    """Return `start` moved back to the start of a line and `end` ahead to the end of one,
    each a line at first and then twice as many lines at a time, until enough(text[s:start])
    and enough(text[end:e]) or the text's start and end."""
    back, lines = start, 1
    while back > 0:
        for _ in range(lines):
            if back == 0:
                break
            back = text.rfind(newline, 0, back - 1) + 1
        if enough(text[back:start]):
            break
        lines *= 2
    ahead, lines = end, 1
    while ahead < len(text):
        for _ in range(lines):
            if ahead >= len(text):
                break
            found = text.find(newline, ahead + 1)
            ahead = len(text) if found < 0 else found
        if enough(text[end:ahead]):
            break
        lines *= 2
    return back, ahead


def changed_region(new: str, old: str, context_words: int) -> str:
    """Return the part of `new` that is not in `old`: the lines between their longest common
    prefix and suffix of whole lines, with `context_words` words of the unchanged text on each
    side, so an identifier of up to `context_words` + 1 words that overlaps the change, or
    spans where two unchanged parts now meet, lies wholly inside what is returned. "" if
    `new` equals `old`. Words as the scan matches them (tokens: folded, so a letter and its
    combining accent are one word, not two).

    The unchanged prefix and suffix are `old`'s own text, in the same order, so whatever they
    hold was found (or not) when `old` was checked. Line ends separate words, and no phone
    number or postcode is matched across one, so cutting at lines cuts no identifier.
    """
    if new == old:
        return ""
    start, end = _changed_span(new, old, "\n")
    start, end = _widened(new, start, end, "\n", lambda text: len(tokens(text)) >= context_words)
    return new[start:end]


# The files a reader reads a line at a time only: each of their readings (the text, unquoted,
# a JSON file's strings: JsonLineStrings) is made line by line, so what a reader gets from a
# stretch of whole lines is that stretch's part of what they get from the whole file. Not so
# with markup (a tag may span lines, and "html-joined" joins the words either side of it) or
# an iCalendar file (folded lines are joined), so a file holding "<" is not one of them.
LINE_BY_LINE = (".csv", ".json")


def read_line_by_line(path: str, data: bytes) -> bool:
    """Return True if every reading of the file at `path` holding `data` is made line by line."""
    return path.endswith(LINE_BY_LINE) and b"<" not in data


def changed_lines(path: str, new: bytes, old: bytes, context_words: int) -> bytes:
    """Return the whole lines of `new` that are not in `old`, with at least `context_words`
    words of the unchanged lines on each side in every reading (or up to the file's start or
    end): what changed_region gives of each reading, worked out on the bytes. Comparing bytes
    is a few memcmps, where reading the new file first (decoding, unescaping, its JSON strings)
    was most of what checking a whole-register file cost at 10,000 entries (issue 16).
    b"" if `new` equals `old`.

    For files read line by line only (read_line_by_line, of `new` and of `old`): then the
    unchanged lines read as they did in `old`, which was checked, and an identifier that
    overlaps the change, or spans where two unchanged parts now meet, lies wholly inside the
    lines returned. A line end is one byte in UTF-8, never inside a character."""
    if new == old:
        return b""
    start, end = _changed_span(new, old, b"\n")
    start, end = _widened(
        new, start, end, b"\n", lambda data: _fewest_words(path, data) >= context_words
    )
    return new[start:end]


def _fewest_words(path: str, data: bytes) -> int:
    """Return how many words (as the scan matches them: tokens) the reading of `data` (whole
    lines) with the fewest has."""
    texts = labelled_readings(path, data, JsonLineStrings()).values()
    return min(len(tokens(text)) for text in texts)


# --- matching ------------------------------------------------------------------------------------

# A long text is matched a window at a time, so its words are never all held at once: the
# whole register's CSV or JSON is millions of words, and a list of them took tens of MB
# while one file was checked (issue 16, item 2). A window ends just after one of these
# characters: ASCII, and held by no word, phone run or postcode, so every word, run and
# postcode lies whole inside one window, read exactly as in the whole text, and the windows'
# words, one after the other, are the whole text's words.
_CUT = re.compile(r"[\n\r\"',:;<>{}\[\]/=&|]")
WINDOW = 256 * 1024


def windows(text: str) -> Iterator[str]:
    """Yield `text` in consecutive windows of about WINDOW characters (the text itself if
    shorter), each ending just after a cut character (_CUT) or at the text's end."""
    if len(text) <= WINDOW:
        yield text
        return
    start = 0
    while start < len(text):
        cut = _CUT.search(text, start + WINDOW)
        end = len(text) if cut is None else cut.end()
        yield text[start:end]
        start = end


# The Scanner the last run made (scanner_of), with the set of the digests of the identifiers
# it holds.
_SCANNER: list = []


def scanner_of(identifiers: list[Identifier], digests: Set[str] | None = None) -> Scanner:
    """Return a Scanner for `identifiers` (whose digests, Identifier.digest, are the set
    `digests` if given): the one the last run made, extended by those it does not hold yet,
    when every identifier it holds is among them (by digest: of every field, so an equal
    identifier made again, a candidate's, is the same to it), else a new one. The same as
    Scanner(identifiers): what a scan finds is the set of the kinds found, in whatever order
    its identifiers were given, and no two of them share a phone's digits or a postcode
    alone (_Collector keeps one of each, _key). Indexing ten thousand requesters'
    identifiers was a twentieth of a run at 10,000 entries (issue 16); when `identifiers`
    (Identifiers) were made from the very set the Scanner holds, only the ones added are
    looked at."""
    if digests is None:
        digests = digests_of(identifiers)
    elif not isinstance(digests, frozenset):
        digests = frozenset(digests)
    if _SCANNER:
        held, scanner = _SCANNER
        if (
            isinstance(identifiers, Identifiers)
            and identifiers.base is held
            and identifiers.digests is digests
            and not identifiers.removed
        ):
            new = identifiers.added
        else:
            # Those not held, picked in C (set difference), when every one held is among them.
            unheld = digests.difference(held)
            if len(digests) - len(unheld) != len(held):
                new = None
            else:
                new = [i for i in identifiers if i.digest in unheld] if unheld else []
        if new is not None:
            scanner.extend(new)
            _SCANNER[0] = digests
            return scanner
    scanner = Scanner(identifiers)
    _SCANNER[:] = [digests, scanner]
    return scanner


class Scanner:
    """Finds Identifiers in text: words by their first word, phones by digits, postcodes."""

    def __init__(self, identifiers: Iterable[Identifier]) -> None:
        self.by_first: dict[str, list[Identifier]] = {}
        self.by_digits: dict[str, Identifier] = {}
        self.by_postcode: dict[str, Identifier] = {}
        # The most words an identifier has: how much context a changed region needs.
        self.max_words = 1
        self.extend(identifiers)

    def extend(self, identifiers: Iterable[Identifier]) -> None:
        """Look for `identifiers` too, after those given so far (the first given of a phone's
        digits or a postcode is the one reported)."""
        by_first, by_digits, by_postcode = self.by_first, self.by_digits, self.by_postcode
        most = self.max_words
        for ident in identifiers:
            tokens = ident.tokens
            if tokens:
                by_first.setdefault(tokens[0], []).append(ident)
                if len(tokens) > most:
                    most = len(tokens)
            elif ident.digits:
                by_digits.setdefault(ident.digits, ident)
            elif ident.postcode:
                by_postcode.setdefault(ident.postcode, ident)
        self.max_words = most
        self.digit_lengths = sorted({len(d) for d in by_digits})
        self.first_words = frozenset(by_first)

    def kinds_in(self, text: str, summary: Summary | None = None) -> set[str]:
        """Return the kinds of identifier that occur in `text`: a long one a window at a time
        (`windows`), each window's words matched after the last words of the one before (as
        many as the longest identifier needs), so a name across a window's edge is found.

        With a `summary`, what each window holds (its words, digit runs and postcodes) is
        added to it too: found once for both, not once for the scan and again for the
        summary (Summary.add), which at 10,000 entries took as long as the scan (issue 16)."""
        found: set[str] = set()
        carried: tuple[str, ...] = ()
        keep = self.max_words - 1
        for window in windows(text):
            own = tokens(window)
            runs = _digit_runs(window) if self.by_digits or summary is not None else ()
            codes = postcodes_in(window) if self.by_postcode or summary is not None else ()
            if summary is not None:
                summary.add_parts(own, runs, codes)
            words = carried + own
            found |= self._kinds_in(words, runs, codes)
            carried = words[len(words) - keep :] if keep else ()
        return found

    def _kinds_in(
        self, words: tuple[str, ...], runs: Iterable[str], codes: Iterable[str]
    ) -> set[str]:
        """Return the kinds among `words`' names, the digit `runs` (_digit_runs) and the
        postcodes `codes` (postcodes_in) of a text."""
        found: set[str] = set()
        n = len(words)
        # Most texts hold none of the first words: a set intersection (in C) decides that.
        hits = self.first_words.intersection(words)
        for i, word in enumerate(words) if hits else ():
            if word not in hits:
                continue
            for ident in self.by_first[word]:
                size = len(ident.tokens)
                if size == 1 or (i + size <= n and tuple(words[i : i + size]) == ident.tokens):
                    found.add(ident.kind)
        if self.by_digits:
            for digits in runs:
                for size in self.digit_lengths:
                    for i in range(len(digits) - size + 1):
                        ident = self.by_digits.get(digits[i : i + size])
                        if ident:
                            found.add(ident.kind)
        if self.by_postcode:
            for code in codes:
                if code in self.by_postcode:
                    found.add(self.by_postcode[code].kind)
        return found

    def scan(
        self, path: str, texts: Iterable[str], summary: Summary | None = None
    ) -> list[Finding]:
        """Return what `texts` (the readings of the file at `path`) reveal, a finding per
        kind; with a `summary`, add what they hold to it as well (kinds_in)."""
        kinds: set[str] = set()
        for text in texts:
            kinds |= self.kinds_in(text, summary)
        return [Finding(kind, path) for kind in sorted(kinds)]


def _digit_runs(text: str) -> list[str]:
    """Return the digits of each run of digits in `text` that could be a phone number."""
    return [re.sub(r"\D", "", m.group()) for m in _PHONE_RUN.finditer(text)]


class Summary:
    """What a set of files could reveal, in brief: every word, run of digits and postcode in
    their readings. A version's summary lets one look rule out that identifiers recorded since
    it was checked occur anywhere in it (Scanner.might_occur_in). A superset of the files' real
    contents is safe: it can only send the check to the files themselves."""

    def __init__(self, words=(), digits=(), postcodes=()) -> None:
        self.words: set[str] = set(words)
        self.digits: set[str] = set(digits)
        self.postcodes: set[str] = set(postcodes)
        # A copy's source sets (copy), by identity, and what was added to it since that they
        # lack, part by part: what a check record written as changes from the source's
        # record adds (checks._save_check_record), not worked out by comparing every word.
        self.origin: tuple[set[str], set[str], set[str]] | None = None
        self.added: tuple[set[str], set[str], set[str]] = (set(), set(), set())

    def add(self, texts: Iterable[str]) -> None:
        for text in (window for whole in texts for window in windows(whole)):
            self.add_parts(tokens(text), _digit_runs(text), postcodes_in(text))

    def add_parts(self, words: Iterable[str], runs: Iterable[str], codes: Iterable[str]) -> None:
        """Add a text's words, digit runs and postcodes, found already (Scanner.kinds_in)."""
        parts = (self.words, self.digits, self.postcodes)
        for part, added, values in zip(parts, self.added, (words, runs, codes), strict=True):
            if self.origin is not None:  # a copy: what it lacks is added since (added_since)
                values = values if isinstance(values, list | tuple) else list(values)
                added.update(value for value in values if value not in part)
            part.update(values)

    def added_since(self, other: Summary) -> tuple[set[str], set[str], set[str]] | None:
        """Return, part by part, what was added to this summary since it was copied from
        `other` (the very sets, unchanged since: a summary's sets are changed only by adding),
        or None if it was not copied from `other`'s sets."""
        if self.origin is None or any(
            mine is not theirs
            for mine, theirs in zip(
                self.origin, (other.words, other.digits, other.postcodes), strict=True
            )
        ):
            return None
        return self.added

    def as_json(self, *, sort: bool = True) -> dict:
        """Return the summary as lists: sorted, unless `sort` is False (a check record, read
        back as sets: sorting tens of thousands of words and digit runs cost time each run)."""
        order = sorted if sort else list
        return {
            "words": order(self.words),
            "digits": order(self.digits),
            "postcodes": order(self.postcodes),
        }

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        return cls(data["words"], data["digits"], data["postcodes"])

    def copy(self) -> Summary:
        """Return a copy to add to, which knows what was added to it since (added_since)."""
        made = Summary(self.words, self.digits, self.postcodes)
        made.origin = (self.words, self.digits, self.postcodes)
        return made


def might_occur_in(identifiers: Iterable[Identifier], summary: Summary) -> bool:
    """Return False only if none of `identifiers` can occur in files with `summary`: a word
    identifier needs all its words there, a phone its digits inside a run, a postcode itself."""
    runs = "|".join(summary.digits)
    for ident in identifiers:
        if ident.tokens and all(t in summary.words for t in ident.tokens):
            return True
        if ident.digits and ident.digits in runs:
            return True
        if ident.postcode and ident.postcode in summary.postcodes:
            return True
    return False


PUBLISH_BLOCKED = (
    "Private details found, so nothing was published and the previous version stays online."
)


def describe(findings: list[Finding], *, outcome: str = PUBLISH_BLOCKED, limit: int = 6) -> str:
    """Return a reason staff can act on: `outcome`, then each kind of identifier found and the
    files it is in (at most `limit` named). Never the value."""
    by_kind: dict[str, list[str]] = {}
    for f in findings:
        by_kind.setdefault(f.kind, []).append(f.path)
    lines = []
    for kind, paths in sorted(by_kind.items()):
        more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
        lines.append(f"{kind.capitalize()} found in {', '.join(paths[:limit])}{more}.")
    return " ".join([outcome, *lines])
