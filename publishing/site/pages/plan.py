"""The plan: every file of the site (pages in each language, shared files in the default one,
assets), each with its key and how to render it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils import translation

from publishing.site.pages import base
from publishing.site.pages.base import (
    ASSET_FOLDERS,
    ASSET_SOURCES,
    SITE_FORMAT,
    STATIC_DIR,
    Output,
    Plan,
    digest,
    digest_of_digests,
)
from publishing.site.pages.data import (
    SiteData,
)
from publishing.site.pages.opendata import (
    _feed_items,
    render_atom,
    render_csv,
    render_ics,
    render_json,
    render_search_index,
)
from publishing.site.pages.pdf import (
    _pdf_outputs,
)
from publishing.site.pages.web import (
    _every_language,
    _material_files,
    _protocol_file,
    _speaking,
)


def _behind(entries: list[str], key_of: Callable[[list[str]], str]) -> dict:
    """Return the `behind` and `extra` (base.Output) of a whole-register file whose key is
    key_of(the entries' digests, in the register's order) with the withdrawal notices and the
    site's chrome it is made from.

    The live file may stay while the step of the slow files makes this one when it was made
    from the first entries of these, as they are now, with the same notices and chrome: its
    manifest record's number of entries, and its key equal to the key of that many of these.
    So every entry it shows is still published, unchanged, and only entries added since (at
    the register's end: a new reference is the highest) are not in it yet. Anything else (an
    entry withdrawn, corrected or added before the last, a notice, a template) is not behind:
    the file is made again in the approval's own run, as before (issue 16)."""
    count = len(entries)

    @cache
    def earlier(number: int) -> str:
        return key_of(entries[:number])

    def behind(record: dict) -> bool:
        number = record.get("entries")
        return type(number) is int and 0 <= number < count and record.get("key") == earlier(number)

    return {"behind": behind, "extra": {"entries": count}}


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


def plan_site(data: SiteData, *, now: datetime) -> Plan:
    """Return every file of the site, each with its key and how to render it: the pages in
    every language, the shared files in the default one (LANGUAGE_CODE), whatever the
    language of the caller. The permalinks make their Outputs only when asked (base.Plan)."""
    default = settings.LANGUAGE_CODE
    with translation.override(default):
        # A page renders in its own language already (web._page): only the shared files need
        # the default one fixed (twenty thousand pages' wrappers were a tenth of a plan).
        pages = _every_language(data)
        shared = _shared_files(data, now=now)
    return Plan([*pages, [replace(o, render=_speaking(default, o.render)) for o in shared]])


def _shared_files(data: SiteData, *, now: datetime) -> list[Output]:
    shared = (data.chrome, base.catalogue_key(settings.LANGUAGE_CODE))
    withdrawn = digest_of_digests([n["digest"] for n in data.withdrawn])
    entries = [e["digest"] for e in data.entries]

    def whole(digests: list[str]) -> str:  # what the whole register's files are made from
        return digest(*shared, digest_of_digests(digests), withdrawn)

    everything = whole(entries)
    key = digest(SITE_FORMAT, everything)
    lag = _behind(entries, lambda digests: digest(SITE_FORMAT, whole(digests)))
    return [
        Output("register.csv", key, lambda: render_csv(data), **lag),
        Output("register.json", key, lambda: render_json(data), **lag),
        Output("search-index.json", key, lambda: render_search_index(data), **lag),
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
