"""Fictional demo data: an office, an election, six candidates and one user per role.

Every name, e-mail address and phone number here is invented: addresses are on example.org and
phone numbers are in Ofcom's range for drama (07700 900xxx). Later issues extend this so the
demo always shows every feature.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from briefings.demo import seed_briefings
from briefings.demo_held import seed_held
from candidates import rules
from candidates.models import Candidate, Party
from candidates.services import create_candidate, set_candidate_status
from dataprotection.demo import seed_dataprotection
from election_protocol import calendar
from election_protocol.models import Election, NonWorkingDay, Office
from election_protocol.roles import Role
from foi.demo import seed_foi
from incidents.demo import seed_incidents
from lifecycle.demo import seed_lifecycle
from mail_intake.demo import seed_mailbox
from paro.demo import seed_paro
from protocol.demo import seed_protocol
from publishing.demo import seed_publishing
from requests_register.demo import seed_register
from requests_register.demo_more import seed_register_more

DEMO_AREA = "Northshire"
DEMO_USERS: list[tuple[str, Role, bool]] = [
    # username, role, may use the Django admin for configuration
    ("spoc", Role.SPOC, True),
    ("chief-executive", Role.CHIEF_EXECUTIVE, True),
    ("chief-constable", Role.CHIEF_CONSTABLE, False),
    ("chief-fire-officer", Role.CHIEF_FIRE_OFFICER, False),
    ("police-liaison", Role.POLICE_LIAISON, False),
    ("fire-liaison", Role.FIRE_LIAISON, False),
    ("auditor", Role.AUDITOR, False),
]
INCUMBENT_USERNAME = "incumbent-pcc"


def demo_poll_date(now: datetime) -> date:
    """Return a poll date ahead of `now` whose nominations closed at least a day ago.

    The demo then shows an election in its busiest phase: the statement of persons nominated is
    out, candidates are declared, and the poll is still to come.
    """
    today = now.astimezone(calendar.LONDON).date()
    suitable = []
    for offset in range(1, 60):
        day = today + timedelta(days=offset)
        if day.weekday() != 3:  # PCC polls are on Thursdays
            continue
        try:
            timetable = calendar.statutory_timetable(day)
        except ValueError:
            continue  # a Thursday that is a bank holiday cannot be polling day
        if timetable.close_of_nominations <= now - timedelta(days=1):
            suitable.append(day)
    # The furthest such poll keeps the demo in this phase for as long as possible.
    return suitable[-1]


def demo_password() -> str:
    """Return the demo password: DEMO_PASSWORD, or one made once and kept in var/."""

    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = settings.VAR_DIR / "demo-password"
    if not path.exists():
        path.write_text(f"demo-{secrets.token_urlsafe(9)}")
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass
class DemoResult:
    election: Election
    created: bool
    password: str
    usernames: list[str]


@transaction.atomic
def seed_demo(now: datetime) -> DemoResult:
    """Create the demo office, election, candidates and users; do nothing twice.

    Users' passwords are (re)set to the demo password on every run, so the printed logins work.
    """
    password = demo_password()
    # Hashed once for every demo login: each hash takes a deliberate fraction of a second
    # (PBKDF2), the largest part of a first `make demo` when made eight times over.
    hashed = make_password(password)
    User = get_user_model()
    users = {}
    for username, role, admin_access in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.email = f"{username}@example.org"
        user.is_staff = admin_access
        user.password = hashed
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        users[username] = user
    incumbent_user, _ = User.objects.get_or_create(username=INCUMBENT_USERNAME)
    incumbent_user.password = hashed
    incumbent_user.email = "incumbent-pcc@example.org"
    incumbent_user.save()
    incumbent_user.groups.set([Group.objects.get(name=Role.AUDITOR.value)])

    # A demo election whose commissioner has not yet taken office is kept; once it is over, a
    # new one is made a few weeks ahead, so the demo never shows a finished election.
    today = now.astimezone(calendar.LONDON).date()
    election = (
        Election.objects.filter(area=DEMO_AREA, poll_date__gte=today - timedelta(days=7))
        .order_by("poll_date")
        .first()
    )
    created = election is None
    if created:
        poll = demo_poll_date(now)
        timetable = calendar.statutory_timetable(poll)
        election = Election.objects.create(
            area=DEMO_AREA,
            office=Office.PFCC,
            office_name="Office of the Police, Fire and Crime Commissioner for Northshire",
            # NS26 for a 2026 poll; a second demo election in the same year gets its month too.
            reference_prefix=(
                f"NS{poll:%y}"
                if not Election.objects.filter(reference_prefix=f"NS{poll:%y}").exists()
                else f"NS{poll:%y%m%d}"
            ),
            poll_date=poll,
            # The PARO published four working days before the latest date, as Cumbria's did.
            notice_published=calendar.WorkingDays.for_election_timetable().back(
                timetable.notice_of_election, 4
            ),
            police_force_name="Northshire Police",
            fire_service_name="Northshire Fire and Rescue Service",
            paro_name="Northshire Council, Police Area Returning Officer",
            paro_email="paro@northshire.example.org",
            paro_phone="07700 900101",
            spoc_name="Election SPOC, OPFCC Northshire",
            spoc_email="election.spoc@northshire.example.org",
            spoc_phone="07700 900102",
        )
        NonWorkingDay.objects.create(
            election=election,
            date=timetable.notice_of_poll + timedelta(days=1),
            kind=NonWorkingDay.Kind.OFFICE_CLOSURE,
            reason="Office move (demo)",
        )
        _seed_candidates(election, users["spoc"], incumbent_user)

        seed_register(election, users, now)

        seed_foi(election, users, now)

        seed_briefings(election, users, now)
        # Issue 13: no-reply closure, office-initiated contact, media, hustings refusal; a
        # meeting recorded after it was held (its notes published by the publishing demo).

        seed_register_more(election, users, now)
        seed_held(election, users, now)
        # Before publishing's demo: the site it publishes carries the approved statement.

        seed_incidents(election, users, now)

        seed_paro(election, users, now)
        # The protocol document (issue 15) before publishing: the public page carries it.

        seed_protocol(election, users, now)

        seed_publishing(election, users, now)

        seed_dataprotection(election, users, now)

        seed_mailbox(election, users, now)
        # Issue 15: the previous election (closed down, read-only, archived) and a mayoral
        # by-election beside this one.

        seed_lifecycle(election, users, now)
    return DemoResult(
        election, created, password, [u for u, _, _ in DEMO_USERS] + [INCUMBENT_USERNAME]
    )


def _party(name: str) -> Party:
    return Party.objects.get(name=name)


def _seed_candidates(election: Election, spoc, incumbent_user) -> None:
    tt = election.timetable
    announced = datetime.combine(
        election.notice_published, datetime.min.time(), calendar.LONDON
    ) - timedelta(days=30)
    on_sopn = tt.close_of_nominations + timedelta(hours=18)
    people = [
        dict(
            name="Rowan Pettifer",
            aliases=["Ro Pettifer"],
            party=_party("Conservative and Unionist Party"),
            incumbent_role=Candidate.IncumbentRole.COMMISSIONER,
            linked_user=incumbent_user,
            emails=["rowan.pettifer@example.org"],
            phones=["07700 900201"],
            postal_address="1 Fictional Row\nNorthtown\nNT1 1AA",
            handles=["@rowan_for_ns"],
            website="https://rowan-pettifer.example.org",
            agent_name="Sam Quillfeather",
            agent_email="agent.pettifer@example.org",
            agent_phone="07700 900202",
        ),
        dict(
            name="Priya Castellane",
            party=_party("Labour Party"),
            emails=["priya.castellane@example.org"],
            phones=["07700 900211"],
            handles=["@priya4northshire"],
            agent_name="Dev Marchbank",
            agent_email="agent.castellane@example.org",
        ),
        dict(
            name="Tomasz Everleigh",
            aliases=["Tom Everleigh"],
            party=_party("Liberal Democrats"),
            emails=["tomasz.everleigh@example.org"],
            phones=["07700 900221"],
        ),
        dict(
            name="Imogen Hartswood",
            aliases=["Immy Hartswood"],
            party=None,
            emails=["imogen.hartswood@example.org"],
            phones=["07700 900231"],
            website="https://hartswood-independent.example.org",
        ),
        dict(
            name="Callum Drayfield",
            party=_party("Reform UK"),
            emails=["callum.drayfield@example.org"],
        ),
        dict(
            name="Bethan Ollerenshaw",
            party=_party("Green Party"),
            incumbent_role=Candidate.IncumbentRole.DEPUTY,
            emails=["bethan.ollerenshaw@example.org"],
        ),
    ]
    made = {
        p["name"]: create_candidate(
            election=election, by=spoc, at=announced, note="Announced by their party (demo).", **p
        )
        for p in people
    }
    for name in ("Rowan Pettifer", "Priya Castellane", "Tomasz Everleigh", "Imogen Hartswood"):
        set_candidate_status(
            made[name].pk,
            rules.Status.DECLARED,
            by=spoc,
            at=on_sopn,
            note="On the statement of persons nominated.",
        )
    set_candidate_status(
        made["Callum Drayfield"].pk,
        rules.Status.WITHDRAWN,
        by=spoc,
        at=announced + timedelta(days=10),
        note="Told the SPOC by e-mail he will not stand.",
    )
