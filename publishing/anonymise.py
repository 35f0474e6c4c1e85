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
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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

# Words a name part may share with ordinary English. Such a part is redacted only where it reads
# as a name (capitalised and next to another part, after a title, or possessive), so "we will
# hope" survives a candidate called Will Hope. Party words here match only as capitalised.
_COMMON_TEXT = """
    a about above after again against all also am an and any are as at back bad bank be because
    been before being below best between big black bill bird bishop bond both brook brown burns
    but by call can care case chance change chase child church city close cook could council
    country county court cover cross crown dale dam date dawn day deal dean did do does done down
    drew duke during each earl east end even fair faith fall far field fields fine fire first
    fish fisher ford forest fox frank free french full general get give glen go gold good grace
    grant gray great green greens grey group guy hale hall hand hard hart hay head heart heath
    heather help her here heritage high hill him his holly home hope house how hunt hunter i if in
    into iris is it its ivy jack jay joy just keep key kind king knight lake lamb lane last late
    law lead leave left liberal life light lily line little long look lord lot love made make man
    mark marsh mason matter may me mean meet might miles mill mind miss money moore more most must
    my name near need new next night no noble north not note now number of off office old olive
    on once only open or order other our out over own page park part party pat pay pearl penny
    people peoples place plaid plan play point police power price public put rich right river rob
    robin rock room rose round ruby rule run safe sandy say see send set shall sharp short show side
    sign silver sky small snow so social some south spring stand start state stay steel still
    stone stop storm story street strong sue summer sunny support sure swan sweet take talk tell
    temple term than thank that the their them then there these they thing think this those time
    to today tree turn under until up us use very view violet vote wait walker wall want ward
    watch water waters way we week well wells were west what when where which white who why will
    wise with wolf wood woods word work workers worker world would write yard year yes yet you
    young your labour conservative reform independence independent democratic national alliance
    coalition union trade equality women english january february march april june july august
    september october november december monday tuesday wednesday thursday friday saturday sunday
    autumn winter christmas easter baker butcher carter turner porter hunter cooper taylor bell
    dove drake hawk hood horn herring snow booth chambers banks rivers crane page victor
"""
COMMON_WORDS = frozenset(_COMMON_TEXT.split())
_PARTICLE_TEXT = (
    "de da di del della der den des du la le van von ter ten bin ibn al el ap ab o ó ní nic ua mac"
)
PARTICLES = frozenset(_PARTICLE_TEXT.split())
_TITLE_TEXT = (
    "Mr Mrs Ms Miss Mx Master Dr Doctor Cllr Councillor Sir Dame Lord Lady Baroness Baron Prof "
    "Professor Rev Revd Reverend Hon Rt PC PCSO Sgt Insp Inspector Supt Ch DC DS DI DCI Det"
)
TITLES = tuple(_TITLE_TEXT.split())
_STREET = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "crescent": "cres",
    "place": "pl",
    "court": "ct",
    "gardens": "gdns",
    "square": "sq",
    "terrace": "terr",
}
_STREET |= {v: k for k, v in _STREET.items()}

_APOS = "'\u2019\u2018\u02bc"  # straight, curly right and left, modifier letter
_DASH = "-\u2010\u2011\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, en dash
_HSPACE = r"[ \t\u00a0]"
_SEP = r"[ \t\u00a0.\-()]{0,3}"  # between the digits of a phone number
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w.]+$")
_STRAIGHT = {ord(a): "'" for a in _APOS}
# Words that announce a name without being part of it: "Dear Will," or "Regards,\nWill".
_CUES = (
    r"(?:(?i:dear|hi|hello|hey|thanks|thank\s+you|regards|wishes|yours|cheers|sincerely|"
    r"faithfully)[ \t]*,?\s+)"
)
_NAME_GAP = re.compile(rf"{_HSPACE}*(?:\r?\n{_HSPACE}*)?")  # name parts on one line, or wrapped

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# +44 7700 900123, 07700 900123, (0113) 496 0123, +44 (0)20 7946 0123, 0800 123 4567: a 0 (or
# +44/0044) and 9 or 10 national digits, spaces, dots, hyphens or brackets between.
_PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00){_HSPACE}*44{_HSPACE}*(?:\(0\){_HSPACE}*)?|\(?0)[1-9]"
    rf"(?:{_SEP}\d){{8,9}}(?!\d)"
)
# Full UK postcodes, any case, space optional; "B1 4th" (an ordinal) is not one.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?i:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t\u00a0]?"
    r"(?!(?-i:\d(?:st|nd|rd|th)))\d[ABD-HJLNP-UW-Z]{2}|GIR ?0AA)(?![A-Za-z0-9])"
)
_HANDLE = re.compile(
    r"(?<![\w@.%+-])@[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
)
_URL_TAIL = r"(?![\w-]|\.[A-Za-z0-9])(?:[/?#](?:[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?])?)?"
_FRAMES = {  # kind -> (head, tail) around the subjects' alternatives
    "email": (r"(?<![\w.%+-])", r"(?![\w-]|\.\w)"),
    "phone": (r"(?<![\d+])(?=[\d+(])", r"(?!\d)"),
    "address": (r"(?<!\w)", r"(?!\w)"),
    "handle": (r"(?<![\w@.])", r"(?![\w-]|\.\w)"),
    "website": (r"(?<![\w-])", _URL_TAIL),
    "party": (r"(?<!\w)", r"(?!\w)"),
}


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


