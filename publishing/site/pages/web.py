"""The HTML pages in every site language: the register's home and each topic's pages, the
permalinks, and the other pages (home, notes, events, materials, the briefing, the protocol)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from briefings.briefing_page import default_text, sections
from publishing.site.pages import base
from publishing.site.pages.base import (
    ACCESSIBILITY_REVIEWED,
    Language,
    Output,
    PermalinkFolder,
    digest,
    root_of,
    site_languages,
)
from publishing.site.pages.data import (
    SiteData,
    summary_key,
)


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


def _html(
    path: str,
    template: str,
    data: SiteData,
    section: str,
    key_parts,
    *,
    known_key: str | None = None,
    **context,
) -> Output:
    """Return the page at `path` in the language active now: plan_site plans the pages once
    per language (translation.override), so no page builder needs to know about languages.
    The key (_page_key) holds the language and its catalogue, so a new translation renders
    again; `known_key`: the key already worked out for these very `key_parts`."""
    languages = _PLANNING_LANGUAGES[-1] if _PLANNING_LANGUAGES else site_languages()
    active = translation.get_language()
    language = next(lang for lang in languages if lang.code == active)
    return Output(
        path=language.prefix + path,
        key=known_key or _page_key(data, language.code, template, key_parts),
        render=lambda: _page(template, path, data, section, language, languages, **context),
    )


def _page_key(data: SiteData, code: str, template: str, key_parts) -> str:
    return digest(data.chrome, base.catalogue_key(code), template, key_parts)


def _every_language(data: SiteData) -> list[list[Output] | PermalinkFolder]:
    """Return every page of the site in each of its languages (site_languages), in parts:
    lists of pages, and the permalinks by folder (base.Plan)."""
    parts: list[list[Output] | PermalinkFolder] = []
    languages = site_languages()
    _PLANNING_LANGUAGES.append(languages)
    try:
        for language in languages:
            with translation.override(language.code):
                parts.append([*_other_pages(data), *_register_pages(data)])
                parts += _entry_pages(data)
    finally:
        _PLANNING_LANGUAGES.pop()
    return parts


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
    any other topic. The home's key holds every topic's line. A list page's key holds each
    of its rows' summary_key, digested once per row built (data._with_digests)."""
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
                [[*summary_key(r), r["action"], r["action_reason"]] for r in data.actions],
                [(n["reason"], n["count"]) for n in data.not_published],
            ],
            topics=topics,
            withdrawn_count=len(data.withdrawn),
            actions=data.actions,
            not_published=data.not_published,
        )
    ]
    code = translation.get_language()
    kept = {k: v for k, v in _TOPIC_KEYS.items() if k[:2] != (data.election.pk, code)}
    pages = {k: v for k, v in _TOPIC_PAGES.items() if k[:2] != (data.election.pk, code)}
    for topic in topics:
        count = topic.page_count
        where, keys = _topic_keys(data, code, topic, kept)
        last = _TOPIC_PAGES.get(where)
        if last is not None and last[0] is keys:
            # The topic's keys are the last plan's (its rows are those rows): so are its
            # pages, each made from what its key holds (the last plan's Outputs, whose
            # render gives the same bytes: an equal key means equal bytes, base.Output).
            pages[where] = last
            outputs += last[1]
            continue
        made = []
        for number in range(1, count + 1):
            rows = topic.rows[(number - 1) * base.PAGE_SIZE : number * base.PAGE_SIZE]
            made.append(
                _html(
                    topic.page_path(number),
                    _TOPIC_TEMPLATE,
                    data,
                    "register",
                    None,
                    known_key=keys[number - 1],
                    topic=topic,
                    rows=rows,
                    page_number=number,
                    page_count=count,
                    pagination=pagination(number, count, topic.page_path),
                )
            )
        pages[where] = (keys, made)
        outputs += made
    _TOPIC_KEYS.clear()
    _TOPIC_KEYS.update(kept)
    _TOPIC_PAGES.clear()
    _TOPIC_PAGES.update(pages)
    return outputs


_TOPIC_TEMPLATE = "public/register_topic.html"

# The keys of each topic's list pages as the last plan worked them out, by election,
# language, what every page shares and the topic, with the rows they were worked out from
# (_topic_keys). Only the last plan's, per election and language.
_TOPIC_KEYS: dict[tuple, tuple[list[dict], list[str]]] = {}
# Each topic's list pages as the last plan made them (their Outputs), by the same keys as
# _TOPIC_KEYS, with the list of keys they were made with (reused while it is the kept one):
# four hundred pages' Outputs and paginations a plan were a fortieth of a run at 10,000
# entries (issue 16).
_TOPIC_PAGES: dict[tuple, tuple[list[str], list[Output]]] = {}


