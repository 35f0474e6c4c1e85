"""The leak scan's reading of PDFs (publishing.site.pdftext, pypdf): everything a reader of
the PDF could see, in text, metadata, links and alternative texts (issue 17, item 10)."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from publishing.site import scan
from publishing.site.pdftext import PdfUnreadable, pdf_texts

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
PAGE = f"""<html lang=en><head><title>Notes for rowan.pettifer@example.org</title>
<meta name=author content="Quentin Zeller"></head><body>
<p>Dorothy <b>Penn</b>ington-Smythe lives at CA17 4QT, phone 01632 960 123.</p>
<p><a href="mailto:hidden.link@example.net">contact</a></p>
<img alt="Photo of Wilhelmina Oddbody" src="{PIXEL}">
<p>A line long enough to wrap, so that the name Bartholomew Quixotic-Featherstonehaugh may be
split across two lines of the page, and then a few more words to be sure of it.</p>
</body></html>"""


def _found(texts: list[str], identifier: scan.Identifier) -> bool:
    return bool(scan.Scanner([identifier]).scan("register.pdf", texts))


@pytest.mark.parametrize(
    "identifier",
    [
        scan.Identifier("title", tokens=scan.tokens("rowan.pettifer@example.org")),
        scan.Identifier("metadata", tokens=scan.tokens("Quentin Zeller")),
        scan.Identifier("split by bold", tokens=scan.tokens("Dorothy Pennington-Smythe")),
        scan.Identifier("postcode", postcode="CA174QT"),
        scan.Identifier("phone", digits=scan.phone_digits("01632 960 123")),
        scan.Identifier("link", tokens=scan.tokens("hidden.link@example.net")),
        scan.Identifier("alt text", tokens=scan.tokens("Wilhelmina Oddbody")),
        scan.Identifier("wrapped", tokens=scan.tokens("Bartholomew Quixotic-Featherstonehaugh")),
    ],
    ids=lambda i: i.kind,
)
def test_what_a_reader_sees_in_a_pdf_is_read(identifier):
    pdf = HTML(string=PAGE).write_pdf(pdf_variant="pdf/ua-1")
    assert _found(pdf_texts(pdf), identifier)


def test_a_clean_pdf_holds_none_of_them():
    pdf = HTML(string="<html lang=en><body><p>Eight officers at night.</p></body></html>")
    texts = pdf_texts(pdf.write_pdf())
    assert "Eight officers at night." in texts[0]
    assert not _found(texts, scan.Identifier("x", tokens=scan.tokens("Quentin Zeller")))


def test_a_file_that_is_not_a_readable_pdf_is_refused_not_passed():
    with pytest.raises(PdfUnreadable):
        pdf_texts(b"%PDF-1.7\n garbage that is no PDF at all")
