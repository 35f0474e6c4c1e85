"""The words and patterns of one identifier: the ordinary words a name part may share (a part
that is one is redacted only where it reads as a name), titles and particles, the patterns of
e-mail addresses, UK phone numbers, postcodes and handles found whoever they belong to, and the
regex of one name, phone number or address line as people write it (any case, accents and
apostrophes optional, any spacing). Pure: no Django, no clock. Used by the anonymiser
(publishing.anonymise) and the party forms (parties.py)."""

from __future__ import annotations

import re
import unicodedata

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
STREET_WORDS = {
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
STREET_WORDS |= {v: k for k, v in STREET_WORDS.items()}

APOSTROPHES = "'\u2019\u2018\u02bc"  # straight, curly right and left, modifier letter
DASHES = "-\u2010\u2011\u2013"  # hyphen-minus, hyphen, non-breaking hyphen, en dash
HSPACE = r"[ \t\u00a0]"
PHONE_SEP = r"[ \t\u00a0.\-()]{0,3}"  # between the digits of a phone number
EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w.]+$")
STRAIGHT_QUOTES = {ord(a): "'" for a in APOSTROPHES}
# Words that announce a name without being part of it: "Dear Will," or "Regards,\nWill".
NAME_CUES = (
    r"(?:(?i:dear|hi|hello|hey|thanks|thank\s+you|regards|wishes|yours|cheers|sincerely|"
    r"faithfully)[ \t]*,?\s+)"
)
NAME_GAP = re.compile(rf"{HSPACE}*(?:\r?\n{HSPACE}*)?")  # name parts on one line, or wrapped

EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
# +44 7700 900123, 07700 900123, (0113) 496 0123, +44 (0)20 7946 0123, 0800 123 4567: a 0 (or
# +44/0044) and 9 or 10 national digits, spaces, dots, hyphens or brackets between.
PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00){HSPACE}*44{HSPACE}*(?:\(0\){HSPACE}*)?|\(?0)[1-9]"
    rf"(?:{PHONE_SEP}\d){{8,9}}(?!\d)"
)
# Full UK postcodes, any case, space optional; "B1 4th" (an ordinal) is not one.
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?i:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t\u00a0]?"
    r"(?!(?-i:\d(?:st|nd|rd|th)))\d[ABD-HJLNP-UW-Z]{2}|GIR ?0AA)(?![A-Za-z0-9])"
)
HANDLE = re.compile(
    r"(?<![\w@.%+-])@[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
)
URL_TAIL = r"(?![\w-]|\.[A-Za-z0-9])(?:[/?#](?:[^\s<>\"'()\[\]{}]*[^\s<>\"'()\[\]{}.,;:!?])?)?"
FRAMES = {  # kind -> (head, tail) around the subjects' alternatives
    "email": (r"(?<![\w.%+-])", r"(?![\w-]|\.\w)"),
    "phone": (r"(?<![\d+])(?=[\d+(])", r"(?!\d)"),
    "address": (r"(?<!\w)", r"(?!\w)"),
    "handle": (r"(?<![\w@.])", r"(?![\w-]|\.\w)"),
    "website": (r"(?<![\w-])", URL_TAIL),
    "party": (r"(?<!\w)", r"(?!\w)"),
}


def fold_key(value: str) -> str:
    """Return the letters of `value`, accents dropped, case folded: "O'Brien" -> "obrien"."""
    return "".join(c for c in unicodedata.normalize("NFD", value) if c.isalpha()).casefold()


def char_pattern(c: str) -> str:
    # "ë" also matches its decomposed form and a plain "e": people drop accents.
    nfd = unicodedata.normalize("NFD", c)
    base = "".join(ch for ch in nfd if not unicodedata.combining(ch))
    forms = sorted({c, nfd, base} - {""}, key=lambda f: (-len(f), f))
    return re.escape(forms[0]) if len(forms) == 1 else "(?:" + "|".join(map(re.escape, forms)) + ")"