def _topic_keys(data: SiteData, code: str, topic, kept: dict) -> tuple[tuple, list[str]]:
    """Return where the keys of `topic`'s list pages in language `code` are kept, and the key
    of each page; keep them in `kept` (for _TOPIC_KEYS). A page's key holds its number, the
    number of pages and each of its rows' summary digest: a pure function of the topic's
    name, slug and rows. So a topic whose rows are the very rows the last plan had (the list
    compared in C, each row by identity first: kept rows are the same objects,
    pages.data._ROWS) has the same keys, the very list kept, and a plan works them out only
    for the topic an approval added to, not for four hundred pages at 10,000 entries (issue
    16)."""
    where = (data.election.pk, code, data.chrome, base.catalogue_key(code), topic.name, topic.slug)
    last = _TOPIC_KEYS.get(where)
    if last is not None and last[0] == topic.rows:
        kept[where] = last
        return where, last[1]
    count = topic.page_count
    keys = []
    for number in range(1, count + 1):
        rows = topic.rows[(number - 1) * base.PAGE_SIZE : number * base.PAGE_SIZE]
        key_parts = base.digest_of_text(
            topic.name,
            topic.slug,
            str(number),
            str(count),
            base.digest_of_digests([r["summary_digest"] for r in rows]),
        ).hexdigest()
        keys.append(_page_key(data, code, _TOPIC_TEMPLATE, key_parts))
    kept[where] = (topic.rows, keys)
    return where, keys


def _entry_pages(data: SiteData) -> list[PermalinkFolder]:
    return [
        _row_pages(data, data.entries, "public/entry.html", "entry"),
        _row_pages(data, data.withdrawn, "public/withdrawn_entry.html", "notice"),
    ]


def _row_pages(data: SiteData, rows: list[dict], template: str, name: str) -> PermalinkFolder:
    """Return the permalink of each of `rows` (`name` in its template), in the language active
    now: each one's key pairs the digest of what every page shares (the chrome, the
    catalogue, the template), worked out once, with the row's own digest (base.paired_key:
    no hashing per page, twenty thousand at ten thousand entries); each page's Output is made
    only when asked."""
    languages = _PLANNING_LANGUAGES[-1] if _PLANNING_LANGUAGES else site_languages()
    active = translation.get_language()
    language = next(lang for lang in languages if lang.code == active)
    shared = base.digest(data.chrome, base.catalogue_key(language.code), template)
    folder = language.prefix + base.PERMALINKS
    keys = _row_keys((data.election.pk, folder, template, shared), rows, shared)
    by_name: dict[str, dict] = {}  # made when a page is: most are carried, never made

    def make(file_name: str) -> Output:
        row = by_name.get(file_name) or _newest_named(rows, file_name)
        if row is None:
            if not by_name:
                by_name.update((row["page_name"], row) for row in rows)
            row = by_name[file_name]
        path = row["path"]
        return Output(
            path=language.prefix + path,
            key=keys[file_name],
            render=partial(_page, template, path, data, "entry", language, languages,
                           **{name: row}),
        )  # fmt: skip

    return PermalinkFolder(folder=folder, keys=keys, make=make)


def _newest_named(rows: list[dict], file_name: str, look_at: int = 16) -> dict | None:
    """Return the row of `rows` whose permalink is `file_name` among the last `look_at`, else
    None: the page a plan makes is usually a new entry's, at the register's end, and finding
    it there is cheaper than indexing ten thousand rows' names (issue 16)."""
    for row in reversed(rows[-look_at:]):
        if row["page_name"] == file_name:
            return row
    return None


# The permalinks' keys the last plan worked out, by election, folder, template and what
# every page shares (_row_keys), with the rows they were worked out from: one entry each.
_ROW_KEYS: dict[tuple, tuple[list[dict], dict[str, str]]] = {}


def _row_keys(where: tuple, rows: list[dict], shared: str) -> dict[str, str]:
    """Return each row's permalink's key by its file name: base.paired_key of `shared` and the
    row's digest. When the last plan's rows for `where` are the first of `rows` (compared in
    C, each by identity first: kept rows are the same objects, pages.data._ROWS, and a row
    never changes once built), their keys are taken as they were and only the new rows'
    worked out: an approval adds at the register's end, and twenty thousand keys a plan were
    a thirtieth of a run at 10,000 entries (issue 16). The dict returned is only read."""
    paired = base.paired_key
    last = _ROW_KEYS.get(where)
    if last is not None and len(last[0]) <= len(rows) and rows[: len(last[0])] == last[0]:
        keys = dict(last[1])
        keys.update(
            (row["page_name"], paired(shared, row["digest"])) for row in rows[len(last[0]) :]
        )
    else:
        keys = {row["page_name"]: paired(shared, row["digest"]) for row in rows}
    for other in [k for k in _ROW_KEYS if k[:3] == where[:3]]:
        del _ROW_KEYS[other]
    _ROW_KEYS[where] = (list(rows), keys)
    return keys


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