def _key(value: str) -> str:
    """Return the letters of `value`, accents dropped, case folded: "O'Brien" -> "obrien"."""
    return "".join(c for c in unicodedata.normalize("NFD", value) if c.isalpha()).casefold()


def _char(c: str) -> str:
    # "ë" also matches its decomposed form and a plain "e": people drop accents.
    nfd = unicodedata.normalize("NFD", c)
    base = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    forms = sorted({c, nfd, base} - {""}, key=lambda f: (-len(f), f))
    return re.escape(forms[0]) if len(forms) == 1 else "(?:" + "|".join(map(re.escape, forms)) + ")"


def _word(word: str, *, capital_first: bool = False) -> str:
    """Return a regex for a name or phrase: any case (first letter capital if asked), accents
    optional, any apostrophe (or none), any dash (or a space), any run of spaces."""
    out, first = [], True
    for c in word:
        if c in _APOS:
            out.append(rf"(?:[{_APOS}]\s?|\s)?")
        elif c in _DASH:
            out.append(rf"(?:\s*[{_DASH}]\s*|\s+)")
        elif c.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif not c.isalnum():
            out.append(re.escape(c) + "?")
        elif first and capital_first:
            out.append("(?:" + "|".join(sorted({_char(c.upper()), _char(c.upper()[0])})) + ")")
            first = False
        else:
            out.append(_char(c))
            first = False
    if capital_first and out and out[0].startswith("(?:"):
        return out[0] + "(?i:" + "".join(out[1:]) + ")"
    return "(?i:" + "".join(out) + ")"


def _alternation(patterns: dict[str, int]) -> str:
    """Return patterns as one alternation, longest source first (regex alternation is ordered)."""
    return "|".join(p for p, _ in sorted(patterns.items(), key=lambda kv: (-kv[1], kv[0])))


def _classify(word: str, *, particle: bool = True) -> str:
    key = _key(word)
    if particle and key in PARTICLES:
        return "connector"  # "Ó", "van": only next to the rest of the name
    if key in COMMON_WORDS:
        return "weak"  # capitalised and in context only
    if len(key) <= 2:
        return "cap"  # "Ng", "Wu": capitalised only
    return "strong"  # "Castellane", "Priya": any case, anywhere


def _phone_key(value: str) -> str | None:
    """Return the digits of a phone number in national form ("+44 (0)116" -> "0116...")."""
    value = value.replace("(0)", "")
    digits = re.sub(r"\D", "", value)
    if value.lstrip().startswith("+"):
        digits = "0" + digits[2:] if digits.startswith("44") else "+" + digits
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if len(digits.lstrip("+")) >= 7 else None


def _phone_pattern(value: str) -> str | None:
    """Return a regex for one phone number in any spacing, national or +44 (framed by _FRAMES)."""
    key = _phone_key(value)
    if key is None:
        return None
    if key.startswith("0"):
        rest = _SEP.join(key[1:])
        intl = rf"(?:\+|00){_HSPACE}*44{_HSPACE}*(?:\(0\){_HSPACE}*)?"
        return rf"(?:\(?0{_SEP}|{intl}){rest}"
    return rf"(?:(?:\+|00){_HSPACE}*)?{_SEP.join(key.lstrip('+'))}"


