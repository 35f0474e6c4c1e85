"""Demo data of the SPOC mailbox: the triage inbox seeded from the fictional .eml files in
mail_intake/demo_mail/, with no mail server (issue 14, item 6). Called by election_protocol.demo.

The files go through the same record-and-sort funnel as mail read over IMAP: two new requests
(one matched to a candidate), an agent's letter with a PDF, an automatic reply (filed, never an
entry), a message nested too deeply to read (needs attention, with the reason), and a reply
naming an entry's reference in its subject (on that entry's timeline; the template's $reference,
$name and $email are filled in from a demo entry in progress).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from string import Template

from election_protocol.models import Election
from mail_intake import services
from requests_register.models import Entry

DEMO_MAIL = Path(__file__).resolve().parent / "demo_mail"


def seed_mailbox(election: Election, users: dict, now: datetime) -> int:
    """Record and sort every demo .eml file (received over the last hours, in file order);
    return how many were new. Idempotent: a file already recorded is not recorded again."""
    files = sorted(DEMO_MAIL.glob("*.eml*"))
    entry = (
        Entry.objects.filter(election=election, status="in_progress", channel="email")
        .exclude(requester_email="")
        .order_by("number")
        .first()
    )
    new = 0
    for index, path in enumerate(files):
        received = now - timedelta(hours=2 * (len(files) - index))
        raw = path.read_bytes()
        if path.name.endswith(".template"):
            if entry is None:
                continue
            values = {
                "reference": entry.reference,
                "name": entry.requester_name,
                "email": entry.requester_email,
            }
            raw = Template(raw.decode()).substitute(values).encode()
        # The files are stored with LF line ends; mail on the wire has CRLF.
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        message, created = services.record_message(raw, received_at=received, now=received)
        if created:
            services.sort_message(message.pk, now=received)
            new += 1
    return new
