"""Pseudo-localisation of the public election page (issue 7, item 5).

Every string of the catalogue is replaced by itself in ⟦brackets⟧ and compiled into a
throwaway Welsh catalogue; the site is published with it. Whatever template text is left
outside the brackets on a Welsh page was not marked for translation (or was rendered in the
wrong language). What is left must be the data itself: the office's details, the entries'
text, numbers, dates (Django's own Welsh month and day names), and language names.
"""

from __future__ import annotations

import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from publishing.site import publish_site
from tests.builders import NOW, published, read_site, text
from tests.i18n.catalogue import LOCALE, read_po

_WORD = re.compile(r"[A-Za-z]{3,}")


def write_mo(catalogue: dict[str, str]) -> bytes:
    """Return `catalogue` as a GNU .mo file (the format Python's gettext reads)."""
    keys = sorted(catalogue)
    ids = strs = b""
    table = []
    for key in keys:
        k, v = key.encode(), catalogue[key].encode()
        table.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    keys_index = b"".join(struct.pack("<2I", length, key_start + at) for at, length, _, _ in table)
    values_index = b"".join(
        struct.pack("<2I", length, value_start + at) for _, _, at, length in table
    )
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return header + keys_index + values_index + ids + strs


def pseudo_catalogue() -> dict[str, str]:
    """Return every msgid of the Welsh catalogue translated as ⟦itself⟧."""
    catalogue = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; "
                 "plural=(n != 1);\n"}  # fmt: skip
    for e in read_po(LOCALE / "django.po"):
        if not e["msgid"]:
            continue
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            catalogue[f"{msgid}\0{e['msgid_plural']}"] = f"⟦{e['msgid']}⟧\0⟦{e['msgid_plural']}⟧"
        else:
            catalogue[msgid] = f"⟦{e['msgid']}⟧"
    return catalogue


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


@pytest.fixture
def pseudo_welsh(tmp_path):
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.mo").write_bytes(write_mo(pseudo_catalogue()))
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        yield


def test_the_mo_writer_writes_what_gettext_reads(tmp_path):
    import gettext

    path = Path(tmp_path) / "x.mo"
    path.write_bytes(write_mo({"": "Content-Type: text/plain; charset=UTF-8\n", "Yes": "Ie"}))
    with path.open("rb") as mo:
        assert gettext.GNUTranslations(mo).gettext("Yes") == "Ie"


@pytest.mark.django_db
def test_no_english_template_text_is_left_on_the_welsh_pages(
    election, spoc, chief_executive, pseudo_welsh, tmp_path
):
    cast = {"spoc": spoc, "ce": chief_executive}
    with time_machine.travel(NOW, tick=False):
        entry = published(election, cast, topic="Night cover", answer="Eight officers at night.")
        publish_site(election, to=tmp_path / "site")
    files = read_site(tmp_path / "site")
    # The data a page may show as it is: the office's own details and the entry's text.
    data = " ".join(
        str(v)
        for v in (
            election.office_name,
            election.area,
            election.spoc_name,
            election.spoc_email,
            election.paro_name,
            election.paro_email,
            election.fire_service_name,
            election.police_force_name,
            *election.organisations,
            entry.topic,
            entry.question,
            entry.answer,
            entry.reference,
            "English Cymraeg",  # the toggle names each language in itself
        )
    )
    allowed = {w.casefold() for w in _WORD.findall(data)}
    pages = [p for p in files if p.startswith("cy/") and p.endswith(".html")]
    assert len(pages) >= 9
    for path in pages:
        visible = _Visible()
        visible.feed(text(files[path]))
        outside = " ".join(visible.parts)
        while re.search(r"⟦[^⟦⟧]*⟧", outside):  # innermost first: "⟦by A ⟦and⟧ B⟧"
            outside = re.sub(r"⟦[^⟦⟧]*⟧", " ", outside)
        english = [w for w in _WORD.findall(outside) if w.casefold() not in allowed]
        # Django's own Welsh catalogue still names days and months, in Welsh.
        english = [w for w in english if w not in WELSH_DATE_WORDS]
        assert english == [], path
    # And the marked text really went through the catalogue.
    assert "⟦Register of answers⟧" in text(files["cy/register/index.html"])
    assert settings.LANGUAGE_CODE == "en-gb"


WELSH_DATE_WORDS = {
    *("Dydd", "Sul", "Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn"),
    *("Ionawr", "Chwefror", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi"),
    *("Hydref", "Tachwedd", "Rhagfyr"),
}
