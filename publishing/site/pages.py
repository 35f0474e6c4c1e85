"""Every file of the public election page, built from THE GATE only (publishing.queries).

`plan_site` reads the gate once (a fixed number of queries, whatever the size of the register)
and returns one `Output` per file: its path in the site, a `key` and a `render` function. The
key is a digest of everything the file is made from (the data it shows, the site's templates,
the office's details, SITE_FORMAT), so a file whose key is unchanged since the live version
would come out byte for byte the same and is carried over instead of rendered again
(publishing.site.publish_site). The register is a home listing its topics and, per topic,
pages of its answers (register/topics/<slug>/), so publishing one entry into a register of
10,000 renders its permalink, the register's home, the last page of its topic (every page of
that topic when their number changes) and the exports and feeds that list every entry, in each
language; the other permalinks and the other topics' pages are carried over.

Paths are relative, and every link is relative to the page it is on (`root`), so the site works
from any address or folder. Every page is rendered in each of PUBLIC_SITE_LANGUAGES (issue 7):
English at the site's root, Welsh under `cy/`, each with its `lang`, a language toggle and
hreflang links to the other; the shared files (assets, CSV, JSON, Atom, iCalendar, PDF) are
rendered once, in English, and linked from every language (`files_root`). Times are shown in
Europe/London. Nothing here reads a model other than through publishing.queries, except the
election's own public details (the office, its contacts and the PARO's, the timetable).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cache, cached_property
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import dates, timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext_lazy as _

from briefings.briefing_page import default_text, sections
from election_protocol import calendar
from election_protocol.calendar import retention_date
from election_protocol.models import Election
from publishing import queries, rules
from publishing.models import PublicEntry
from requests_register.csv_safety import write_csv

# Bump when this module changes what a file contains in a way the templates' source does not
# show (a new JSON field, a CSV column): every file is then rendered afresh once.
SITE_FORMAT = 1
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
    """

    path: str
    key: str
    render: Callable[[], bytes]
    source_html: Callable[[], str] | None = None
    asset: Path | None = None
    slow: bool = False
    pending: Callable[[], bytes] | None = None


def digest(*parts: object) -> str:
    """Return a hex SHA-256 of `parts` (JSON; dates and other values as text).

    Parts that are all text (an entry page's key: the chrome's, the catalogue's and the row's
    digests, the template's name) are hashed as they are, each after its length, with a first
    byte no JSON text starts with: as unambiguous, without serialising twenty thousand small
    lists a run."""
    if all(type(part) is str for part in parts):
        hashed = hashlib.sha256(b"s")
        for part in parts:
            data = part.encode()
            hashed.update(b"%d:" % len(data))
            hashed.update(data)
        return hashed.hexdigest()
    data = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment, calendar.LONDON) if moment else None


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _local(value).isoformat()
    return value.isoformat()


def entry_path(reference: str) -> str:
    """Return the permalink file of an entry, refusing a reference that is not a plain name."""
    if not _SAFE_REFERENCE.fullmatch(reference):
        raise ValueError(f"A reference cannot be used as a folder name: {reference!r}")
    return f"entries/{reference}/index.html"


def paragraphs(text: str) -> list[str]:
    """Return `text` cut into paragraphs at blank lines (each shown as a GOV.UK paragraph)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def root_of(path: str) -> str:
    """Return the relative way from `path` back to the site's root ("", "../", "../../")."""
    return "../" * path.count("/")


# --- languages (issue 7) -----------------------------------------------------------------------


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


# --- the data, read once through the gate ----------------------------------------------------


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
    def register(self) -> list[dict]:
        """Return the published register answers by topic (case ignored), then reference."""
        answers = [e for e in self.entries if e["kind"] == rules.Kind.REGISTER_ANSWER]
        return sorted(
            answers, key=lambda e: (e["topic"].casefold(), reference_order(e["reference"]))
        )

    @cached_property
    def topics(self) -> list[Topic]:
        """Return the register's topics by name (case ignored), each with its answers."""
        groups: dict[str, list[dict]] = {}
        for row in self.register:
            groups.setdefault(row["topic"].casefold(), []).append(row)
        slugs = topic_slugs(list(groups))
        return [Topic(key, rows[0]["topic"], slugs[key], rows) for key, rows in groups.items()]

    @cached_property
    def notes(self) -> list[dict]:
        return [
            e
            for e in self.entries
            if e["kind"] != rules.Kind.REGISTER_ANSWER and e["kind"] not in rules.ACTION_KINDS
        ]

    @cached_property
    def actions(self) -> list[dict]:
        """Return the short entries of the action taken (refusals, referrals to the PARO,
        declined meetings; issue 13, item 2), in reference order."""
        rows = [e for e in self.entries if e["kind"] in rules.ACTION_KINDS]
        return sorted(rows, key=lambda e: reference_order(e["reference"]))

    @cached_property
    def chrome(self) -> str:
        """Return the key of what every page shares: templates, office, contacts, format."""
        sources = sorted(TEMPLATES_DIR.rglob("*.html"))
        return digest(
            SITE_FORMAT,
            [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sources],
            self.contacts,
        )