def _value_key(value: str) -> str:
    """Return `value` normalised for keep-list equality: case, spaces, scheme, www, @ ignored."""
    v = unicodedata.normalize("NFKC", value).casefold().translate(_STRAIGHT)
    v = re.sub(r"\s+", "", v)
    v = re.sub(r"^(?:mailto:|https?://)?(?:www\.)?@?", "", v)
    return v.rstrip("/.")


def _address_lines(address: str) -> tuple[list[str], list[str]]:
    """Return (specific lines, other lines) of an address. Specific: the first line (a house name)
    and any line with a number; towns and counties alone would over-redact."""
    lines = [p.strip() for p in re.split(r"[,\n;]+", address) if p.strip()]
    joined: list[str] = []
    for line in lines:  # "1, Fictional Row" is one line
        if joined and re.fullmatch(r"\d+[A-Za-z]?", joined[-1]):
            joined[-1] += " " + line
        else:
            joined.append(line)
    specific, other = [], []
    for i, line in enumerate(joined):
        if _POSTCODE.fullmatch(line):
            continue  # every postcode goes anyway
        if (i == 0 or re.search(r"\d", line)) and len(_key(line) + re.sub(r"\D", "", line)) >= 3:
            specific.append(line)
        else:
            other.append(line)
    return specific, other


def _address_pattern(line: str) -> str:
    parts = []
    for token in re.split(r"[\s,]+", line):
        low = token.lower().rstrip(".")
        if low in _STREET:
            full, short = sorted((low, _STREET[low]), key=len, reverse=True)
            parts.append(rf"(?i:{full}|{short}\.?)")
        else:
            parts.append(_word(token))
    return r"(?:\s*,\s*|\s+)".join(parts)


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
    return " ".join(_key(w) for w in name.split() if _key(w))


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
        if len(_key(form)) < 2 or _key(form) in {"the", "party", "uk"}:
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
            lone = len(words) == 1 and _key(stem) not in COMMON_WORDS
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


def _party_pattern(form: str, *, context_only: bool = False) -> str:
    # Party words that are ordinary ("labour market", "police reform") or tiny ("Con", "Lab")
    # match only as written or in capitals; and a one-word form is kept where the next word
    # makes it an ordinary phrase ("Labour market statistics", "Green spaces").
    parts = []
    tokens = form.split()
    for i, token in enumerate(tokens):
        key = _key(token)
        if (key in COMMON_WORDS or len(key) <= 3) and not (i == 0 and key == "the") and key:
            alts = sorted({re.escape(token), re.escape(token.upper())})
            parts.append("(?:" + "|".join(alts) + ")")
        else:
            parts.append(_word(token))
    pattern = r"\s+".join(parts)
    if context_only:
        context = "|".join(sorted(PARTY_CONTEXT))
        return rf"{pattern}(?=[{_HSPACE[1:-1]}]+(?i:{context})(?!\w))"
    nexts = ORDINARY_PHRASES.get(_key(tokens[-1])) if tokens else None
    if nexts and len(tokens) == 1:
        ordinary = "|".join(sorted(nexts))
        pattern += rf"(?![{_HSPACE[1:-1]}]+(?i:{ordinary})(?!\w))"
    return pattern


