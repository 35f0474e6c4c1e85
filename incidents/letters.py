"""Decision letters for incidents as tagged PDFs: a request to remove or withdraw material that
uses police, fire or office imagery (Cumbria 10.1; Norfolk 22), and the written answer to a
complaint that the protocol was breached.

Built like the meeting letters (briefings.letters): plain values, an autoescaped Django template
(`incidents/letter_pdf.html`), WeasyPrint with the same PDF/UA-1 variant; sent by the caller through
the register's outbox as an attachment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string

from briefings.letters import PDF_VARIANT


@dataclass(frozen=True)
class IncidentLetter:
    """What a decision letter says. Every value is printed escaped."""

    reference: str
    office_name: str
    date: dt.date
    addressee: str
    heading: str
    about: str
    decision: str
    reasons: str
    considerations: tuple[tuple[str, str], ...]
    request: str
    clauses: str
    signatory: str

    def __post_init__(self) -> None:
        if not self.reasons.strip():
            raise ValueError("A decision letter must give the reasons.")

    @property
    def title(self) -> str:
        return f"{self.heading} ({self.reference})"


def render_letter_html(letter: IncidentLetter) -> str:
    """Return the letter as HTML (Django template `incidents/letter_pdf.html`, autoescaped)."""
    return render_to_string("incidents/letter_pdf.html", {"letter": letter, "title": letter.title})


def render_letter_pdf(letter: IncidentLetter, *, compress: bool = True) -> bytes:
    """Return the letter as a tagged PDF/UA-1 document (A4, en-GB, titled)."""
    from weasyprint import HTML  # lazy: WeasyPrint is slow to import, only letters need it

    return HTML(string=render_letter_html(letter)).write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=not compress
    )