def _entry(row: PublicEntry, bodies: dict[str, str]) -> dict:
    """Return a published entry as plain public values (only fields the gate loads)."""
    return {
        "reference": row.reference,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "topic": row.topic,
        "received_on": row.received_on,
        "answered_on": row.answered_on,
        "answering_body": row.answering_body,
        "answering_body_label": bodies.get(row.answering_body, ""),
        "is_foi": row.is_foi,
        "question": row.question,
        "answer": row.answer,
        # The action taken and its reason category (lazy labels: translated per page).
        "action": row.action,
        "action_reason": row.action_reason,
        "action_label": rules.ACTION_LABELS[rules.Action(row.action)] if row.action else "",
        "action_reason_label": (
            rules.ACTION_REASON_LABELS[rules.ActionReason(row.action_reason)]
            if row.action_reason
            else ""
        ),
        "question_paragraphs": paragraphs(row.question),
        "answer_paragraphs": paragraphs(row.answer),
        "published_at": _local(row.published_at),
        "corrections": [
            {"corrected_on": c.corrected_on, "note": c.note} for c in row.approved_corrections
        ],
        "path": entry_path(row.reference),
    }


def _with_digests(rows: list[dict]) -> list[dict]:
    """Give each row its "digest": of everything in it, with translatable labels as their
    source text (each page's key holds its language's catalogue), computed once per run and
    used by every key the row is part of (its pages in each language, the whole-register
    files) instead of serialising the row again for each."""
    with translation.override(None):
        for row in rows:
            row["digest"] = digest(row)
    return rows


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
    entries = _with_digests([_entry(row, bodies) for row in queries.published_entries(election)])
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


# --- pages -------------------------------------------------------------------------------------


def _page(
    template: str,
    path: str,
    data: SiteData,
    section: str,
    language: Language,
    languages: list[Language],
    **context,
) -> bytes:
    # `root` leads to this language's home ("cy/" pages link among themselves); `files_root`
    # to the site's root, where the shared files are; `translations` is the toggle.
    files_root = root_of(language.prefix + path)
    with translation.override(language.code):
        html = render_to_string(
            template,
            {
                "root": root_of(path),
                "files_root": files_root,
                "path": path,
                "section": section,
                "site": data.contacts,
                "language": language,
                "translations": [
                    {
                        "language": other,
                        "href": files_root + other.prefix + path,
                        "current": other == language,
                    }
                    for other in languages
                ],
                **context,
            },
        )
    return html.encode()


def _html(path: str, template: str, data: SiteData, section: str, key_parts, **context) -> Output:
    """Return the page at `path` in the language active now: plan_site plans the pages once
    per language (translation.override), so no page builder needs to know about languages.
    The key holds the language and its catalogue, so a new translation renders again."""
    languages = _PLANNING_LANGUAGES[-1] if _PLANNING_LANGUAGES else site_languages()
    active = translation.get_language()
    language = next(lang for lang in languages if lang.code == active)
    return Output(
        path=language.prefix + path,
        key=digest(data.chrome, catalogue_key(language.code), template, key_parts),
        render=lambda: _page(template, path, data, section, language, languages, **context),
    )


def _every_language(data: SiteData) -> list[Output]:
    """Return every page of the site in each of its languages (site_languages)."""
    outputs: list[Output] = []
    languages = site_languages()
    _PLANNING_LANGUAGES.append(languages)
    try:
        for language in languages:
            with translation.override(language.code):
                outputs += [*_other_pages(data), *_register_pages(data), *_entry_pages(data)]
    finally:
        _PLANNING_LANGUAGES.pop()
    return outputs


# The site's languages while _every_language plans the pages: read from the settings once per
# plan, not once per page (each read of a setting goes through Django's lazy settings object:
# about a second over twenty thousand pages).
_PLANNING_LANGUAGES: list[list[Language]] = []


