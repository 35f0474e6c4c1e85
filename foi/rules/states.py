"""The FOI case's states and steps, who holds and discloses (the office, the force or the fire
service), internal review outcomes, and the exemptions a refusal cites (FOIA ss.21-44) with the
refusal notice (s.17). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


def _short_date(d: date) -> str:
    """Return `d` as "Mon 1 Jul 2024", as the calendar's explanations write it."""
    return f"{d:%a} {d.day} {d:%b} {d.year}"


# An internal review: the ICO's guidance (and the s.45 Code of Practice, 2018, para 5.5) is
# 20 working days from receiving the complaint, and never more than 40 in complex cases.
REVIEW_TARGET_WORKING_DAYS = 20
REVIEW_LATEST_WORKING_DAYS = 40
# A public-interest extension (s.10(3)) is "such time as is reasonable in the circumstances";
# the ICO considers a further 20 working days (40 in all) the most that is reasonable.
EXTENSION_MAX_WORKING_DAYS = 20


class FoiError(ValueError):
    """A step the Act or the rules here do not allow; the message says why and what to do."""


class Authority(StrEnum):
    """Which public authority holds the information and discloses it under its own Act duty."""

    OFFICE = "opcc"
    POLICE = "police"
    FIRE = "fire"


AUTHORITY_LABELS = {
    Authority.OFFICE: _("The commissioner's office"),
    Authority.POLICE: _("The police force"),
    Authority.FIRE: _("The fire and rescue service"),
}


class State(StrEnum):
    OPEN = "open"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    EXTENDED = "extended"
    REFUSED = "refused"
    DISCLOSED_ELSEWHERE = "disclosed_elsewhere"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"


STATE_LABELS = {
    State.OPEN: _("Clock running"),
    State.AWAITING_CLARIFICATION: _("Clock stopped: clarification asked"),
    State.EXTENDED: _("Extended for the public interest test"),
    State.REFUSED: _("Refused (refusal notice sent)"),
    State.DISCLOSED_ELSEWHERE: _("Disclosed by another authority"),
    State.UNDER_REVIEW: _("Internal review"),
    State.REVIEWED: _("Internal review decided"),
}

# The one transition table. Internal review follows a refusal, or an answer the office sent
# (the register's own "sent"/"closed": checked by check_transition with `answered`); another
# authority's disclosure is reviewed by that authority under its own Act duty.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.OPEN: frozenset(
        {
            State.AWAITING_CLARIFICATION,
            State.EXTENDED,
            State.REFUSED,
            State.DISCLOSED_ELSEWHERE,
            State.UNDER_REVIEW,
        }
    ),
    State.AWAITING_CLARIFICATION: frozenset({State.OPEN}),
    State.EXTENDED: frozenset({State.REFUSED, State.DISCLOSED_ELSEWHERE, State.UNDER_REVIEW}),
    State.REFUSED: frozenset({State.UNDER_REVIEW}),
    State.DISCLOSED_ELSEWHERE: frozenset(),
    State.UNDER_REVIEW: frozenset({State.REVIEWED}),
    State.REVIEWED: frozenset(),
}


class ReviewOutcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    OVERTURNED = "overturned"


REVIEW_OUTCOME_LABELS = {
    ReviewOutcome.UPHELD: _("Original response upheld"),
    ReviewOutcome.PARTLY_UPHELD: _("Partly upheld: more information disclosed"),
    ReviewOutcome.OVERTURNED: _("Overturned: the information is disclosed"),
}


@dataclass(frozen=True)
class Exemption:
    section: str
    name: str
    # Qualified: subject to the public interest test (s.2(2)(b)); only then may the time be
    # extended under s.10(3). Where a section is absolute only in part, it is listed qualified:
    # the extension is for the parts that are not.
    qualified: bool


# Part II of the Act, sections 21 to 44 (s.25 is supplementary, not an exemption).
EXEMPTIONS: tuple[Exemption, ...] = (
    Exemption("21", "Information accessible to applicant by other means", False),
    Exemption("22", "Information intended for future publication", True),
    Exemption("22A", "Research", True),
    Exemption(
        "23", "Information supplied by, or relating to, bodies dealing with security matters", False
    ),
    Exemption("24", "National security", True),
    Exemption("26", "Defence", True),
    Exemption("27", "International relations", True),
    Exemption("28", "Relations within the United Kingdom", True),
    Exemption("29", "The economy", True),
    Exemption("30", "Investigations and proceedings conducted by public authorities", True),
    Exemption("31", "Law enforcement", True),
    Exemption("32", "Court records, etc.", False),
    Exemption("33", "Audit functions", True),
    Exemption("34", "Parliamentary privilege", False),
    Exemption("35", "Formulation of government policy, etc.", True),
    Exemption("36", "Prejudice to effective conduct of public affairs", True),
    Exemption("37", "Communications with the Sovereign, etc. and honours", True),
    Exemption("38", "Health and safety", True),
    Exemption("39", "Environmental information", True),
    Exemption("40", "Personal information", True),
    Exemption("41", "Information provided in confidence", False),
    Exemption("42", "Legal professional privilege", True),
    Exemption("43", "Commercial interests", True),
    Exemption("44", "Prohibitions on disclosure", False),
)
EXEMPTIONS_BY_SECTION = {e.section: e for e in EXEMPTIONS}


def exemption_label(section: str) -> str:
    """Return "Section 31: Law enforcement" for a section of Part II."""
    return f"Section {section}: {EXEMPTIONS_BY_SECTION[section].name}"


def check_exemptions(sections: Sequence[str], *, for_extension: bool = False) -> list[str]:
    """Return `sections` in the Act's order, checked: at least one, each a Part II exemption
    (sections 21 to 44), and for an extension at least one qualified one (s.10(3) allows more
    time only to consider the public interest)."""
    unknown = [s for s in sections if s not in EXEMPTIONS_BY_SECTION]
    if unknown:
        raise FoiError(_("Choose exemptions from the list (sections 21 to 44 of the Act)."))
    if not sections:
        raise FoiError(_("Choose at least one exemption (sections 21 to 44 of the Act)."))
    if for_extension and not any(EXEMPTIONS_BY_SECTION[s].qualified for s in sections):
        raise FoiError(
            _(
                "Only a qualified exemption needs the public interest test: the time can be "
                "extended only to consider it (section 10(3))."
            )
        )
    order = [e.section for e in EXEMPTIONS]
    return sorted(set(sections), key=order.index)


def refusal_notice(sections: Sequence[str], reason: str) -> str:
    """Return the body of a refusal notice (s.17(1)): it states that the information is
    exempt, names each exemption and says why it applies."""
    cited = "\n".join(f"- {exemption_label(s)}" for s in sections)
    return (
        "The information you asked for is exempt from disclosure under the Freedom of "
        f"Information Act 2000:\n{cited}\n\n{reason.strip()}"
    )
