"""Letters: the conditions printed, and an accessible (tagged PDF/UA-1) A4 letter.

Reference election: the Cumbria PFCC poll of 2 May 2024 (notice of election published 20 March
2024, so the pre-election period had begun by a visit on 18 April 2024 and not by a meeting on
14 March 2024).

The PDF is checked with the standard library only: zlib inflates the compressed streams for the
structure checks, and the visible text is read from an uncompressed rendering through each
font's ToUnicode map (WeasyPrint writes glyph numbers, not characters, into the page).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from briefings import letters
from briefings.letters import Letter, conditions_for, render_letter_html, render_letter_pdf
from tests.pdf import expanded

MEETING_BEFORE = datetime(2024, 3, 14, 14, 0, tzinfo=UTC)  # 14:00 GMT
VISIT_DURING = datetime(2024, 4, 18, 9, 30, tzinfo=UTC)  # 10:30 BST


def _letter(**overrides) -> Letter:
    values = {
        "kind": "confirmation",
        "reference": "CU24-0007",
        "office_name": "Office of the Police, Fire and Crime Commissioner for Cumbria",
        "office_address": "Carleton Hall\nPenrith\nCA10 2AU",
        "date": date(2024, 4, 10),
        "candidate_name": "Alex Example",
        "what": "A visit to the force control room",
        "when": VISIT_DURING,
        "where": "Police Headquarters, Carleton Hall, Penrith",
        "host": "Superintendent Jo Bloggs",
        "reason": "",
        "conditions": conditions_for(True, True),
        "signatory": "Sam Smith, Election SPOC",
    }
    values.update(overrides)
    return Letter(**values)


# --- conditions_for ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_pre_election_period", "is_visit", "expected"),
    [
        (False, False, (letters.FILMING_IF_CONTENT, letters.NO_IMAGERY)),
        (True, False, (letters.NO_FILMING, letters.NO_IMAGERY)),
        (
            False,
            True,
            (
                letters.FILMING_IF_CONTENT,
                letters.NO_IMAGERY,
                letters.FACT_FINDING_ONLY,
                letters.NO_CAMPAIGNING_ON_PREMISES,
            ),
        ),
        (
            True,
            True,
            (
                letters.NO_FILMING,
                letters.NO_IMAGERY,
                letters.FACT_FINDING_ONLY,
                letters.NO_CAMPAIGNING_ON_PREMISES,
            ),
        ),
    ],
)
def test_conditions_for_table(in_pre_election_period, is_visit, expected):
    assert conditions_for(in_pre_election_period, is_visit) == expected


@pytest.mark.parametrize(
    ("condition", "says", "clauses"),
    [
        (
            letters.NO_FILMING,
            "must not be filmed or photographed",
            ["Cumbria protocol 9.1", "Norfolk protocol 21"],
        ),
        (letters.FILMING_IF_CONTENT, "anyone may decline", ["Cumbria protocol 9.1"]),
        (
            letters.NO_IMAGERY,
            "must not be used in any campaign or publicity material",
            ["Cumbria protocol 10.1", "Norfolk protocol 22"],
        ),
        (letters.FACT_FINDING_ONLY, "follow your host's instructions", ["Cumbria protocol 8.6"]),
        (
            letters.NO_CAMPAIGNING_ON_PREMISES,
            "No campaigning or electioneering on the premises",
            ["Norfolk protocol 23"],
        ),
    ],
)
def test_each_condition_says_what_and_cites_its_clause(condition, says, clauses):
    assert says in condition
    for clause in clauses:
        assert f"{clause})" in condition or f"{clause};" in condition


# --- the Letter ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"kind": "apology"}, "confirmation or a decline"),
        ({"kind": "decline", "reason": "  "}, "must give the reason"),
        ({"when": datetime(2024, 4, 18, 10, 30)}, "timezone-aware"),
        ({"conditions": [letters.NO_IMAGERY]}, "tuple"),
    ],
)
def test_letter_refuses_invalid_values(overrides, error):
    with pytest.raises(ValueError, match=error):
        _letter(**overrides)


def test_letter_title_names_kind_reference_and_what():
    assert _letter().title == "Confirmation letter CU24-0007: A visit to the force control room"
    assert _letter(kind="decline", reason="No.").title == (
        "Decline letter CU24-0007: A visit to the force control room"
    )


# --- the PDF -------------------------------------------------------------------------------------


_OBJECT = re.compile(rb"(\d+) 0 obj\n(.*?)\nendobj", re.DOTALL)


def _stream(body: bytes) -> bytes:
    return body.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]


def _visible_text(pdf: bytes) -> list[str]:
    """Return the text drawn on each page of an uncompressed WeasyPrint PDF, spaces collapsed.

    Each font (a Type0 font, Identity-H) draws 2-byte glyph codes; its ToUnicode CMap (bfchar
    entries, as WeasyPrint writes them) gives the characters.
    """
    objects = {int(number): body for number, body in _OBJECT.findall(pdf)}
    font_names = objects[int(re.search(rb"/Font (\d+) 0 R", pdf).group(1))]
    characters: dict[bytes, dict[str, str]] = {}
    for name, font_ref in re.findall(rb"/(\w+) (\d+) 0 R", font_names):
        cmap_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(font_ref)]).group(1)
        cmap = _stream(objects[int(cmap_ref)])
        assert b"beginbfrange" not in cmap, "bfrange entries are not read by this helper"
        characters[name] = {
            code.decode().lower(): bytes.fromhex(text.decode()).decode("utf-16-be")
            for block in re.findall(rb"beginbfchar\n(.*?)endbfchar", cmap, re.DOTALL)
            for code, text in re.findall(rb"<([0-9a-fA-F]+)> <([0-9a-fA-F]+)>", block)
        }
    pages = []
    for content_ref in re.findall(rb"/Contents (\d+) 0 R", pdf):
        content = _stream(objects[int(content_ref)])
        shown, font = [], {}
        operators = re.finditer(rb"/(\w+) [\d.]+ Tf|\[(.*?)\] TJ|(<[0-9a-fA-F]*>) Tj", content)
        for operator in operators:
            if operator.group(1):
                font = characters[operator.group(1)]
                continue
            for glyphs in re.findall(rb"<([0-9a-fA-F]*)>", operator.group(2) or operator.group(3)):
                codes = glyphs.decode().lower()
                shown.append("".join(font[codes[i : i + 4]] for i in range(0, len(codes), 4)))
            shown.append(" ")
        pages.append(" ".join("".join(shown).split()))
    return pages


def _text(letter: Letter) -> str:
    return " ".join(_visible_text(render_letter_pdf(letter, compress=False)))


def test_render_letter_pdf_is_tagged_pdf_ua_with_title_and_language(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")

    pdf = render_letter_pdf(_letter())

    assert pdf.startswith(b"%PDF-1.7")
    document = expanded(pdf)
    assert b"/StructTreeRoot" in document
    assert b"/MarkInfo <</Marked true>>" in document
    assert b"/Lang (en-GB)" in document
    assert b'pdfuaid:part="1"' in document
    assert b"/DisplayDocTitle true" in document
    assert b"/Title (Confirmation letter CU24-0007: A visit to the force control room)" in document
    # Real headings and a list in the structure tree, not just styled text.
    for tag in (b"/S /H1", b"/S /H2", b"/S /L", b"/S /LI", b"/S /TH", b"/S /P"):
        assert tag in document
    # Text only: no police or fire imagery can slip in as a picture.
    assert b"/Subtype /Image" not in document
    assert b"DejaVu-Sans" in document
    # WeasyPrint logs, rather than raises, what would break PDF/UA (a missing lang, say).
    assert [r.getMessage() for r in caplog.records] == []


def test_render_letter_pdf_is_one_a4_page():
    pdf = render_letter_pdf(_letter(), compress=False)

    media_boxes = re.findall(rb"/MediaBox \[([\d. -]+)\]", pdf)
    assert len(media_boxes) == 1
    left, top, right, bottom = (float(value) for value in media_boxes[0].split())
    # A4 is 210 x 297 mm: 595.28 x 841.89 points.
    assert (round(right - left, 1), round(bottom - top, 1)) == (595.3, 841.9)


def test_confirmation_prints_who_what_when_where_host_and_conditions():
    text = _text(_letter())

    for expected in [
        "Office of the Police, Fire and Crime Commissioner for Cumbria Carleton Hall Penrith "
        "CA10 2AU",
        "10 April 2024",
        "Our reference: CU24-0007",
        "Dear Alex Example,",
        "Confirmation: A visit to the force control room",
        "What A visit to the force control room",
        # 09:30 UTC is 10:30 in London (British Summer Time).
        "When Thursday 18 April 2024 at 10:30",
        "Where Police Headquarters, Carleton Hall, Penrith",
        "Host Superintendent Jo Bloggs",
        "On the day",
        *conditions_for(True, True),
        "Yours sincerely, Sam Smith, Election SPOC",
    ]:
        assert expected in text


def test_confirmation_before_the_pre_election_period_prints_the_softer_line():
    letter = _letter(
        what="A one-to-one meeting with the Chief Constable",
        when=MEETING_BEFORE,
        where="Police Headquarters, Penrith",
        host="Chief Constable",
        conditions=conditions_for(False, False),
    )

    text = _text(letter)

    assert "When Thursday 14 March 2024 at 14:00" in text
    assert str(letters.FILMING_IF_CONTENT) in text
    assert str(letters.NO_IMAGERY) in text
    assert str(letters.NO_FILMING) not in text
    assert str(letters.NO_CAMPAIGNING_ON_PREMISES) not in text


def test_decline_prints_the_reason_and_no_conditions():
    letter = _letter(
        kind="decline",
        reason="Visits to the control room cannot be offered to every candidate before the poll.",
        conditions=(),
        when=None,
        host="",
    )

    text = _text(letter)

    assert "Your request has been declined" in text
    assert "When To be arranged" in text
    assert "Why Visits to the control room cannot be offered to every candidate" in text
    assert "On the day" not in text
    assert "Host" not in text


def test_letter_html_escapes_hostile_input():
    hostile = "<script>alert(1)</script>"
    letter = _letter(
        candidate_name=hostile,
        what=f"A visit {hostile}",
        office_address=f"1 High Street\n{hostile}",
        kind="decline",
        reason=f'Because "{hostile}"',
    )

    html = render_letter_html(letter)

    assert "<script" not in html
    assert (
        html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 5
    )  # name, title, what, address, reason
    assert "&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in html  # the reason
    # And the PDF shows the name as typed, as text.
    assert f"Dear {hostile}," in _text(letter)


def test_letter_html_is_english_titled_and_imageless():
    html = render_letter_html(_letter())

    assert '<html lang="en-GB">' in html
    assert "<title>Confirmation letter CU24-0007: A visit to the force control room</title>" in html
    assert "<h1>" in html
    assert "<img" not in html
    assert "url(" not in html


def test_conditions_are_escaped_in_the_html():
    html = render_letter_html(_letter(conditions=("Bring <b>ID</b> & a pen",)))
    assert "<li>Bring &lt;b&gt;ID&lt;/b&gt; &amp; a pen</li>" in html


def test_replace_keeps_the_checks():
    # dataclasses.replace builds a new Letter through __init__: the checks run again.
    with pytest.raises(ValueError, match="must give the reason"):
        replace(_letter(), kind="decline")
