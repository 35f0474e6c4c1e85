"""The benchmarks' database and data: a dedicated PostgreSQL database, rows made in bulk.

`configure()` points Django at the benchmark database and sets it up (production-like: DEBUG
off, benchmarks.settings); `prepare_database()` creates and migrates it; `reset()` empties it
before each benchmark. The builders below make fictional rows with bulk_create (100,000 register
entries in well under a minute): they write rows directly, as a fixture does, not through the
services, whose per-entry cost (locks, history, e-mail) is not what these figures are about.

The database is wiped. It is never DATABASE_URL's own database:
- BENCH_DATABASE_URL, if set, is used as it is (and wiped);
- otherwise DATABASE_URL's database with `_bench` appended;
- otherwise postgres://postgres@127.0.0.1:5432/election_spoc_bench.
Benchmarks run on PostgreSQL, as production does; anything else is refused.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit, urlunsplit

from election_protocol.calendar import first_possible_poll

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/election_spoc_bench"
BATCH = 5_000

TOPICS = [
    "Custody suites",
    "Neighbourhood policing",
    "Fire station cover",
    "Police precept",
    "Rural crime",
    "Road safety",
    "Victims' services",
    "Response times",
    "Police and crime plan",
    "Recruitment",
    "Knife crime",
    "Anti-social behaviour",
    "Drugs and county lines",
    "Domestic abuse",
    "Community safety partnership",
    "Estates strategy",
    "Body-worn video",
    "Stop and search",
    "Cybercrime",
    "Youth diversion",
]


def bench_database_url() -> str:
    """Return the URL of the database the benchmarks may wipe."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        url = explicit
    elif os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))
    else:
        url = DEFAULT_URL
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            f"Benchmarks run on PostgreSQL, as production does; got {urlsplit(url).scheme!r}. "
            "Set BENCH_DATABASE_URL=postgres://... (the database is wiped)."
        )
    return url


def bench_environment() -> dict[str, str]:
    """Return the environment of a production-like process on the benchmark database."""
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": bench_database_url(),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        # testserver: Django's test client, used in-process.
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        # As behind the production proxy, which terminates TLS: requests say they came over
        # HTTPS (the test client's secure=True, wrk's header), so none is redirected.
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    }
    return env


def configure() -> None:
    """Point this process at the benchmark database (created and migrated) and set Django up."""
    os.environ.update(bench_environment())
    prepare_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare_database() -> None:
    """Create the benchmark database if it does not exist yet."""
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def reset() -> None:
    """Empty every table (roles and permissions come back through post_migrate)."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def settle() -> None:
    """Vacuum and analyse after a bulk load, as autovacuum does soon after one in production:
    planner statistics, and the visibility map that lets counts use index-only scans. A bulk
    load sends no signal, so the staff pages' kept counts are made stale here, as every writer
    that bypasses save() must (election_protocol.staff_counts)."""
    from django.db import connection

    from election_protocol import staff_counts

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    staff_counts.bump()


@dataclass
class World:
    """One election with its staff and candidates."""

    election: object
    spoc: object
    chief_executive: object
    candidates: list
    next_number: int = 1


def make_world(today: date | None = None) -> World:
    """Return a fresh election a few weeks from its poll, a SPOC officer, the Chief Executive
    and ten declared candidates (fictional: example.org, 07700 900xxx)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from candidates.models import Candidate, Party
    from election_protocol.models import Election
    from election_protocol.roles import Role

    today = today or timezone.localdate()
    election = Election.objects.create(
        area="Benchshire",
        office="pcc",
        office_name="Office of the Police and Crime Commissioner for Benchshire",
        reference_prefix="BS26",
        poll_date=first_possible_poll(today + timedelta(days=21)),
        police_force_name="Benchshire Police",
        paro_name="Benchshire Council",
        paro_email="paro@benchshire.example.org",
        paro_phone="07700 900001",
        spoc_name="Election SPOC",
        spoc_email="spoc@benchshire.example.org",
        spoc_phone="07700 900002",
    )
    users = get_user_model().objects
    spoc = users.create_user("bench-spoc", "bench-spoc@example.org", secrets.token_urlsafe(16))
    spoc.groups.add(Group.objects.get(name=Role.SPOC.value))
    chief = users.create_user("bench-ce", "bench-ce@example.org", secrets.token_urlsafe(16))
    chief.groups.add(Group.objects.get(name=Role.CHIEF_EXECUTIVE.value))
    parties = [
        Party.objects.get_or_create(name=f"Benchshire Party {n}", short_forms=[f"BP{n}"])[0]
        for n in range(1, 6)
    ]
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                election=election,
                name=f"Candidate Number{n:02d}",
                party=parties[n % 5] if n % 4 else None,
                status="declared",
                emails=[f"candidate{n}@example.org"],
                phones=[f"07700 900{100 + n:03d}"],
                agent_name=f"Agent Number{n:02d}",
                agent_email=f"agent{n}@example.org",
            )
            for n in range(1, 11)
        ]
    )
    return World(election, spoc, chief, candidates)


