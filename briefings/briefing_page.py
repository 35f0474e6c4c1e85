"""The standard candidate briefing page (issue 13): what every candidate must know of the
protocol's restrictions, on the public site in every language, and appended to every offer and
invitation e-mail. The office edits it per election (staff page); an empty text is the default
below, which follows the five protocols in /work/shared/protocols/:

- imagery and livery: Cumbria 10.1, Avon and Somerset 11.1, Leicestershire, Norfolk 22;
- filming and photography: Cumbria 9.1 and 11.6, Avon and Somerset 10.1, Cleveland 4.3,
  Norfolk 21;
- police and fire premises: Cumbria 3.3.2 and 8.6, Avon and Somerset 9.1, Cleveland 4.2;
- asking for information: Cumbria 6.1 and 8.1, Norfolk 11 (the PARO for the election itself).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from briefings import republish
from briefings.models import CandidateBriefing
from election_protocol.models import Election
from election_protocol.services import save_with_history

# The standard text, a paragraph a string so that each is translated on its own; a paragraph
# starting "## " is a heading (Translators: keep the "## " of a heading).
DEFAULT_PARAGRAPHS = (
    gettext_noop(
        "This page tells every candidate, on the same terms, the rules the office, the police and "
        "the fire and rescue service follow during the election, and what they ask of candidates."
    ),
    gettext_noop("## Imagery and livery"),
    gettext_noop(
        "The office, the police and the fire and rescue service do not allow their logos, "
        "uniforms, vehicles, imagery or livery to be used in any campaigning or publicity "
        "material, including photographs taken before the election. Where they are used, the "
        "Chief Executive, the Chief Constable or the Chief Fire Officer will consider asking the "
        "candidate to remove or withdraw the material."
    ),
    gettext_noop("## Filming and photography"),
    gettext_noop(
        "Until the pre-election period begins, candidates may be filmed or photographed with "
        "staff, police officers or fire and rescue staff for newspapers or television news, if "
        "the person is content to be filmed or photographed. From the notice of election, staff, "
        "police officers and fire and rescue staff must not be filmed or photographed with "
        "candidates, and must not agree to be photographed or used as part of any campaign."
    ),
    gettext_noop("## Police and fire premises"),
    gettext_noop(
        "Police and fire premises and the office are not to be used for campaigning. A candidate "
        "who wishes to visit premises to find out facts or receive a briefing asks the Election "
        "Single Point of Contact in advance; the Chief Executive decides each request, and the "
        "same offer is made to every candidate."
    ),
    gettext_noop("## How to ask for information"),
    gettext_noop(
        "Send every request for information to the Election Single Point of Contact, by e-mail or "
        "in writing, so that it is recorded and answered on the same terms for every candidate. "
        "Requests made by phone or in person are confirmed in writing before they are answered. "
        "Factual information given to one candidate is published on this website for all. "
        "Questions about the running of the election itself (nominations, expenses, the poll and "
        "the count) are for the Police Area Returning Officer."
    ),
)
# The standard text in English, paragraphs separated by blank lines.
DEFAULT_TEXT = "\n\n".join(DEFAULT_PARAGRAPHS)


def default_text() -> str:
    """Return the standard text in the language active now, paragraph by paragraph."""
    return "\n\n".join(gettext(paragraph) for paragraph in DEFAULT_PARAGRAPHS)


def briefing_text(election: Election, language: str) -> str:
    """Return the briefing text of `election` in `language` ("en-gb", "cy"): the office's own
    text if written, else the default (translated into the language)."""
    row = CandidateBriefing.objects.filter(election=election).first()
    own = ""
    if row is not None:
        own = row.text_cy if language.startswith("cy") else row.text_en
    if own.strip():
        return own.strip()
    with translation.override(language):
        return default_text()


def sections(text: str) -> list[dict]:
    """Return `text` as blocks: {"heading": ...} or {"paragraph": ...} (pure)."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        chunk = " ".join(line.strip() for line in chunk.strip().splitlines())
        if not chunk:
            continue
        if chunk.startswith("## "):
            blocks.append({"heading": chunk[3:].strip()})
        else:
            blocks.append({"paragraph": chunk})
    return blocks


def as_email_text(election: Election) -> str:
    """Return the briefing as plain text for the end of an offer or invitation e-mail (in
    English, the language of the e-mails; the Welsh page is on the public site)."""
    out = []
    for block in sections(briefing_text(election, "en-gb")):
        if "heading" in block:
            out.append(block["heading"].upper())
        else:
            out.append(block["paragraph"])
    return "\n\n".join(out)


def with_briefing(body: str, election: Election) -> str:
    """Return an e-mail `body` followed by the candidate briefing (Cumbria 10.1: the
    restrictions are in the briefing material every candidate receives)."""
    heading = gettext(
        'BRIEFING FOR CANDIDATES (also on the election page: "Briefing for candidates")'
    )
    return f"{body.rstrip()}\n\n{'-' * 70}\n{heading}\n\n{as_email_text(election)}\n"


@transaction.atomic
def save_briefing(
    election: Election, *, text_en: str, text_cy: str, by, now: datetime | None = None
) -> CandidateBriefing:
    """Keep the office's briefing text (blank: the default). Effects: the row saved with a
    history row naming `by`; the public site republished after commit (it shows the page)."""

    row = CandidateBriefing.objects.select_for_update().filter(election=election).first()
    row = row or CandidateBriefing(election=election)
    row.text_en, row.text_cy = text_en.strip(), text_cy.strip()
    row.updated_at, row.updated_by = now or timezone.now(), by
    save_with_history(row, by=by)
    republish.after_commit(election.pk, by=by)
    return row
