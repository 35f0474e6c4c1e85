"""What every part of the site shares: the `Output` of one file, content digests, dates in
Europe/London, paths, and the site's languages with their catalogues."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import dates, timezone, translation

from election_protocol import calendar

# Bump when this module changes what a file contains in a way the templates' source does not
# show (a new JSON field, a CSV column): every file is then rendered afresh once.
# 2: permalinks are entries/<reference>.html; 3: a topic's later pages are page-N.html beside
# its first, not page-N/index.html (every page's key changes: the first run renders them all,
# so no page carried over links to a folder no longer there).
SITE_FORMAT = 3


PAGE_SIZE = 50


PDF_VARIANT = "pdf/ua-1"  # tagged PDF, as briefings.letters


ACCESSIBILITY_REVIEWED = date(2026, 11, 26)


TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "public"


STATIC_DIR = Path(settings.BASE_DIR) / "static"


# Copied as they are: GOV.UK Frontend (compiled by scripts/update_govuk_frontend.sh) and the
# two external scripts (no inline script anywhere: the site runs under a strict CSP).
ASSET_SOURCES = ("govuk/app.css", "govuk/govuk-frontend.min.js", "js/init.js", "js/search.js")


ASSET_FOLDERS = ("govuk/assets",)


# A reference becomes a folder name: only these characters, so no path can be made from one.
_SAFE_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,29}")


@dataclass(frozen=True)
class Output:
    """One file of the site: `render()` returns its bytes; an equal `key` means equal bytes.

    `source_html`, for a PDF, returns the HTML it is made from: the PDF's text is glyph-encoded,
    so the leak scan reads this as well as what it can extract from the PDF itself.
    `asset` marks a file copied unchanged from the repository (it holds no data).
    `slow` marks a file too slow to render inside every run (the whole-register PDF: WeasyPrint
    takes seconds per hundred entries): publish.py renders it in a step of its own and, until
    it is ready, publishes `pending()` in its place.
    `behind`, for a whole-register file (CSV, JSON, search index), says whether the live
    version's file, given its manifest record, may stay while this one is made in that step:
    true when it was made from an earlier state of the register that is still true (every
    entry in it still published as it is, and only entries added since). An approval's run
    then keeps it, and the step makes this one (issue 16): the files an approval adds to are
    not rewritten whole while the approver waits. A withdrawal or a correction, which must
    leave the site at once, is never behind. `extra` holds what the manifest records of the
    file for `behind` to answer (the number of entries it was made from).
    """

    path: str
    key: str
    render: Callable[[], bytes]
    source_html: Callable[[], str] | None = None
    asset: Path | None = None
    slow: bool = False
    pending: Callable[[], bytes] | None = None
    behind: Callable[[dict], bool] | None = None
    extra: dict | None = None


@dataclass(frozen=True)
class PermalinkFolder:
    """The permalinks of one kind (the entries, or the withdrawn notices) in one language's
    permalinks' folder (`folder`: "entries", "cy/entries"): each file's name in it with its
    key (`keys`), and `make(name)`, its Output, made only when asked.

    A run carries most of a large register's permalinks as they are, and tells which by their
    keys alone (publish._carry_permalinks): an Output for each of twenty thousand files, to be
    looked at once and dropped, was a tenth of a run at 10,000 entries (issue 16). Iterating
    it yields every Output, as a list of them would."""

    folder: str
    keys: dict[str, str]
    make: Callable[[str], Output]

    def path(self, name: str) -> str:
        return f"{self.folder}/{name}"

    def __iter__(self) -> Iterator[Output]:
        return (self.make(name) for name in self.keys)

    def __len__(self) -> int:
        return len(self.keys)


class Plan(Sequence[Output]):
    """Every file of the site, in order (plan.plan_site): lists of Outputs, and the permalinks
    as PermalinkFolders (`parts`). A sequence of Outputs to whoever reads it as one."""

    def __init__(self, parts: list[list[Output] | PermalinkFolder]) -> None:
        self.parts = parts
        self._listed: list[Output] | None = None

    def __iter__(self) -> Iterator[Output]:
        for part in self.parts:
            yield from part

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def __getitem__(self, index):
        if self._listed is None:
            self._listed = list(self)
        return self._listed[index]


def digest(*parts: object) -> str:
    """Return a hex SHA-256 of `parts` (JSON; dates and other values as text).

    Parts that are all text (a topic page's chrome, catalogue and template) are hashed as
    they are, each after its length, with a first byte no JSON text starts with: as
    unambiguous, without serialising them (digest_of_text)."""
    if all(type(part) is str for part in parts):
        return digest_of_text(*parts).hexdigest()
    data = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def digest_of_text(*parts: str):
    """Return the hash digest(*parts) is the hex of, for text parts."""
    hashed = hashlib.sha256(b"s")
    for part in parts:
        data = part.encode()
        hashed.update(b"%d:" % len(data))
        hashed.update(data)
    return hashed


def digest_of_digests(digests: list[str]) -> str:
    """Return a hex SHA-256 of a list of hex digests (each row's, each page's summary): one
    hash of them joined, each a fixed alphabet without a comma, after their number. In a
    key's parts instead of the list itself, which was serialised as JSON first: ten thousand
    rows' digests, several times a run (issue 16)."""
    hashed = hashlib.sha256(b"d%d:" % len(digests))
    hashed.update(",".join(digests).encode())
    return hashed.hexdigest()


def paired_key(shared: str, own: str) -> str:
    """Return the key of a file made from what many files share and what is its own, given
    the hex digest of each: the first half of each, joined (128 bits of each; the same length
    as a digest). Equal keys mean equal digests of both, bar a chance of one in 2**128 for
    each half; and no hashing per file: an entry's permalinks' keys, twenty thousand a run at
    10,000 entries, cost a twentieth of a run when each was a SHA-256 (issue 16)."""
    return shared[:32] + own[:32]


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment, calendar.LONDON) if moment else None


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _local(value).isoformat()
    return value.isoformat()


