"""The Welsh catalogue (issue 7, item 5): locale/cy/LC_MESSAGES/django.mo is committed beside
django.po so that running the application never needs GNU gettext. These tests keep the two
in step (a .po edited without `make messages` fails here), keep every placeholder of a
translation the same as its English, and keep the public election page wholly in Welsh.
"""

from __future__ import annotations

import gettext
import re

from tests.i18n.catalogue import LOCALE, read_po

_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdif%]")


def _catalogue_of_po(entries: list[dict]) -> dict:
    """Return what msgfmt puts in the .mo: translated, non-fuzzy entries only."""
    catalogue = {}
    for e in entries:
        if e["msgid"] and ("fuzzy" in e["flags"] or not any(e["msgstr"])):
            continue
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            for n, text in enumerate(e["msgstr"]):
                catalogue[(msgid, n)] = text
        else:
            catalogue[msgid] = e["msgstr"][0]
    return catalogue


def test_the_mo_file_is_compiled_from_the_po_file():
    entries = read_po(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = _catalogue_of_po(entries)
    # msgfmt leaves the POT creation date out of the compiled header.
    expected[""] = re.sub(r"POT-Creation-Date: [^\n]*\n", "", expected[""])
    assert compiled == expected, (
        "locale/cy/LC_MESSAGES/django.mo is out of date: run `make messages` and commit both."
    )
    # The header made it across: four Welsh plural forms (0, 1, 2, 3+ with exceptions).
    assert "nplurals=4" in compiled[""]


def test_every_translation_keeps_the_placeholders_of_its_english():
    for e in read_po(LOCALE / "django.po"):
        if not e["msgid"]:
            continue
        english = sorted(_PLACEHOLDER.findall(e["msgid"]))
        plural = sorted(_PLACEHOLDER.findall(e.get("msgid_plural", e["msgid"])))
        for n, text in enumerate(e["msgstr"]):
            found = sorted(_PLACEHOLDER.findall(text))
            if not text:
                continue
            if "msgid_plural" in e:
                # A Welsh plural form may spell out its number ("un", "dau"), never add one.
                assert set(found) <= set(plural), (e["msgid"], n, text)
            else:
                assert found == english, (e["msgid"], text)


def test_the_public_election_page_is_wholly_translated():
    untranslated = [
        e["msgid"]
        for e in read_po(LOCALE / "django.po")
        if e["msgid"]
        and any(ref.startswith(("templates/public/", "publishing/site/")) for ref in e["refs"])
        and ("fuzzy" in e["flags"] or not all(e["msgstr"]))
    ]
    assert untranslated == []


def test_the_catalogue_says_it_needs_review_by_a_welsh_translator():
    header = (LOCALE / "django.po").read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "reviewed by a Welsh-language translator" in header
