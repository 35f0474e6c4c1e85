"""Confirmation and decline letters for meetings and visits, as accessible (tagged) PDFs.

A letter is built from a `Letter` (plain values, no ORM), rendered by the Django template
`briefings/letter.html` (autoescaped: a candidate's name or a reason is never markup) and turned
into a PDF/UA-1 file by WeasyPrint: tagged structure (headings, lists, a table with row headers),
document language en-GB, the title in the metadata, A4, text only (no police or fire imagery).
The caller sends it through the outbox as an attachment (requests_register.outbox).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

# PDF/UA-1 (ISO 14289-1): WeasyPrint tags the structure (StructTreeRoot, MarkInfo), writes the
# document language and the title (shown instead of the file name: DisplayDocTitle) and adds
# the PDF/UA identifier to the XMP metadata.
PDF_VARIANT = "pdf/ua-1"

KINDS = ("confirmation", "decline")

# --- the conditions printed under "On the day" -------------------------------------------------

NO_FILMING = _(
    "The pre-election period has begun: officers and staff must not be filmed or photographed "
    "with you, for any purpose (Cumbria protocol 9.1; Norfolk protocol 21)."
)
FILMING_IF_CONTENT = _(
    "Officers and staff may be filmed or photographed with you only if each of them is content "
    "to be; anyone may decline (Cumbria protocol 9.1; Norfolk protocol 21)."
)
NO_IMAGERY = _(
    "Police and fire imagery and livery, such as logos and badges, and photographs of officers "
    "or staff must not be used in any campaign or publicity material (Cumbria protocol 10.1; "
    "Norfolk protocol 22)."
)
FACT_FINDING_ONLY = _(
    "The visit is for fact-finding and receiving a briefing only (Cumbria protocol 8.6): please "
    "follow your host's instructions throughout, including where you may go and what you may "
    "record."
)
NO_CAMPAIGNING_ON_PREMISES = _(
    "No campaigning or electioneering on the premises: no leaflets, canvassing or campaign "
    "recordings, and official telephones, computers, stationery and staff must not be used in "
    "support of a campaign (Norfolk protocol 23)."
)


def conditions_for(in_pre_election_period: bool, is_visit: bool) -> tuple[str, ...]:
    """Return the conditions to print on a confirmation letter, in the order to print them.

    - Filming and photographs: within the pre-election period officers and staff must not be
      filmed or photographed (Cumbria protocol 9.1; Norfolk protocol 21); before it, only with
      each person's consent, so anyone may decline (the first sentence of the same clauses).
    - Imagery: police and fire imagery and livery must not be used in campaign or publicity
      material (Cumbria protocol 10.1; Norfolk protocol 22). Printed always: 10.1 is not limited
      to the pre-election period.
    - Visits to premises only: the visit is for fact-finding and briefing (Cumbria protocol 8.6),
      so the host's instructions are followed; no campaigning or electioneering on official
      premises and no use of official equipment or staff (Norfolk protocol 23).
    """
    conditions = [NO_FILMING if in_pre_election_period else FILMING_IF_CONTENT, NO_IMAGERY]
    if is_visit:
        conditions += [FACT_FINDING_ONLY, NO_CAMPAIGNING_ON_PREMISES]
    return tuple(str(c) for c in conditions)  # in the language active now, as plain text


# --- the letter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """What a confirmation or decline letter says. Every value is printed escaped.

    `when` must be timezone-aware (printed in the project's time zone) or None (not yet fixed).
    A decline needs a `reason` and prints no conditions (there is no day to prepare for).
    """

    kind: Literal["confirmation", "decline"]
    reference: str
    office_name: str
    office_address: str
    date: dt.date
    candidate_name: str
    what: str
    when: dt.datetime | None
    where: str
    host: str
    reason: str
    conditions: tuple[str, ...]
    signatory: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"A letter is a confirmation or a decline, not {self.kind!r}.")
        if self.kind == "decline" and not self.reason.strip():
            raise ValueError("A decline letter must give the reason.")
        if self.when is not None and (self.when.tzinfo is None or self.when.utcoffset() is None):
            # A naive time would be printed as if local, whatever it meant.
            raise ValueError("The letter's `when` must be timezone-aware.")
        if not isinstance(self.conditions, tuple):
            raise ValueError("Give the conditions as a tuple of strings.")

    @property
    def title(self) -> str:
        """Return the document title (PDF metadata): kind, reference and what it is about."""
        if self.kind == "confirmation":
            title = _("Confirmation letter %(reference)s: %(what)s")
        else:
            title = _("Decline letter %(reference)s: %(what)s")
        return title % {"reference": self.reference, "what": self.what}


def render_letter_html(letter: Letter) -> str:
    """Return the letter as HTML (Django template `briefings/letter.html`, autoescaped)."""
    return render_to_string("briefings/letter.html", {"letter": letter, "title": letter.title})


def render_letter_pdf(letter: Letter, *, compress: bool = True) -> bytes:
    """Return the letter as a tagged PDF/UA-1 document (A4, en-GB, titled).

    `compress=False` leaves the content streams readable (WeasyPrint's uncompressed_pdf): for
    tests and debugging only.
    """
    # Imported here: WeasyPrint loads Pango and fonts, which nothing else needs at start-up.
    from weasyprint import HTML

    return HTML(string=render_letter_html(letter)).write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=not compress
    )