def entry_path(reference: str) -> str:
    """Return the permalink file of an entry, refusing a reference that is not a plain name.

    A file of its own in entries/ (entries/<reference>.html), not a folder with an index.html:
    every link in the site names the file it leads to (the site works from any folder, even
    opened from disk), so the address is as plain, and a version holds one folder for all the
    permalinks instead of one each (issue 16: making twenty thousand folders was the largest
    single cost of a run at 10,000 entries)."""
    if not _SAFE_REFERENCE.fullmatch(reference):
        raise ValueError(f"A reference cannot be used as a file name: {reference!r}")
    return f"{PERMALINKS}/{reference}.html"


# The folder of the permalinks (entry_path), in each language's folder: where nearly every file
# of a large register is, linked whole from the live version while a run reads and plans
# (target.FolderCarrier.link_ahead).
PERMALINKS = "entries"


def permalink_folders() -> list[str]:
    """Return the permalinks' folder of each site language ("entries", "cy/entries")."""
    return [language.prefix + PERMALINKS for language in site_languages()]


def paragraphs(text: str) -> list[str]:
    """Return `text` cut into paragraphs at blank lines (each shown as a GOV.UK paragraph)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def root_of(path: str) -> str:
    """Return the relative way from `path` back to the site's root ("", "../", "../../")."""
    return "../" * path.count("/")


@dataclass(frozen=True)
class Language:
    """A language the site is published in: `prefix` is its folder ("" for the default)."""

    code: str  # Django's ("en-gb", "cy")
    name: str  # in itself ("English", "Cymraeg")
    prefix: str

    @property
    def html_lang(self) -> str:
        """Return the BCP 47 tag for `lang` and `hreflang` ("en-GB", "cy")."""
        return translation.to_locale(self.code).replace("_", "-")


def site_languages() -> list[Language]:
    """Return the site's languages: settings.PUBLIC_SITE_LANGUAGES, the default language first
    at the root, each other under a folder named by its code. Names come from LANGUAGES."""
    names = dict(settings.LANGUAGES)
    codes = [settings.LANGUAGE_CODE] + [
        c for c in settings.PUBLIC_SITE_LANGUAGES if c != settings.LANGUAGE_CODE and c in names
    ]
    return [Language(c, names[c], "" if c == settings.LANGUAGE_CODE else f"{c}/") for c in codes]


def translated_words() -> str:
    """Return the text the site's translations add to its pages: every .po catalogue of a site
    language, and Django's month and day names and a.m./p.m. in it. The leak scan treats these,
    like the templates' own words, as never evidence of a leak on their own."""

    texts = []
    for language in site_languages():
        locale = translation.to_locale(language.code)
        for folder in settings.LOCALE_PATHS:
            po = Path(folder) / locale / "LC_MESSAGES" / "django.po"
            if po.is_file():
                texts.append(po.read_text(encoding="utf-8"))
        with translation.override(language.code):
            names = [*dates.MONTHS.values(), *dates.MONTHS_AP.values(), *dates.WEEKDAYS.values()]
            texts += [str(n) for n in names]
            texts += [translation.gettext(word) for word in ("a.m.", "p.m.")]
    return "\n".join(texts)


@cache  # Django keeps a process's catalogues too: a new translation needs a restart either way
def catalogue_key(code: str) -> str:
    """Return a digest of the translation catalogue of `code` (every LOCALE_PATHS .mo): a new
    translation renders that language's pages afresh, and only those."""
    locale = translation.to_locale(code)
    found = [
        hashlib.sha256(mo.read_bytes()).hexdigest()
        for folder in settings.LOCALE_PATHS
        for mo in [Path(folder) / locale / "LC_MESSAGES" / "django.mo"]
        if mo.is_file()
    ]
    return digest(code, found)
