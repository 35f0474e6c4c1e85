"""What the anonymiser takes and gives: the subjects whose identity must not be published, the
redactions made, the labels put in their place; and the key their compiled patterns are kept by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LABELS = {
    "email": "[email address]",
    "phone": "[phone number]",
    "postcode": "[postcode]",
    "address": "[address]",
    "party": "[party]",
    "handle": "[social media handle]",
    "website": "[website]",
}


@dataclass
class Subject:
    """A person whose identity must not be published."""

    name: str
    aliases: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    party: str | None = None  # the party's registered name
    party_short_forms: list[str] = field(default_factory=list)  # "Labour", "the Tories", ...
    handles: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Redaction:
    start: int  # span in the ORIGINAL text
    end: int
    kind: str  # "person", "email", "phone", "postcode", "address", "party", "handle", "website"
    label: str  # the replacement, e.g. "[candidate]"
    original: str


@dataclass(frozen=True)
class Anonymised:
    text: str
    redactions: tuple[Redaction, ...]


def subjects_fingerprint(subjects: Sequence[Subject]) -> tuple:
    """Return a hashable key for a list of subjects (the cache key of their compiled patterns)."""
    return tuple(
        (
            s.name,
            tuple(s.aliases),
            tuple(s.emails),
            tuple(s.phones),
            tuple(s.addresses),
            s.party,
            tuple(s.party_short_forms),
            tuple(s.handles),
            tuple(s.websites),
        )
        for s in subjects
    )