def _speaking(code: str, render: Callable[[], bytes]) -> Callable[[], bytes]:
    # A file is rendered after it is planned, maybe inside a staff request in another language
    # (the "Publish now" button with tasks in-process): fix the language it is rendered in.
    def run() -> bytes:
        with translation.override(code):
            return render()

    return run


# --- the register: a home listing its topics, then each topic's pages --------------------------


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
        return max(1, -(-len(self.rows) // PAGE_SIZE))

    @property
    def latest(self) -> date | None:
        return max((r["answered_on"] for r in self.rows if r["answered_on"]), default=None)

    @property
    def path(self) -> str:
        return self.page_path(1)

    def page_path(self, number: int) -> str:
        folder = f"register/topics/{self.slug}/"
        return folder + ("index.html" if number == 1 else f"page-{number}/index.html")


def reference_order(reference: str) -> tuple:
    """Return the sort key of a reference: its numbers as numbers (NS-9999 before NS-10000)."""
    parts = re.split(r"(\d+)", reference)
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), reference)


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


def pagination(number: int, count: int, path_of: Callable[[int], str]) -> dict | None:
    """Return GOV.UK pagination for page `number` of `count`: the first and last pages, this
    one and its neighbours, an ellipsis for each gap of more than one page; None for one page.
    Everything in it follows from (number, count, path_of): a page's key holds those."""
    if count < 2:
        return None
    shown = sorted({1, number - 1, number, number + 1, count} & set(range(1, count + 1)))
    items: list[dict] = []
    before = 0
    for n in shown:
        if n - before == 2:
            items.append({"number": before + 1, "path": path_of(before + 1), "current": False})
        elif n - before > 2:
            items.append({"ellipsis": True})
        items.append({"number": n, "path": path_of(n), "current": n == number})
        before = n
    return {
        "items": items,
        "previous": path_of(number - 1) if number > 1 else None,
        "next": path_of(number + 1) if number < count else None,
    }


def _register_pages(data: SiteData) -> list[Output]:
    """Return the register: its home (the topics, each with its number of answers and the date
    of the latest) and each topic's answers, PAGE_SIZE a page, in reference order.

    Each page's key holds only what it shows, so one more answer in topic T renders the home
    (its counts), T's last page (or all of T's pages when their number changes) and nothing of
    any other topic. The home's key holds every topic's line."""
    topics = data.topics
    outputs = [
        _html(
            "register/index.html",
            "public/register.html",
            data,
            "register",
            [
                [(t.name, t.slug, t.count, t.latest) for t in topics],
                len(data.withdrawn),
                [[*_summary_key(r), r["action"], r["action_reason"]] for r in data.actions],
                [(n["reason"], n["count"]) for n in data.not_published],
            ],
            topics=topics,
            withdrawn_count=len(data.withdrawn),
            actions=data.actions,
            not_published=data.not_published,
        )
    ]
    for topic in topics:
        count = topic.page_count
        for number in range(1, count + 1):
            rows = topic.rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
            outputs.append(
                _html(
                    topic.page_path(number),
                    "public/register_topic.html",
                    data,
                    "register",
                    [topic.name, topic.slug, number, count, [_summary_key(r) for r in rows]],
                    topic=topic,
                    rows=rows,
                    page_number=number,
                    page_count=count,
                    pagination=pagination(number, count, topic.page_path),
                )
            )
    return outputs


def _summary_key(row: dict) -> list:
    # What a register list shows of an entry; the list page changes only when this does.
    return [row["reference"], row["topic"], row["answered_on"], row["answering_body_label"],
            row["is_foi"], row["question"], len(row["corrections"])]  # fmt: skip


def _entry_pages(data: SiteData) -> list[Output]:
    outputs = []
    for row in data.entries:
        outputs.append(
            _html(row["path"], "public/entry.html", data, "entry", row["digest"], entry=row)
        )
    for row in data.withdrawn:
        outputs.append(
            _html(
                row["path"],
                "public/withdrawn_entry.html",
                data,
                "entry",
                row["digest"],
                notice=row,
            )
        )
    return outputs


