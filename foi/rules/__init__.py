"""Pure rules for Freedom of Information requests on the register: the Act's clock, the
public-interest extension, the exemptions, internal review and which authority discloses.

No ORM and no clock: callers pass the facts and the day. The protocols all say the same
thing: "the standard operating practice under the Freedom of Information Act 2000 will apply.
Each public authority will remain responsible under the Act for their own disclosure and also
forward the same to the ... Election SPOC" (Cumbria 6.1.4, Avon and Somerset 6.1.4, Norfolk 12,
Cleveland 5.1, Leicestershire Req 5), and the response is posted on the election page.

Dates are counted on the FOI calendar (``election_protocol.calendar.WorkingDays.for_foi``:
FOIA s.10(6), bank holidays in any part of the UK, Christmas Eve a working day).

A package (issue 17, item 11): states.py, clock.py;
every public name is importable from here, as before.
"""

from __future__ import annotations

from foi.rules.clock import (
    Clarification,
    Clock,
    Pause,
    check_clarification,
    check_clarification_answer,
    check_disclosure_elsewhere,
    check_extension,
    check_transition,
    extension_limit,
    foi_clock,
    review_dates,
)
from foi.rules.states import (
    AUTHORITY_LABELS,
    EXEMPTIONS,
    EXEMPTIONS_BY_SECTION,
    EXTENSION_MAX_WORKING_DAYS,
    REVIEW_LATEST_WORKING_DAYS,
    REVIEW_OUTCOME_LABELS,
    REVIEW_TARGET_WORKING_DAYS,
    STATE_LABELS,
    TRANSITIONS,
    Authority,
    Exemption,
    FoiError,
    ReviewOutcome,
    State,
    check_exemptions,
    exemption_label,
    refusal_notice,
)

__all__ = [
    "AUTHORITY_LABELS",
    "EXEMPTIONS",
    "EXEMPTIONS_BY_SECTION",
    "EXTENSION_MAX_WORKING_DAYS",
    "REVIEW_LATEST_WORKING_DAYS",
    "REVIEW_OUTCOME_LABELS",
    "REVIEW_TARGET_WORKING_DAYS",
    "STATE_LABELS",
    "TRANSITIONS",
    "Authority",
    "Clarification",
    "Clock",
    "Exemption",
    "FoiError",
    "Pause",
    "ReviewOutcome",
    "State",
    "check_clarification",
    "check_clarification_answer",
    "check_disclosure_elsewhere",
    "check_exemptions",
    "check_extension",
    "check_transition",
    "exemption_label",
    "extension_limit",
    "foi_clock",
    "refusal_notice",
    "review_dates",
]
