"""Parties as people write them (issue 16, item 6): the forms derived from a party's registered
name, the reviewed nicknames of the main parties (party_names.toml, with its sources), and the
ordinary phrases a party word must survive in ("Labour market statistics"). Pure: no Django, no
clock; the data file is read once at import."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from publishing.anonymise.words import (
    COMMON_WORDS,
    HSPACE,
    fold_key,
    word_pattern,
)

# --- parties: the forms people write ---------------------------------------------------------

# The reviewed data file: nicknames of the main parties and ordinary phrases (its sources are
# in the file). Read once, at import: a package file, no network, no clock.
_PARTY_DATA = tomllib.loads((Path(__file__).with_name("party_names.toml")).read_text("utf-8"))
# Words after a party word that make it a party ("the Yorkshire candidate").
PARTY_CONTEXT = frozenset(
    [
        "candidate",
        "candidates",
        "party",
        "member",
        "members",
        "mp",
        "mps",
        "ms",
        "msp",
        "councillor",
        "councillors",
        "supporter",
        "supporters",
        "voter",
        "voters",
        "manifesto",
        "campaign",
        "campaigns",
        "campaigner",
        "campaigners",
        "leader",
        "leaders",
        "leadership",
        "activist",
        "activists",
        "politician",
        "politicians",
        "representative",
        "representatives",
        "nominee",
        "agent",
        "group",
        "branch",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "government",
        "administration",
        "pcc",
        "commissioner",
    ]
)


def _party_key(name: str) -> str:
    return " ".join(fold_key(w) for w in name.split() if fold_key(w))


NICKNAMES: dict[str, tuple[str, ...]] = {
    _party_key(entry["registered"]): tuple(entry["forms"]) for entry in _PARTY_DATA["party"]
}
# word -> the next words that make it an ordinary phrase ("Labour market"), any case.
ORDINARY_PHRASES: dict[str, frozenset[str]] = {
    word: frozenset(nexts) for word, nexts in _PARTY_DATA["ordinary"].items()
}
_COUNTRY_TAIL = re.compile(r"\s+(?:UK|of\s+(?:Great\s+)?Britain|of\s+England\s+and\s+Wales)$", re.I)
# Party adjectives whose plural names the members: "Conservatives", "Greens", "Liberals".
_PLURAL_ENDINGS = ("ive", "al", "ist", "ian", "an", "at", "en")


@dataclass(frozen=True)
class PartyForm:
    """One way of writing a party: `form`, and whether it counts only in a party context
    ("the Yorkshire candidate": a place name on its own is not the party)."""

    form: str
    context_only: bool = False


def everyday_party_forms(registered: str) -> tuple[PartyForm, ...]:
    """Return the forms people write for the party registered as `registered`, itself first.

    By rule: a bracketed abbreviation ("(SNP)"); each part of a name in two ("Plaid Cymru - The
    Party of Wales"); without a leading "The", "and Unionist" or a trailing "Party" or "UK"
    ("Conservative", "Heritage", "Reform"), and with "Party" ("Conservative Party"); plural or
    singular ("Conservatives", "Greens", "Liberal Democrat"). From the reviewed data file
    (party_names.toml): nicknames of the main parties ("Tories", "Lib Dems"). A bare one-word
    form that is neither an ordinary word nor a listed nickname ("Yorkshire" from "The
    Yorkshire Party") counts only before a party word ("the Yorkshire candidate").
    """
    registered = " ".join(registered.split())
    if not registered:
        return ()
    forms: dict[str, bool] = {registered: False}

    def add(form: str, context_only: bool = False) -> None:
        form = form.strip(" -,")
        if len(fold_key(form)) < 2 or fold_key(form) in {"the", "party", "uk"}:
            return
        forms[form] = forms.get(form, True) and context_only

    name = registered
    for inner in re.findall(r"\(([^)]*)\)", name):
        add(inner)
    name = re.sub(r"\s*\([^)]*\)", "", name)
    for part in re.split(r"\s+[-\u2013\u2014]\s+", name):
        part = re.sub(r"^the\s+", "", part, flags=re.I)
        part = re.sub(r"\s+(?:and|&)\s+unionist\b", "", part, flags=re.I)
        add(part)
        core = re.sub(r"\s+party$", "", part, flags=re.I)
        bare = _COUNTRY_TAIL.sub("", core)
        for stem in dict.fromkeys([core, bare]):
            words = stem.split()
            lone = len(words) == 1 and fold_key(stem) not in COMMON_WORDS
            add(stem, context_only=lone)
            if stem.lower().startswith("party ") or {"and", "of", "&"} & set(stem.lower().split()):
                continue  # "Party of Wales", "Labour and Co-operative": no plural
            last = words[-1]
            if last.lower().endswith("s") and len(last) > 4:
                add(" ".join([*words[:-1], last[:-1]]), context_only=lone)
            elif last.lower().endswith(_PLURAL_ENDINGS):
                add(f"{stem}s", context_only=lone)
    for nickname in NICKNAMES.get(_party_key(registered), ()):
        forms[nickname] = False
    return tuple(PartyForm(f, c) for f, c in forms.items())


def party_pattern(form: str, *, context_only: bool = False) -> str:
    # Party words that are ordinary ("labour market", "police reform") or tiny ("Con", "Lab")
    # match only as written or in capitals; and a one-word form is kept where the next word
    # makes it an ordinary phrase ("Labour market statistics", "Green spaces").
    parts = []
    tokens = form.split()
    for i, token in enumerate(tokens):
        key = fold_key(token)
        if (key in COMMON_WORDS or len(key) <= 3) and not (i == 0 and key == "the") and key:
            alts = sorted({re.escape(token), re.escape(token.upper())})
            parts.append("(?:" + "|".join(alts) + ")")
        else:
            parts.append(word_pattern(token))
    pattern = r"\s+".join(parts)
    if context_only:
        context = "|".join(sorted(PARTY_CONTEXT))
        return rf"{pattern}(?=[{HSPACE[1:-1]}]+(?i:{context})(?!\w))"
    nexts = ORDINARY_PHRASES.get(fold_key(tokens[-1])) if tokens else None
    if nexts and len(tokens) == 1:
        ordinary = "|".join(sorted(nexts))
        pattern += rf"(?![{HSPACE[1:-1]}]+(?i:{ordinary})(?!\w))"
    return pattern