def word_pattern(word: str, *, capital_first: bool = False) -> str:
    """Return a regex for a name or phrase: any case (first letter capital if asked), accents
    optional, any apostrophe (or none), any dash (or a space), any run of spaces."""
    out, first = [], True
    for c in word:
        if c in APOSTROPHES:
            out.append(rf"(?:[{APOSTROPHES}]\s?|\s)?")
        elif c in DASHES:
            out.append(rf"(?:\s*[{DASHES}]\s*|\s+)")
        elif c.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif not c.isalnum():
            out.append(re.escape(c) + "?")
        elif first and capital_first:
            out.append(
                "(?:"
                + "|".join(sorted({char_pattern(c.upper()), char_pattern(c.upper()[0])}))
                + ")"
            )
            first = False
        else:
            out.append(char_pattern(c))
            first = False
    if capital_first and out and out[0].startswith("(?:"):
        return out[0] + "(?i:" + "".join(out[1:]) + ")"
    return "(?i:" + "".join(out) + ")"


def alternation(patterns: dict[str, int]) -> str:
    """Return patterns as one alternation, longest source first (regex alternation is ordered)."""
    return "|".join(p for p, _ in sorted(patterns.items(), key=lambda kv: (-kv[1], kv[0])))


def classify(word: str, *, particle: bool = True) -> str:
    key = fold_key(word)
    if particle and key in PARTICLES:
        return "connector"  # "Ó", "van": only next to the rest of the name
    if key in COMMON_WORDS:
        return "weak"  # capitalised and in context only
    if len(key) <= 2:
        return "cap"  # "Ng", "Wu": capitalised only
    return "strong"  # "Castellane", "Priya": any case, anywhere


def phone_key(value: str) -> str | None:
    """Return the digits of a phone number in national form ("+44 (0)116" -> "0116...")."""
    value = value.replace("(0)", "")
    digits = re.sub(r"\D", "", value)
    if value.lstrip().startswith("+"):
        digits = "0" + digits[2:] if digits.startswith("44") else "+" + digits
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits if len(digits.lstrip("+")) >= 7 else None


def phone_pattern(value: str) -> str | None:
    """Return a regex for one phone number in any spacing, national or +44 (framed by FRAMES)."""
    key = phone_key(value)
    if key is None:
        return None
    if key.startswith("0"):
        rest = PHONE_SEP.join(key[1:])
        intl = rf"(?:\+|00){HSPACE}*44{HSPACE}*(?:\(0\){HSPACE}*)?"
        return rf"(?:\(?0{PHONE_SEP}|{intl}){rest}"
    return rf"(?:(?:\+|00){HSPACE}*)?{PHONE_SEP.join(key.lstrip('+'))}"


def value_key(value: str) -> str:
    """Return `value` normalised for keep-list equality: case, spaces, scheme, www, @ ignored."""
    v = unicodedata.normalize("NFKC", value).casefold().translate(STRAIGHT_QUOTES)
    v = re.sub(r"\s+", "", v)
    v = re.sub(r"^(?:mailto:|https?://)?(?:www\.)?@?", "", v)
    return v.rstrip("/.")


def address_lines(address: str) -> tuple[list[str], list[str]]:
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
        if POSTCODE.fullmatch(line):
            continue  # every postcode goes anyway
        if (i == 0 or re.search(r"\d", line)) and len(
            fold_key(line) + re.sub(r"\D", "", line)
        ) >= 3:
            specific.append(line)
        else:
            other.append(line)
    return specific, other


def address_pattern(line: str) -> str:
    parts = []
    for token in re.split(r"[\s,]+", line):
        low = token.lower().rstrip(".")
        if low in STREET_WORDS:
            full, short = sorted((low, STREET_WORDS[low]), key=len, reverse=True)
            parts.append(rf"(?i:{full}|{short}\.?)")
        else:
            parts.append(word_pattern(token))
    return r"(?:\s*,\s*|\s+)".join(parts)