def _other_pages(data: SiteData) -> list[Output]:
    return [
        _html(
            "index.html",
            "public/home.html",
            data,
            "home",
            [data.key_dates],
            key_dates=data.key_dates,
        ),
        _html(
            "notes/index.html",
            "public/notes.html",
            data,
            "notes",
            [data.notes],
            notes=data.notes,
        ),
        _html(
            "withdrawn/index.html",
            "public/withdrawn.html",
            data,
            "register",
            [data.withdrawn],
            notices=data.withdrawn,
        ),
        _html(
            "materials/index.html",
            "public/materials.html",
            data,
            "materials",
            [data.materials],
            materials=data.materials,
        ),
        _html(
            "events/index.html",
            "public/events.html",
            data,
            "events",
            [data.events],
            events=data.events,
        ),
        _html(
            "accessibility/index.html",
            "public/accessibility.html",
            data,
            "accessibility",
            [ACCESSIBILITY_REVIEWED],
            reviewed=ACCESSIBILITY_REVIEWED,
        ),
        _html("privacy/index.html", "public/privacy.html", data, "privacy", []),
        _briefing_page(data),
        _html(
            "statements/index.html",
            "public/statements.html",
            data,
            "statements",
            [data.statements],
            statements=data.statements,
        ),
        _html(
            "protocol/index.html",
            "public/protocol.html",
            data,
            "protocol",
            [data.protocol],
            protocol=data.protocol,
        ),
    ]


def _briefing_page(data: SiteData) -> Output:
    """Return the candidate briefing page (issue 13; Cumbria 9.1, 10.1) in the language active
    now: the office's text in it, else the standard text translated."""

    language = translation.get_language()
    own = (data.briefing.get(language) or "").strip()
    text = own or default_text()
    blocks = sections(text)
    return _html(
        "briefing/index.html", "public/briefing.html", data, "briefing", [blocks], blocks=blocks
    )


def _material_files(data: SiteData) -> list[Output]:
    """Return the approved materials' PDFs, copied into the site as they were uploaded and
    checked (briefings.materials.check_pdf). The key is the stored file's (random) name."""

    def read(name: str) -> Callable[[], bytes]:
        def run() -> bytes:
            with default_storage.open(name, "rb") as handle:
                return handle.read()

        return run

    return [
        Output(m["file_path"], digest("material-file", m["file_name"]), read(m["file_name"]))
        for m in data.materials
        if m["file_path"]
    ]


def _protocol_file(data: SiteData) -> list[Output]:
    """Return the protocol's PDF as adopted (issue 15), if uploaded: copied as it was stored
    after the upload checks, like the materials' PDFs (and scanned like every file)."""
    protocol = data.protocol or {}
    if not protocol.get("pdf_path"):
        return []

    def read() -> bytes:
        with default_storage.open(protocol["pdf_name"], "rb") as handle:
            return handle.read()

    return [Output(protocol["pdf_path"], digest("protocol-file", protocol["pdf_name"]), read)]


