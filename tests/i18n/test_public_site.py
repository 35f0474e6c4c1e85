"""The public election page in English and Welsh (issue 7, item 5).

Every page is published twice: English at the site's root, Welsh under cy/, each with its
lang, a language toggle (GOV.UK Design System "Language navigation") and hreflang links to the
other; the shared files (assets, CSV, JSON, Atom, iCalendar, PDF) once, in English. Both
languages are incremental by content key and both are scanned for private details.

Reference election: the PCC polls of Thursday 2 May 2024 (tests.factories.ElectionFactory).
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from publishing import services
from publishing.site import pages, publish_site
from tests.builders import NAMED_LATER, NOW, named_later_as_requester, published, read_site, text
from tests.clock import frozen_clock

_frozen = frozen_clock(NOW, autouse=True)


class _Page(HTMLParser):
    """The parts of a page these tests read: html lang, hreflang links, the toggle, text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.toggle: list[dict] = []
        self._in_toggle = False
        self._item: dict | None = None
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "nav" and "govuk-language-navigation" in (a.get("class") or ""):
            self._in_toggle = True
        elif self._in_toggle and tag in ("a", "span"):
            self._item = {"tag": tag, **a, "text": ""}
            self.toggle.append(self._item)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_toggle = False
        if tag in ("a", "span"):
            self._item = None

    def handle_data(self, data):
        if self._item is not None:
            self._item["text"] += data.strip()
        self.text.append(data)


def _resolve(page_path: str, href: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(page_path), href))


@pytest.mark.django_db
def test_every_page_is_published_in_english_and_in_welsh_with_a_toggle(election, cast, tmp_path):
    entry = published(election, cast, topic="Night cover", answer="Eight officers at night.")
    gone = published(election, cast, topic="Horses", answer="Two police horses.")
    services.withdraw(gone.pk, "Superseded by newer figures.", cast["spoc"])
    publish_site(election, to=tmp_path)
    files = read_site(tmp_path)

    english = sorted(p for p in files if p.endswith(".html") and not p.startswith("cy/"))
    welsh = sorted(p for p in files if p.startswith("cy/"))
    assert welsh == [f"cy/{p}" for p in english]
    assert f"entries/{entry.reference}.html" in english
    # The shared files are not duplicated.
    assert not any(p.startswith("cy/static/") or p.startswith("cy/register.") for p in files)

    for path in english:
        for lang, this, other, other_path in (
            ("en-GB", path, "cy", f"cy/{path}"),
            ("cy", f"cy/{path}", "en-GB", path),
        ):
            page = _Page(text(files[this]))
            assert page.lang == lang, this
            # hreflang alternates for both languages, each leading to the right file.
            assert _resolve(this, page.alternates[lang]) == this
            assert _resolve(this, page.alternates[other]) == other_path
            # The toggle: this language named and current, the other a link in its own lang.
            current, link = sorted(page.toggle, key=lambda item: item["tag"] == "a")
            assert (current["tag"], current["aria-current"], current["lang"]) == (
                "span",
                "true",
                lang,
            )
            assert link["tag"] == "a" and link["hreflang"] == other and link["lang"] == other
            assert link["text"] == {"cy": "Cymraeg", "en-GB": "English"}[other]
            assert _resolve(this, link["href"]) == other_path, this


@pytest.mark.django_db
def test_the_welsh_pages_are_in_welsh_with_welsh_dates(election, cast, tmp_path):
    entry = published(election, cast, topic="Night cover", answer="Eight officers at night.")
    publish_site(election, to=tmp_path)
    files = read_site(tmp_path)
    home = text(files["cy/index.html"])
    assert "Gwybodaeth am yr etholiad" in home  # "Election information"
    assert "Neidio i&#x27;r prif gynnwys" in home or "Neidio i'r prif gynnwys" in home
    # Polling day, Thursday 2 May 2024: Django's Welsh day and month names.
    assert "Dydd Iau 2 Mai 2024" in home
    assert "Thursday" not in home
    register = text(files["cy/register/index.html"])
    assert "Cofrestr o atebion" in register and "Register of answers" not in register
    permalink = text(files[f"cy/entries/{entry.reference}.html"])
    # The entry's own text is the office's, in the language it was written in; the frame is
    # Welsh, and the published date (20 February 2024) is in Welsh.
    assert "Eight officers at night." in permalink
    assert "20 Chwefror 2024" in permalink and "Ateb ar y gofrestr" in permalink
    # The English pages did not change language.
    assert "Thursday 2 May 2024" in text(files["index.html"])
    # Every link of a Welsh page leads to a file of the site (shared files one level up).
    for path in (p for p in files if p.startswith("cy/")):
        for link in re.findall(r'(?:href|src)="([^"]+)"', text(files[path])):
            if not link.startswith(("http://", "https://", "mailto:", "#")):
                assert _resolve(path, link.split("#")[0]) in files, (path, link)


@pytest.mark.django_db
def test_the_shared_files_are_english_even_when_published_from_a_welsh_request(
    election, cast, tmp_path
):
    published(election, cast, topic="Night cover", answer="Eight officers at night.")
    # "Publish now" by a member of staff whose browser asks for Welsh (tasks in-process).
    with translation.override("cy"):
        publish_site(election, to=tmp_path)
    files = read_site(tmp_path)
    assert "Answer on the register" in text(files["register.csv"])
    assert "Polling day" in text(files["key-dates.ics"])
    assert _Page(text(files["index.html"])).lang == "en-GB"
    assert _Page(text(files["cy/index.html"])).lang == "cy"


@pytest.mark.django_db
def test_the_content_key_includes_the_language_and_its_catalogue(election, cast, monkeypatch):
    published(election, cast, topic="Night cover", answer="Eight officers at night.")
    first = publish_site(election)
    keys = {o.path: o.key for o in pages.plan_site(pages.load(election), now=NOW)}
    assert keys["index.html"] != keys["cy/index.html"]
    # A new Welsh translation renders the Welsh pages again and carries the English over.
    original = pages.base.catalogue_key
    monkeypatch.setattr(
        pages.base, "catalogue_key", lambda code: original(code) + ("-new" if code == "cy" else "")
    )
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    html = [p for p in second.rendered + second.carried if p.endswith(".html")]
    assert sorted(p for p in second.rendered if p.endswith(".html")) == sorted(
        p for p in html if p.startswith("cy/")
    )
    assert "index.html" in second.carried
    # The catalogue did not really change, so neither did a byte: the live version stays.
    assert second.unchanged and second.version == first.version


@pytest.mark.django_db
def test_a_private_detail_on_a_welsh_page_blocks_publication(election, cast):
    # The leak scan reads the Welsh pages too: a requester named after publication blocks it.
    entry = published(election, cast, topic="Horses", answer=NAMED_LATER)
    assert publish_site(election).status == "published"
    named_later_as_requester(election, cast)
    result = publish_site(election)
    assert result.status == "blocked"
    assert f"cy/entries/{entry.reference}.html" in result.reason


@pytest.mark.django_db
@override_settings(PUBLIC_SITE_LANGUAGES=["en-gb"])
def test_an_office_in_england_publishes_english_only_without_a_toggle(election, cast, tmp_path):
    published(election, cast, topic="Night cover", answer="Eight officers at night.")
    publish_site(election, to=tmp_path)
    files = read_site(tmp_path)
    assert not any(p.startswith("cy/") for p in files)
    page = _Page(text(files["index.html"]))
    assert page.toggle == [] and page.lang == "en-GB"
