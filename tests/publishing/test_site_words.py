"""The site's own words, never evidence of a leak on their own, are worked out once per change
of the templates or translations, not every run (checks._site_words; issue 16), and the
requesters' kept identifiers are used again only for the same words (scan._Collector)."""

from __future__ import annotations

import os
import shutil

import pytest

from publishing.site import checks, pages, scan


def _worked_out_afresh(folder) -> set[str]:
    """The words as every run worked them out before they were kept."""
    words: set[str] = set()
    for source in folder.rglob("*.html"):
        words.update(scan.tokens(source.read_text()))
    words.update(scan.tokens(pages.translated_words()))
    return words


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A copy of the public templates, which the test may change."""
    folder = tmp_path / "public"
    shutil.copytree(pages.TEMPLATES_DIR, folder)
    monkeypatch.setattr(pages, "TEMPLATES_DIR", folder)
    checks._SITE_WORDS.clear()
    yield folder
    checks._SITE_WORDS.clear()


def test_the_kept_words_are_those_worked_out_afresh(templates):
    first = checks._site_words()
    assert first == _worked_out_afresh(templates)
    assert "register" in first  # a template's word
    assert checks._site_words() is first  # nothing changed: the same set, not read again


def test_a_changed_template_gives_its_new_words(templates):
    before = checks._site_words()
    page = templates / "register.html"
    page.write_text(page.read_text() + "\n<p>Quillifrond</p>\n")
    after = checks._site_words()
    assert "quillifrond" not in before
    assert "quillifrond" in after
    assert after == _worked_out_afresh(templates)


def test_a_template_changed_with_the_same_size_and_time_is_read_again(templates):
    """The key is each template's content, not its size and modification time: a word
    replaced by one of the same length, the time set back to the old one to the nanosecond
    (a copy that keeps times, a clock too coarse), is still seen, and the old word no longer
    counts as the site's."""
    page = templates / "register.html"
    page.write_text(page.read_text() + "\n<p>Quillifrond</p>\n")
    assert "quillifrond" in checks._site_words()
    old = page.stat()
    page.write_text(page.read_text().replace("Quillifrond", "Brackenmoss"))
    os.utime(page, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    words = checks._site_words()
    assert "brackenmoss" in words
    assert "quillifrond" not in words


def test_a_changed_translation_gives_its_new_words(templates, monkeypatch):
    before = checks._site_words()
    real = pages.translated_words
    monkeypatch.setattr(pages, "translated_words", lambda: real() + '\nmsgstr "Gwenithfaen"')
    after = checks._site_words()
    assert "gwenithfaen" not in before
    assert "gwenithfaen" in after


def test_a_new_template_gives_its_words(templates):
    checks._site_words()
    (templates / "extra.html").write_text("<p>Ottersgate</p>")
    assert "ottersgate" in checks._site_words()


def test_the_collectors_ordinary_words_and_signature():
    """The ordinary words are the common ones, the given ones and the public values' words;
    the signature differs when any of them does, and is equal for equal inputs."""
    public = ["Benchshire Police", "07700 900100"]
    given = frozenset({"quillifrond"})
    collect = scan._Collector(public, given)
    public_words = {word for value in public for word in scan.tokens(value)}
    assert {"benchshire", "police", "07700"} <= public_words
    assert collect.ordinary == scan.COMMON_WORDS | given | public_words
    assert collect.signature == scan._Collector(list(public), set(given)).signature
    assert collect.signature != scan._Collector(public, frozenset({"brackenmoss"})).signature
    assert collect.signature != scan._Collector(public[:1], given).signature
    assert collect.signature != scan._Collector([*public, "07700 900101"], given).signature
