"""Remove identities from text before it is published (issue 5, item 2).

Information given to one candidate is anonymised and published for all (Cumbria protocol 3.2.4,
3.4.2, 6.1.4; Norfolk 11; Cleveland 5.1, 6). The worst failure is a leak, so every e-mail address,
UK phone number and full UK postcode goes whoever it belongs to, and so does every @handle. Names,
parties, postal addresses, listed handles and websites go for the subjects the caller names. The
opposite failure, over-redaction, makes the register useless: a name part that is also an
ordinary word ("Will", "Hope") goes only where it reads as a name.

Labels: the subject label ("[candidate]" by default), "[email address]", "[phone number]",
"[postcode]", "[address]", "[party]", "[social media handle]", "[website]". A postcode on its own
is "[postcode]" (it says what went); when it sits next to a subject's address line, with at most
that address's town or county lines between, the whole block becomes one "[address]".
A possessive stays outside the span: "Castellane's" -> "[candidate]'s".

Names: kind "person", label `subject_label`. A distinctive part ("Castellane") goes in any case;
a part that is a common word (COMMON_WORDS) only when capitalised and next to another part, after
a title or a greeting ("Dear Will"), or possessive; a part of one or two letters ("Ng") when
capitalised. Party words that are ordinary ("Labour", "Green", "Reform") and short forms of up
to three letters ("Lab", "Con") match as written or in capitals only, so "labour market" survives.

Known limits (a reviewer sees every draft before publication, issue 5 item 3): a lone capitalised
common-word name at the start of a sentence survives ("Hope said"); so do a street named without
its number, non-UK phone numbers other than a subject's own, nicknames not given as aliases, and
names spelt differently from the subject's record. "Green spaces" at the start of a sentence
loses "Green" when a subject stands for the Green Party.

Pure and deterministic: no Django, no clock, no model download. Patterns are compiled once per set
of subjects (lru_cache on `subjects_fingerprint`); Python loops only over regex matches.

The module is a package: words.py (the words and patterns of one identifier), parties.py (the
forms people write for a party), subjects.py (what goes in and comes out), patterns.py (the
subjects' patterns, compiled once per set) and engine.py (`anonymise`, the pass over a text).
"""

from __future__ import annotations

from publishing.anonymise.engine import anonymise
from publishing.anonymise.parties import (
    NICKNAMES,
    ORDINARY_PHRASES,
    PARTY_CONTEXT,
    PartyForm,
    everyday_party_forms,
)
from publishing.anonymise.subjects import (
    LABELS,
    Anonymised,
    Redaction,
    Subject,
    subjects_fingerprint,
)
from publishing.anonymise.words import COMMON_WORDS

__all__ = [
    "COMMON_WORDS",
    "LABELS",
    "NICKNAMES",
    "ORDINARY_PHRASES",
    "PARTY_CONTEXT",
    "Anonymised",
    "PartyForm",
    "Redaction",
    "Subject",
    "anonymise",
    "everyday_party_forms",
    "subjects_fingerprint",
]
