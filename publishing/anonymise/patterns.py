"""The subjects' patterns, compiled once per set of subjects (lru_cache on their fingerprint): names
and their parts, e-mails, phones, addresses, parties, handles and websites, one regex per kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from publishing.anonymise.parties import (
    PartyForm,
    everyday_party_forms,
    party_pattern,
)
from publishing.anonymise.words import (
    APOSTROPHES,
    COMMON_WORDS,
    DASHES,
    EDGE_PUNCT,
    FRAMES,
    NAME_CUES,
    PARTICLES,
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
