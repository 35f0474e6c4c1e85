"""Pure rules for the protocol document: the rules the software applies (each with a key the
office can map to a clause of its own protocol), reading a mapping, and who has not read the
latest version. No ORM, no clock.

Norfolk protocol 5 and the closing section of Cleveland's: staff are to have read the protocol
and follow it; the office's own wording governs, so where the software applies a rule it shows
the office's clause beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The rules the software applies, by key, with what the rule does (shown beside the clause).
RULES: dict[str, str] = {
    "register.single_register": _("Every contact is logged on one electronic register"),
    "register.written_confirmation": _(
        "Oral requests are confirmed in writing before any reply (Cumbria 6.1.2)"
    ),
    "register.four_eyes": _(
        "Answers are approved by the Chief Executive or a deputy, never the drafter"
    ),
    "register.equal_treatment": _("What one candidate is given is offered to all (Norfolk 19)"),
    "register.foi_deadline": _("FOI requests are answered within 20 working days"),
    "meetings.no_hustings": _("No hustings are organised by the office (Norfolk 20)"),
    "publishing.publish_answers": _("Answers to candidates are published for all to see"),
    "election.pre_election_period": _("The pre-election period and when it ends"),
    "closedown.after_poll": _("What the office does after the poll"),
}

MAX_CLAUSE = 2000


class MappingError(ValueError):
    """A mapping line the office must correct; the message says which and why."""


@dataclass(frozen=True)
class Reader:
    pk: int
    name: str


def parse_mapping(text: str) -> dict[str, str]:
    """Return {rule key: clause text} from lines "rule.key = clause text".

    Blank lines are skipped. Raises MappingError for a line without "=", an unknown key (with
    the known keys), a key given twice, an empty or over-long clause.
    """
    mapping: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, clause = line.partition("=")
        key, clause = key.strip(), clause.strip()
        if not sep:
            raise MappingError(
                _('Line %(n)s: write "rule key = clause text", for example %(example)s.')
                % {"n": number, "example": "register.four_eyes = 6.3 Answers are approved..."}
            )
        if key not in RULES:
            raise MappingError(
                _("Line %(n)s: %(key)s is not a rule the software applies. Use one of: %(keys)s.")
                % {"n": number, "key": key[:60], "keys": ", ".join(RULES)}
            )
        if key in mapping:
            raise MappingError(
                _("Line %(n)s: %(key)s is mapped twice.") % {"n": number, "key": key}
            )
        if not clause:
            raise MappingError(_("Line %(n)s: the clause text is empty.") % {"n": number})
        if len(clause) > MAX_CLAUSE:
            raise MappingError(
                _("Line %(n)s: the clause is longer than %(max)s characters.")
                % {"n": number, "max": MAX_CLAUSE}
            )
        mapping[key] = clause
    return mapping


def mapping_text(mapping: dict[str, str]) -> str:
    """Return a mapping as the lines parse_mapping reads (to prefill the next version)."""
    return "\n".join(f"{key} = {clause}" for key, clause in mapping.items())


def not_acknowledged(staff: list[Reader], acknowledged_ids: set[int]) -> list[Reader]:
    """Return the staff who have not acknowledged the version, by name."""
    return sorted(
        (r for r in staff if r.pk not in acknowledged_ids), key=lambda r: r.name.casefold()
    )
