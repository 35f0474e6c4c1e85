"""The pass over a text: every kind's matches found, overlaps resolved (the longest wins), an
address's lines merged into one block, and the spans replaced by their labels."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from publishing.anonymise.patterns import _compile, _compile_keep, _Compiled
from publishing.anonymise.subjects import (
    LABELS,
    Anonymised,
    Redaction,
    Subject,
    subjects_fingerprint,
)
from publishing.anonymise.words import (
    EMAIL,
    HANDLE,
    NAME_GAP,
    PHONE,
    POSTCODE,
    STRAIGHT_QUOTES,
    fold_key,
    phone_key,
    value_key,
)

# Overlapping matches: the longest wins; equal lengths go to the kind earlier here.
_RANK = {k: i for i, k in enumerate(("email", "website", "phone", "address", "postcode", "handle"))}


_RANK |= {"party": 6, "person": 7}


@dataclass
class _Match:
    start: int
    end: int
    kind: str
    subjects: frozenset[int] = frozenset()


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
