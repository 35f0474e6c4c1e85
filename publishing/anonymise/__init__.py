"""Remove identities from text before it is published (issue 5, item 2).

Information given to one candidate is anonymised and published for all (Cumbria protocol 3.2.4,
3.4.2, 6.1.4; Norfolk 11; Cleveland 5.1, 6). The worst failure is a leak, so every e-mail address,
UK phone number and full UK postcode goes whoever it belongs to, and so does every @handle. Names,
parties, postal addresses, listed handles and websites go for the subjects the caller names. The
opposite failure, over-redaction, makes the register useless: a name part that is also an
ordinary word ("Will", "Hope") goes only where it reads as a name.

Labels: the subject label ("[candidate]" by default), "[email address]", "[phone number]",
"[postcode]", "[address]", "[party]", "[social media handle]", "[website]". A postcode on its own
is "[postcode]" (it says what went); when it sits next to a subject's address line, with at most
that address's town or county lines between, the whole block becomes one "[address]".
A possessive stays outside the span: "Castellane's" -> "[candidate]'s".

Names: kind "person", label `subject_label`. A distinctive part ("Castellane") goes in any case;
a part that is a common word (COMMON_WORDS) only when capitalised and next to another part, after
a title or a greeting ("Dear Will"), or possessive; a part of one or two letters ("Ng") when
capitalised. Party words that are ordinary ("Labour", "Green", "Reform") and short forms of up
to three letters ("Lab", "Con") match as written or in capitals only, so "labour market" survives.

Known limits (a reviewer sees every draft before publication, issue 5 item 3): a lone capitalised
common-word name at the start of a sentence survives ("Hope said"); so do a street named without
its number, non-UK phone numbers other than a subject's own, nicknames not given as aliases, and
names spelt differently from the subject's record. "Green spaces" at the start of a sentence
loses "Green" when a subject stands for the Green Party.

Pure and deterministic: no Django, no clock, no model download. Patterns are compiled once per set
of subjects (lru_cache on `subjects_fingerprint`); Python loops only over regex matches.

The module is a package: words.py (the words and patterns of one identifier), parties.py (the
forms people write for a party), and here the subjects, the compiled patterns and `anonymise`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from publishing.anonymise.parties import (  # the party names are importable from here, as before
    NICKNAMES,
    ORDINARY_PHRASES,
    PARTY_CONTEXT,
    PartyForm,
    everyday_party_forms,
    party_pattern,
)
from publishing.anonymise.words import (
    APOSTROPHES,
    COMMON_WORDS,
    DASHES,
    EDGE_PUNCT,
    EMAIL,
    FRAMES,
    HANDLE,
    NAME_CUES,
    NAME_GAP,
    PARTICLES,
    PHONE,
    POSTCODE,
    STRAIGHT_QUOTES,
    TITLES,
    address_lines,
    address_pattern,
    alternation,
    classify,
    fold_key,
    phone_key,
    phone_pattern,
    value_key,
    word_pattern,
)

__all__ = [
    "COMMON_WORDS",
    "LABELS",
    "NICKNAMES",
    "ORDINARY_PHRASES",
    "PARTY_CONTEXT",
    "Anonymised",
    "PartyForm",
    "Redaction",
    "Subject",
    "anonymise",
    "everyday_party_forms",
    "subjects_fingerprint",
]

LABELS = {
    "email": "[email address]",
    "phone": "[phone number]",
    "postcode": "[postcode]",
    "address": "[address]",
    "party": "[party]",
    "handle": "[social media handle]",
    "website": "[website]",
}
# Overlapping matches: the longest wins; equal lengths go to the kind earlier here.
_RANK = {k: i for i, k in enumerate(("email", "website", "phone", "address", "postcode", "handle"))}
_RANK |= {"party": 6, "person": 7}


@dataclass
class Subject:
    """A person whose identity must not be published."""

    name: str
    aliases: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    party: str | None = None  # the party's registered name
    party_short_forms: list[str] = field(default_factory=list)  # "Labour", "the Tories", ...
    handles: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Redaction:
    start: int  # span in the ORIGINAL text
    end: int
    kind: str  # "person", "email", "phone", "postcode", "address", "party", "handle", "website"
    label: str  # the replacement, e.g. "[candidate]"
    original: str


@dataclass(frozen=True)
class Anonymised:
    text: str
    redactions: tuple[Redaction, ...]


@dataclass
class _Match:
    start: int
    end: int
    kind: str
    subjects: frozenset[int] = frozenset()


def subjects_fingerprint(subjects: Sequence[Subject]) -> tuple:
    """Return a hashable key for a list of subjects (the cache key of their compiled patterns)."""
    return tuple(
        (
            s.name,
            tuple(s.aliases),
            tuple(s.emails),
            tuple(s.phones),
            tuple(s.addresses),
            s.party,
            tuple(s.party_short_forms),
            tuple(s.handles),
            tuple(s.websites),
        )
        for s in subjects
    )


def _name_words(name: str) -> list[str]:
    """Return the words of a name, given names first: "Castellane, Priya" and the SoPN's
    "CASTELLANE Priya" -> ["Priya", "Castellane"]; titles and edge punctuation ("(Tony)") go."""
    if "," in name:
        surname, given = name.split(",", 1)
        name = f"{given} {surname}"
    # "(Tony)" -> "Tony": punctuation around a word is not part of the name.
    words = [w for w in (EDGE_PUNCT.sub("", w) for w in name.split()) if w]
    while len(words) > 1 and words[0].rstrip(".") in TITLES:  # "Dr", not "Di" (a name)
        words.pop(0)
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if upper and len(upper) < len(words) and words[: len(upper)] == upper:
        words = words[len(upper) :] + upper
    return words


@dataclass(frozen=True)
class _Compiled:
    names: re.Pattern[str] | None
    tokens: dict[str, dict[int, str]]  # name key -> {subject index: class}
    initials: dict[str, frozenset[int]]
    others: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, pattern); groups "s<index>"
    fillers: dict[int, frozenset[str]]  # subject -> keys of address lines not redacted alone


def _group(kind: str, kind_patterns: dict[int, dict[str, int]]) -> str | None:
    """Return one regex for a kind, a group "s<index>" per subject. The shared lookarounds stand
    outside the groups: per-branch lookbehinds made a 50 KB scan ten times slower."""
    alts = [f"(?P<s{i}>{alternation(p)})" for i, p in sorted(kind_patterns.items()) if p]
    head, tail = FRAMES[kind]
    return f"{head}(?:{'|'.join(alts)}){tail}" if alts else None


@lru_cache(maxsize=64)
def _compile(fingerprint: tuple) -> _Compiled:
    tokens: dict[str, dict[int, str]] = {}
    token_src: dict[str, str] = {}
    surnames: dict[str, int] = {}
    initials: dict[str, set[int]] = {}
    rank = {"connector": 0, "weak": 1, "cap": 2, "strong": 3}
    kinds: dict[str, dict[int, dict[str, int]]] = {
        k: {} for k in ("email", "phone", "address", "handle", "website", "party")
    }
    fillers: dict[int, frozenset[str]] = {}

    def add(word: str, index: int, cls: str) -> None:
        key = fold_key(word)
        if not key:
            return
        token_src.setdefault(key, word)
        held = tokens.setdefault(key, {})
        if index not in held or rank[cls] > rank[held[index]]:
            held[index] = cls

    for index, (
        name,
        aliases,
        emails,
        phones,
        addresses,
        party,
        shorts,
        handles,
        sites,
    ) in enumerate(fingerprint):
        words = _name_words(name)
        # A particle ("van", "Ó") leads into the surname; first, it is a given name ("Di").
        classes = [classify(w, particle=i > 0) for i, w in enumerate(words)]
        last = max((i for i, c in enumerate(classes) if c != "connector"), default=-1)
        for i, word in enumerate(words):
            if len(fold_key(word)) == 1 and classes[i] != "connector":  # "Priya J. Castellane"
                initials.setdefault(fold_key(word).upper(), set()).add(index)
                continue
            add(word, index, classes[i])
            pieces = [word, *re.split(f"[{DASHES}]", word)] if set(word) & set(DASHES) else [word]
            for piece in pieces[1:]:  # a double-barrelled part alone: distinctive ones only
                if len(fold_key(piece)) >= 4 and classify(piece) == "strong":
                    add(piece, index, "strong")
            if i == last:
                for piece in pieces:
                    surnames[word_pattern(piece)] = len(piece)
            elif i < last and classes[i] != "connector":
                initials.setdefault(fold_key(word)[0].upper(), set()).add(index)
        for alias in aliases:
            if len(alias.split()) == 1:
                add(alias, index, classify(alias))
            elif all(fold_key(w) in COMMON_WORDS for w in alias.split()):
                add(alias, index, "cap")
            else:
                add(alias, index, "strong")
        for email in emails:
            kinds["email"].setdefault(index, {})[word_pattern(email)] = len(email)
        for phone in phones:
            if pattern := phone_pattern(phone):
                kinds["phone"].setdefault(index, {})[pattern] = len(phone)
        other_lines: set[str] = set()
        for address in addresses:
            specific, other = address_lines(address)
            for line in specific:
                kinds["address"].setdefault(index, {})[address_pattern(line)] = len(line)
            other_lines |= {fold_key(line) for line in other}
        fillers[index] = frozenset(other_lines)
        # The registered name and the forms people write for it (everyday_party_forms), then
        # the short forms staff added for this election.
        written = [*everyday_party_forms(party)] if party else []
        written += [PartyForm(form) for form in shorts]
        for f in written:
            kinds["party"].setdefault(0, {})[party_pattern(f.form, context_only=f.context_only)] = (
                len(f.form)
            )
        for handle in handles:
            bare = handle.strip().lstrip("@")
            if not bare:
                continue
            at = "@" if fold_key(bare) in COMMON_WORDS or len(bare) < 4 else "@?"
            pattern = rf"{at}{word_pattern(bare)}"
            kinds["handle"].setdefault(index, {})[pattern] = len(bare)
        for site in sites:
            site = re.sub(r"^(?:https?://)?(?:www\.)?", "", site.strip(), flags=re.I).rstrip("/")
            if not site:
                continue
            kinds["website"].setdefault(index, {})[rf"(?i:{re.escape(site)})"] = len(site)

    names = None
    if tokens:
        tok_alts: dict[str, int] = {}
        for key, held in tokens.items():
            capital = all(cls in ("weak", "cap") for cls in held.values())
            tok_alts[word_pattern(token_src[key], capital_first=capital)] = len(token_src[key])
        titles = "|".join(
            word_pattern(t, capital_first=True) for t in sorted(TITLES, key=len, reverse=True)
        )
        title = rf"(?:{titles})\.?\s+"
        ini = "(?P<ini>(?!x)x)|"  # never matches: keeps the group for callers
        if initials and surnames:
            letters = "".join(sorted(initials))
            ini = (
                rf"(?P<ini>[{letters}])(?:\.|(?=\s))(?=\s*(?:[^\W\d_](?:\.\s*|\s+)){{0,3}}"
                rf"(?:(?i:{'|'.join(sorted(PARTICLES))})\s+){{0,3}}(?:{alternation(surnames)})(?!\w))|"
            )
        names = re.compile(
            rf"(?<!\w)(?<!\w[{APOSTROPHES}])(?P<cue>{NAME_CUES})?(?P<title>{title}(?:{title})?)?(?:{ini}"
            rf"(?P<tok>{alternation(tok_alts)})(?P<suf>[{APOSTROPHES}]s|s[{APOSTROPHES}]|[{APOSTROPHES}]|s)?(?!\w))"
        )
    others = []
    for kind, by_subject in kinds.items():
        if pattern := _group(kind, by_subject):
            others.append((kind, re.compile(pattern)))
    return _Compiled(
        names=names,
        tokens=tokens,
        initials={k: frozenset(v) for k, v in initials.items()},
        others=tuple(others),
        fillers=fillers,
    )


@lru_cache(maxsize=64)
def _compile_keep(keep: tuple[str, ...]) -> tuple[re.Pattern[str] | None, frozenset[str]]:
    patterns, keys = [], set()
    for value in keep:
        if not value.strip():
            continue
        keys.add(value_key(value))
        if re.fullmatch(r"[\d\s+().\-]+", value) and (phone := phone_key(value)):
            keys.add("tel:" + phone)
            head, tail = FRAMES["phone"]
            patterns.append(f"{head}{phone_pattern(value)}{tail}")
        else:
            patterns.append(r"\s*".join(word_pattern(w) for w in value.split()))
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    return pattern, frozenset(keys)


def _url_start(text: str, start: int) -> int:
    """Return where a listed website's URL starts: back over "www." or any subdomain, then over
    "http(s)://". (Matching these in the regex cost a scan at every position; a backward regex
    search here could be quadratic on hostile text: this walk is linear.)"""
    while (
        start >= 2
        and text[start - 1] == "."
        and (text[start - 2].isalnum() or text[start - 2] in "_-")
    ):
        start -= 1
        while start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
            start -= 1
    for scheme in ("https://", "http://"):
        if text[max(0, start - len(scheme)) : start].lower() == scheme:
            return start - len(scheme)
    return start


def _name_start(m: re.Match[str]) -> int:
    """Return where a name hit starts: its title, else its initial or word (never the cue)."""
    for group in ("title", "ini", "tok"):
        if m.group(group):
            return m.start(group)
    return m.start()


def _name_matches(text: str, compiled: _Compiled) -> list[_Match]:
    """Return the name parts that read as a subject's name (see COMMON_WORDS)."""
    if compiled.names is None:
        return []
    chains: list[list[tuple[re.Match[str], dict[int, str]]]] = []
    last_end = -1
    for m in compiled.names.finditer(text):
        if m.group("ini"):
            held = {i: "initial" for i in compiled.initials.get(m.group("ini"), ())}
        else:
            held = compiled.tokens.get(fold_key(m.group("tok")), {})
        if not held:
            continue
        if chains and NAME_GAP.fullmatch(text, last_end, _name_start(m)):
            chains[-1].append((m, held))
        else:
            chains.append([(m, held)])
        last_end = m.end()
    out: list[_Match] = []
    for chain in chains:
        for index in sorted({i for _, held in chain for i in held}):
            parts = [(n, m, held[index]) for n, (m, held) in enumerate(chain) if index in held]
            # Parts that make a neighbour read as a name ("Will Rose", "W. Rose"), counted once:
            # recounting for every part would be quadratic on a long run of names. An initial
            # without its full stop does not count: "I Hope", "A Hunt" are too often words.
            supports = {
                n
                for n, m, cls in parts
                if cls == "strong"
                or (cls == "initial" and m.group(0).endswith("."))
                or (cls in ("weak", "cap") and m.group("tok")[:1].isupper())
            }
            named = set()
            for n, m, cls in parts:
                tok = m.group("tok") or ""
                capital = tok[:1].isupper()
                suf = (m.group("suf") or "").translate(STRAIGHT_QUOTES)
                cue = m.group("title") or m.group("cue")  # "Mr Rose", "Dear Will"
                possessive = suf in ("'s", "s'") or (suf == "'" and tok.lower().endswith("s"))
                others = len(supports) - (n in supports) > 0
                if (
                    cls == "strong"
                    or (cls == "cap" and capital)
                    or (cls == "weak" and capital and (cue or possessive or others))
                ):
                    named.add(n)
            if not named:
                continue
            for n, m, cls in parts:
                if n in named or cls in ("connector", "initial"):
                    if cls == "connector" and m.group("suf"):
                        continue
                    start = _name_start(m)
                    end = m.end() if m.group("ini") else m.end("tok")
                    end += 1 if (m.group("suf") or "").startswith("s") else 0
                    out.append(_Match(start, end, "person", frozenset({index})))
    return out