def add_entries(world: World, count: int, *, status: str | None = None) -> None:
    """Add `count` register entries to `world`'s election, numbered on from the last, received
    over the past months, a third from candidates, in every status (or all in `status`)."""
    from django.utils import timezone

    from requests_register import rules
    from requests_register.models import Entry

    open_statuses = [s.value for s in rules.Status if s in rules.OPEN]
    ended = [s.value for s in rules.Status if s not in rules.OPEN]
    kinds = [k.value for k in rules.Kind]
    channels = [c.value for c in rules.Channel]
    prefix = world.election.reference_prefix
    zone = timezone.get_current_timezone()
    start = datetime.combine(timezone.localdate() - timedelta(days=120), time(9), zone)
    seconds = 120 * 24 * 3600
    today = timezone.localdate()
    made = 0
    while made < count:
        batch = []
        for _ in range(min(BATCH, count - made)):
            n = world.next_number
            world.next_number += 1
            candidate = world.candidates[n % len(world.candidates)] if n % 3 == 0 else None
            received = start + timedelta(seconds=(n * 7919) % seconds)
            batch.append(
                Entry(
                    election=world.election,
                    number=n,
                    reference=f"{prefix}-{n:06d}",
                    received_at=received,
                    channel=channels[n % len(channels)],
                    kind=kinds[n % len(kinds)],
                    topic=TOPICS[n % len(TOPICS)],
                    question=f"Question {n}: how many officers worked on this in the last year?",
                    requester_type="candidate" if candidate else "public",
                    candidate=candidate,
                    party=candidate.party if candidate else None,
                    requester_name=candidate.name if candidate else f"Resident Number{n}",
                    requester_email=f"resident{n}@example.org",
                    treated_as="candidate" if candidate else "public",
                    status=status or _status(n, received, today, open_statuses, ended),
                    target_date=received.date() + timedelta(days=28),
                    created_by=world.spoc,
                )
            )
        Entry.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
    settle()


def _status(n: int, received: datetime, today: date, open_: list[str], ended: list[str]) -> str:
    # Like a real register: what came in this past month is mostly open, older entries are
    # mostly answered or ended; one in 25 of those is still open (overdue).
    if (today - received.date()).days < 30 or n % 25 == 0:
        return open_[n % len(open_)]
    return ended[n % len(ended)]


def add_published(world: World, count: int) -> None:
    """Add `count` answered register entries, each with a published public version (anonymised
    text, prepared by the SPOC officer, approved by the Chief Executive) and its private text."""
    from django.utils import timezone

    from publishing.models import PrivateText, PublicEntry
    from requests_register.models import Entry

    first = world.next_number
    add_entries(world, count, status="sent")
    now = timezone.now()
    entries = Entry.objects.filter(election=world.election, number__gte=first).order_by("number")
    made = 0
    while made < count:
        rows = list(entries[made : made + BATCH])
        public = PublicEntry.objects.bulk_create(
            [
                PublicEntry(
                    kind="register_answer",
                    entry=e,
                    election=world.election,
                    number=e.number,
                    reference=f"{world.election.reference_prefix}-Q{e.number:06d}",
                    topic=e.topic,
                    received_on=e.received_at.date(),
                    answered_on=e.received_at.date() + timedelta(days=5),
                    answering_body="office",
                    question=f"A [candidate] asked how many officers worked on {e.topic.lower()}.",
                    answer=(
                        f"Answer {e.number}: the force assigned officers to this work last year; "
                        "the figures are in the annual report.\n\nThe office will publish "
                        "updated figures after the election."
                    ),
                    status="published",
                    published_at=now,
                    prepared_by=world.spoc,
                    prepared_at=now,
                    approved_by=world.chief_executive,
                    approved_at=now,
                )
                for e in rows
            ],
            batch_size=BATCH,
        )
        PrivateText.objects.bulk_create(
            [
                PrivateText(public_entry=p, field=field, text=getattr(e, attr))
                for p, e in zip(public, rows, strict=True)
                for field, attr in (("question", "question"), ("answer", "question"))
            ],
            batch_size=BATCH,
        )
        made += len(rows)
    settle()


def signed_in_client(user):
    """Return a Django test client signed in as `user` the way a person is: through the login
    signals (session start time, audit), and past the two-factor step where the project has
    one (a confirmed TOTP device, the session marked verified as after entering a code)."""
    from django.apps import apps
    from django.test import Client

    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookie(client) -> str:
    """Return the `Cookie:` header value of `client`'s session, for a load tool."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"