# --- open data, feed, calendar, PDF ------------------------------------------------------------

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
    (requests_register.csv_safety.write_csv)."""
    rows = [
        [
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
        for e in data.entries
    ]
    rows += [
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
    return write_csv(rows, CSV_HEADER).encode("utf-8-sig")  # the BOM: Excel reads UTF-8


def render_json(data: SiteData) -> bytes:
    """Return register.json: the election, every published entry and every withdrawal."""
    doc = {
        "election": {
            "area": data.contacts["area"],
            "office": data.contacts["office_name"],
            "poll_date": _iso(data.contacts["poll_date"]),
        },
        "entries": [
            {
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
            for e in data.entries
        ],
        "withdrawn": [
            {
                "reference": n["reference"],
                "kind": n["kind"],
                "withdrawn_at": _iso(n["withdrawn_at"]),
                "reason": n["reason"],
                "url": n["path"],
            }
            for n in data.withdrawn
        ],
    }
    return _json_lines(doc).encode()


def _json_lines(doc: dict) -> str:
    """Return `doc` (a dict of a dict and lists) as JSON with one list item a line: the same
    document as indented JSON, written by the json module's C encoder (indenting makes it use
    the pure Python one: most of a run's time on this file at ten thousand entries), and
    readable line by line, which is how the leak scan compares a new file with the live one
    (scan.changed_region)."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for name, value in doc.items():
        if isinstance(value, list):
            items = ",\n".join(dump(item) for item in value)
            parts.append(f"{dump(name)}: [\n{items}\n]" if items else f"{dump(name)}: []")
        else:
            parts.append(f"{dump(name)}: {dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _tag(data: SiteData, what: str) -> str:
    # A tag: URI (RFC 4151) is a permanent id that needs no address of the site.
    domain = data.contacts["spoc_email"].rpartition("@")[2] or "election-spoc.invalid"
    return f"tag:{domain},{data.contacts['poll_date']:%Y}:{data.contacts['prefix']}/{what}"


FEED_ITEMS = 100  # a feed carries the latest changes; the whole register is in CSV and JSON


def _feed_items(data: SiteData) -> tuple[list[dict], list[dict]]:
    """Return the entries and withdrawal notices the feed carries: the FEED_ITEMS latest by
    when they were last published, corrected or withdrawn, so the feed's size (and the bytes
    an approval changes in it) does not grow with the register."""

    def updated(e: dict) -> datetime:
        corrected = [
            datetime.combine(c["corrected_on"], time(0), calendar.LONDON) for c in e["corrections"]
        ]
        return max([e["published_at"], *corrected])

    items = [(updated(e), e["reference"], "entry", e) for e in data.entries if e["published_at"]]
    items += [(n["withdrawn_at"], n["reference"], "notice", n) for n in data.withdrawn]
    latest = sorted(items, key=lambda i: (i[0], i[1]))[-FEED_ITEMS:]
    return (
        [i[3] for i in latest if i[2] == "entry"],
        [i[3] for i in latest if i[2] == "notice"],
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
    root). Fetched only when someone starts typing; the same public fields as register.json."""
    rows = [
        {
            "reference": e["reference"],
            "topic": e["topic"],
            "answered_on": _iso(e["answered_on"]),
            "path": e["path"],
            "text": " ".join([e["question"], e["answer"]]),
        }
        for e in data.register
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()


def pdf_html(data: SiteData) -> str:
    """Return the HTML the register's PDF is made from (scanned for leaks as well), in the
    site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _pdf_html(data)


def _pdf_html(data: SiteData) -> str:
    return render_to_string(
        "public/register_pdf.html",
        {
            "site": data.contacts,
            "register": data.register,
            "notes": data.notes,
            "actions": data.actions,
            "withdrawn": data.withdrawn,
            "title": _("Register of answers: %(office)s")
            % {"office": data.contacts["office_name"]},
        },
    )


def pending_pdf_html(data: SiteData) -> str:
    """Return the HTML of the one-page PDF published while the register's PDF is being brought
    up to date (no entry in it: a withdrawn answer must never linger in an old PDF)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "public/register_pdf_pending.html",
            {
                "site": data.contacts,
                "title": _("Register of answers: %(office)s")
                % {"office": data.contacts["office_name"]},
            },
        )


# A register larger than this is published as an index PDF (register.pdf) and parts, one per
# topic (a larger topic in several, in reference order): an approval re-renders the part its
# answer falls in and the index, and WeasyPrint's memory is bounded by a part's size.
PDF_PART_SIZE = 200


@dataclass(frozen=True)
class PdfPart:
    """One part of the register's PDF: `path` in the site, a title, and the rows it holds."""

    path: str
    title: str
    register: list[dict]
    notes: list[dict]

    @property
    def rows(self) -> list[dict]:
        return self.register or self.notes

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def first(self) -> str:
        return self.rows[0]["reference"]

    @property
    def last(self) -> str:
        return self.rows[-1]["reference"]


def _chunks(rows: list[dict]) -> list[list[dict]]:
    return [rows[i : i + PDF_PART_SIZE] for i in range(0, len(rows), PDF_PART_SIZE)]


def pdf_parts(data: SiteData) -> list[PdfPart] | None:
    """Return the parts of the register's PDF, or None while the register (answers and notes)
    fits in one (then register.pdf holds it all, as pdf_html)."""
    if len(data.register) + len(data.notes) <= PDF_PART_SIZE:
        return None
    parts = []
    for topic in data.topics:
        chunks = _chunks(topic.rows)
        for number, rows in enumerate(chunks, start=1):
            title = topic.name if len(chunks) == 1 else f"{topic.name} ({number}/{len(chunks)})"
            parts.append(PdfPart(f"pdf/{topic.slug}-{number}.pdf", title, rows, []))
    chunks = _chunks(data.notes)
    for number, rows in enumerate(chunks, start=1):
        with translation.override(settings.LANGUAGE_CODE):
            name = str(_("Notes of meetings and briefings"))
        title = name if len(chunks) == 1 else f"{name} ({number}/{len(chunks)})"
        parts.append(PdfPart(f"pdf/notes-{number}.pdf", title, [], rows))
    return parts


def part_html(data: SiteData, part: PdfPart) -> str:
    """Return the HTML one part of the register's PDF is made from (scanned for leaks too)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "public/register_pdf.html",
            {
                "site": data.contacts,
                "part": part,
                "register": part.register,
                "notes": part.notes,
                "withdrawn": [],
                "title": _("Register of answers: %(office)s") % {"office": part.title},
            },
        )


def index_html(data: SiteData, parts: list[PdfPart]) -> str:
    """Return the HTML of register.pdf when the register is in parts: the list of parts (with
    links) and the withdrawal notices."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "public/register_pdf_index.html",
            {
                "site": data.contacts,
                "parts": parts,
                "withdrawn": data.withdrawn,
                "title": _("Register of answers: %(office)s")
                % {"office": data.contacts["office_name"]},
            },
        )