def _merge(text: str, matches: list[_Match], fillers: dict[int, frozenset[str]]) -> list[_Match]:
    """Return non-overlapping matches: overlaps resolved (longest wins), adjacent name parts of
    one subject joined, and an address line joined to its postcode."""
    matches.sort(key=lambda m: (m.start, -(m.end - m.start), _RANK[m.kind]))
    resolved: list[_Match] = []
    cluster: list[_Match] = []
    for m in [*matches, None]:
        if m is not None and cluster and m.start < max(c.end for c in cluster):
            cluster.append(m)
            continue
        if cluster:
            win = min(cluster, key=lambda c: (-(c.end - c.start), _RANK[c.kind], c.start))
            subjects = frozenset().union(*(c.subjects for c in cluster if c.kind == win.kind))
            end = max(c.end for c in cluster)
            resolved.append(_Match(cluster[0].start, end, win.kind, subjects))
        cluster = [m] if m is not None else []
    joined: list[_Match] = []
    for m in resolved:
        prev = joined[-1] if joined else None
        gap = text[prev.end : m.start] if prev else ""
        if (
            prev
            and prev.kind == m.kind == "person"
            and prev.subjects & m.subjects
            and NAME_GAP.fullmatch(gap)
        ):
            joined[-1] = _Match(prev.start, m.end, "person", prev.subjects | m.subjects)
        elif (
            prev
            and {prev.kind, m.kind} <= {"address", "postcode"}
            and "address" in (prev.kind, m.kind)
            and len(gap) <= 80
            and _only_fillers(gap, prev.subjects | m.subjects, fillers)
        ):
            joined[-1] = _Match(prev.start, m.end, "address", prev.subjects | m.subjects)
        else:
            joined.append(m)
    return joined