def _name_words(name: str) -> list[str]:
    """Return the words of a name, given names first: "Castellane, Priya" and the SoPN's
    "CASTELLANE Priya" -> ["Priya", "Castellane"]; titles and edge punctuation ("(Tony)") go."""
    if "," in name:
        surname, given = name.split(",", 1)
        name = f"{given} {surname}"
    # "(Tony)" -> "Tony": punctuation around a word is not part of the name.
    words = [w for w in (_EDGE_PUNCT.sub("", w) for w in name.split()) if w]
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
    alts = [f"(?P<s{i}>{_alternation(p)})" for i, p in sorted(kind_patterns.items()) if p]
    head, tail = _FRAMES[kind]
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
        key = _key(word)
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
        classes = [_classify(w, particle=i > 0) for i, w in enumerate(words)]
        last = max((i for i, c in enumerate(classes) if c != "connector"), default=-1)
        for i, word in enumerate(words):
            if len(_key(word)) == 1 and classes[i] != "connector":  # "Priya J. Castellane"
                initials.setdefault(_key(word).upper(), set()).add(index)
                continue
            add(word, index, classes[i])
            pieces = [word, *re.split(f"[{_DASH}]", word)] if set(word) & set(_DASH) else [word]
            for piece in pieces[1:]:  # a double-barrelled part alone: distinctive ones only
                if len(_key(piece)) >= 4 and _classify(piece) == "strong":
                    add(piece, index, "strong")
            if i == last:
                for piece in pieces:
                    surnames[_word(piece)] = len(piece)
            elif i < last and classes[i] != "connector":
                initials.setdefault(_key(word)[0].upper(), set()).add(index)
        for alias in aliases:
            if len(alias.split()) == 1:
                add(alias, index, _classify(alias))
            elif all(_key(w) in COMMON_WORDS for w in alias.split()):
                add(alias, index, "cap")
            else:
                add(alias, index, "strong")
        for email in emails:
            kinds["email"].setdefault(index, {})[_word(email)] = len(email)
        for phone in phones:
            if pattern := _phone_pattern(phone):
                kinds["phone"].setdefault(index, {})[pattern] = len(phone)
        other_lines: set[str] = set()
        for address in addresses:
            specific, other = _address_lines(address)
            for line in specific:
                kinds["address"].setdefault(index, {})[_address_pattern(line)] = len(line)
            other_lines |= {_key(line) for line in other}
        fillers[index] = frozenset(other_lines)
        # The registered name and the forms people write for it (everyday_party_forms), then
        # the short forms staff added for this election.
        written = [*everyday_party_forms(party)] if party else []
        written += [PartyForm(form) for form in shorts]
        for f in written:
            kinds["party"].setdefault(0, {})[
                _party_pattern(f.form, context_only=f.context_only)
            ] = len(f.form)
        for handle in handles:
            bare = handle.strip().lstrip("@")
            if not bare:
                continue
            at = "@" if _key(bare) in COMMON_WORDS or len(bare) < 4 else "@?"
            pattern = rf"{at}{_word(bare)}"
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
            tok_alts[_word(token_src[key], capital_first=capital)] = len(token_src[key])
        titles = "|".join(
            _word(t, capital_first=True) for t in sorted(TITLES, key=len, reverse=True)
        )
        title = rf"(?:{titles})\.?\s+"
        ini = "(?P<ini>(?!x)x)|"  # never matches: keeps the group for callers
        if initials and surnames:
            letters = "".join(sorted(initials))
            ini = (
                rf"(?P<ini>[{letters}])(?:\.|(?=\s))(?=\s*(?:[^\W\d_](?:\.\s*|\s+)){{0,3}}"
                rf"(?:(?i:{'|'.join(sorted(PARTICLES))})\s+){{0,3}}(?:{_alternation(surnames)})(?!\w))|"
            )
        names = re.compile(
            rf"(?<!\w)(?<!\w[{_APOS}])(?P<cue>{_CUES})?(?P<title>{title}(?:{title})?)?(?:{ini}"
            rf"(?P<tok>{_alternation(tok_alts)})(?P<suf>[{_APOS}]s|s[{_APOS}]|[{_APOS}]|s)?(?!\w))"
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
        keys.add(_value_key(value))
        if re.fullmatch(r"[\d\s+().\-]+", value) and (phone := _phone_key(value)):
            keys.add("tel:" + phone)
            head, tail = _FRAMES["phone"]
            patterns.append(f"{head}{_phone_pattern(value)}{tail}")
        else:
            patterns.append(r"\s*".join(_word(w) for w in value.split()))
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
            held = compiled.tokens.get(_key(m.group("tok")), {})
        if not held:
            continue
        if chains and _NAME_GAP.fullmatch(text, last_end, _name_start(m)):
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
                suf = (m.group("suf") or "").translate(_STRAIGHT)
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
            and _NAME_GAP.fullmatch(gap)
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
    return all(not _key(p) or _key(p) in allowed for p in re.split(r"[,\n;]+", gap))


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
    for kind, regex in (("email", _EMAIL), ("phone", _PHONE), ("postcode", _POSTCODE)):
        matches += [_Match(m.start(), m.end(), kind) for m in regex.finditer(text)]
    matches += [_Match(m.start(), m.end(), "handle") for m in _HANDLE.finditer(text)]
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
            if _value_key(value) in keep_keys:
                return True
            return m.kind == "phone" and f"tel:{_phone_key(value)}" in keep_keys

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