def _pdf_outputs(data: SiteData, everything: str) -> list[Output]:
    """Return the register's PDF: one file while it fits in one part, else the index and the
    parts (pdf_parts), each a slow file with its own key (what it shows), so an approval
    makes only its part and the index due."""

    stand_in: list[bytes] = []  # the same for every part: rendered once per run

    def pending() -> bytes:
        if not stand_in:
            stand_in.append(render_pdf(pending_pdf_html(data)))
        return stand_in[0]

    def slow(path: str, key: str, html: Callable[[], str]) -> Output:
        made: list[str] = []

        def source() -> str:
            if not made:
                made.append(html())
            return made[0]

        return Output(
            path,
            key,
            lambda: render_pdf(source()),
            source_html=source,
            slow=True,
            pending=pending,
        )

    parts = pdf_parts(data)
    if parts is None:
        return [slow("register.pdf", digest(SITE_FORMAT, everything), lambda: pdf_html(data))]
    base = [SITE_FORMAT, data.chrome, catalogue_key(settings.LANGUAGE_CODE)]
    outputs = [
        slow(
            "register.pdf",
            digest(
                *base,
                "index",
                [(p.path, p.title, p.count, p.first, p.last) for p in parts],
                [n["digest"] for n in data.withdrawn],
            ),
            lambda: index_html(data, parts),
        )
    ]
    for part in parts:
        key = digest(*base, "part", part.path, part.title, [r["digest"] for r in part.rows])
        outputs.append(slow(part.path, key, lambda part=part: part_html(data, part)))
    return outputs


def render_pdf(html: str) -> bytes:
    """Return the register as a tagged PDF/UA-1 (WeasyPrint, A4, en-GB, titled)."""
    from weasyprint import HTML  # lazy: WeasyPrint is slow to import

    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)


# --- the plan ----------------------------------------------------------------------------------


def _assets() -> list[Output]:
    files = [(f"static/{name}", STATIC_DIR / name) for name in ASSET_SOURCES]
    for folder in ASSET_FOLDERS:
        for source in sorted((STATIC_DIR / folder).rglob("*")):
            if source.is_file():
                files.append((f"static/{source.relative_to(STATIC_DIR).as_posix()}", source))
    return [
        Output(
            path=path,
            key=hashlib.sha256(source.read_bytes()).hexdigest(),
            render=source.read_bytes,
            asset=source,
        )
        for path, source in files
    ]


def plan_site(data: SiteData, *, now: datetime) -> list[Output]:
    """Return every file of the site, each with its key and how to render it: the pages in
    every language, the shared files in the default one (LANGUAGE_CODE), whatever the
    language of the caller."""
    default = settings.LANGUAGE_CODE
    with translation.override(default):
        outputs = _plan_site(data, now=now)
    return [replace(o, render=_speaking(default, o.render)) for o in outputs]


def _plan_site(data: SiteData, *, now: datetime) -> list[Output]:
    everything = digest(
        data.chrome,
        catalogue_key(settings.LANGUAGE_CODE),
        [e["digest"] for e in data.entries],
        [n["digest"] for n in data.withdrawn],
    )
    return [
        *_every_language(data),
        Output("register.csv", digest(SITE_FORMAT, everything), lambda: render_csv(data)),
        Output("register.json", digest(SITE_FORMAT, everything), lambda: render_json(data)),
        Output(
            "search-index.json",
            digest(SITE_FORMAT, everything),
            lambda: render_search_index(data),
        ),
        Output(
            "feed.atom",
            digest(SITE_FORMAT, data.chrome, _feed_items(data)),
            lambda: render_atom(data),
        ),
        Output(
            "key-dates.ics",
            digest(SITE_FORMAT, data.contacts, data.key_dates, data.events),
            lambda: render_ics(data, now),
        ),
        *_pdf_outputs(data, everything),
        *_material_files(data),
        *_protocol_file(data),
        *_assets(),
    ]