def _only_fillers(gap: str, subjects: frozenset[int], fillers: dict[int, frozenset[str]]) -> bool:
    allowed = frozenset().union(*(fillers.get(i, frozenset()) for i in subjects))
    return all(not fold_key(p) or fold_key(p) in allowed for p in re.split(r"[,\n;]+", gap))


def anonymise(
    text: str,
    subjects: Sequence[Subject],
    keep: Sequence[str] = (),
    *,
    subject_label: str = "[candidate]",
) -> Anonymised:
    """Return `text` with the subjects' identities and anyone's contact details replaced.

    Every e-mail address, UK phone number, full UK postcode and @handle goes; for each subject,
    the name in every written form, aliases, party, e-mail, phones, address, handles and websites
    go. A match inside an occurrence of a `keep` string, or equal to one once normalised (case,
    spacing, "+44"), survives: the office's and the PARO's public contacts.
    """
    compiled = _compile(subjects_fingerprint(subjects))
    matches = _name_matches(text, compiled)
    for kind, regex in (("email", EMAIL), ("phone", PHONE), ("postcode", POSTCODE)):
        matches += [_Match(m.start(), m.end(), kind) for m in regex.finditer(text)]
    matches += [_Match(m.start(), m.end(), "handle") for m in HANDLE.finditer(text)]
    for kind, regex in compiled.others:
        for m in regex.finditer(text):
            start = m.start()
            if kind == "website":
                start = _url_start(text, start)
            index = int(m.lastgroup[1:]) if m.lastgroup else -1
            matches.append(_Match(start, m.end(), kind, frozenset({index})))

    keep_re, keep_keys = _compile_keep(tuple(keep))
    if keep_re is not None or keep_keys:
        # Kept occurrences do not overlap (finditer), so the one starting last at or before a
        # match is the only one that can contain it.
        kept = [(m.start(), m.end()) for m in keep_re.finditer(text)] if keep_re else []
        starts = [s for s, _ in kept]

        def is_kept(m: _Match) -> bool:
            i = bisect_right(starts, m.start) - 1
            if i >= 0 and m.end <= kept[i][1]:
                return True
            value = text[m.start : m.end]
            if value_key(value) in keep_keys:
                return True
            return m.kind == "phone" and f"tel:{phone_key(value)}" in keep_keys

        matches = [m for m in matches if not is_kept(m)]

    redactions = []
    pieces, pos = [], 0
    for m in _merge(text, matches, compiled.fillers):
        label = subject_label if m.kind == "person" else LABELS[m.kind]
        redactions.append(Redaction(m.start, m.end, m.kind, label, text[m.start : m.end]))
        pieces += [text[pos : m.start], label]
        pos = m.end
    pieces.append(text[pos:])
    return Anonymised("".join(pieces), tuple(redactions))
