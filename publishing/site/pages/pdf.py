"""The register's PDF: one file, or past PDF_PART_SIZE entries an index and a part per topic (a
large topic in several), each tagged PDF/UA; its stand-in while it is rendered."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from publishing.site.pages import base
from publishing.site.pages.base import (
    PDF_VARIANT,
    SITE_FORMAT,
    Output,
    digest,
)
from publishing.site.pages.data import (
    SiteData,
)


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

    def pending() -> bytes:  # the same for every part
        return _stand_in(pending_pdf_html(data))

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
    shared = [SITE_FORMAT, data.chrome, base.catalogue_key(settings.LANGUAGE_CODE)]
    outputs = [
        slow(
            "register.pdf",
            digest(
                *shared,
                "index",
                [(p.path, p.title, p.count, p.first, p.last) for p in parts],
                base.digest_of_digests([n["digest"] for n in data.withdrawn]),
            ),
            lambda: index_html(data, parts),
        )
    ]
    where = (getattr(data.election, "pk", None), *shared)
    keys = {}
    for part in parts:
        key = _part_key(where, shared, part)
        keys[part.path] = (part.title, part.rows, key)
        outputs.append(slow(part.path, key, lambda part=part: part_html(data, part)))
    _PART_KEYS[where[0]] = (where, keys)
    return outputs


# The key of each part of the register's PDF the last plan made, by election: what every part
# shares then, and by path each part's title and rows with its key (_part_key).
_PART_KEYS: dict[int | None, tuple[tuple, dict[str, tuple[str, list[dict], str]]]] = {}


def _part_key(where: tuple, shared: list, part: PdfPart) -> str:
    """Return the key of `part` (what it shows): the last plan's key of the same path when
    what every part shares (`where`), its title and its rows are the same (the rows compared
    in C, each by identity first: kept rows are the same objects, pages.data._ROWS), and
    worked out otherwise. An approval changes one part: fifty parts' digests at 10,000
    entries were a fortieth of a run (issue 16)."""
    last = _PART_KEYS.get(where[0])
    if last is not None and last[0] == where:
        kept = last[1].get(part.path)
        if kept is not None and kept[0] == part.title and kept[1] == part.rows:
            return kept[2]
    rows = base.digest_of_digests([r["digest"] for r in part.rows])
    return digest(*shared, "part", part.path, part.title, rows)


# The stand-in PDF by the HTML it is made from (no entry: the office's name and contacts):
# the same after every approval, so it is laid out once per worker process, not once per run
# (a third of a second of what an approval waits for). A few at most: one per election.
_STAND_INS: dict[str, bytes] = {}


def _stand_in(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    if key not in _STAND_INS:
        if len(_STAND_INS) >= 8:
            _STAND_INS.clear()
        _STAND_INS[key] = render_pdf(html)
    return _STAND_INS[key]


def render_pdf(html: str) -> bytes:
    """Return the register as a tagged PDF/UA-1 (WeasyPrint, A4, en-GB, titled)."""
    from weasyprint import HTML  # lazy: WeasyPrint is slow to import

    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
