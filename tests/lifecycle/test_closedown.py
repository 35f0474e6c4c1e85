"""The close-down after the poll (issue 15, item 3), on the reference poll of 2 May 2024: the
checklist follows the timetable, the register is frozen (read-only, still exportable), the
public page archived with its banner and served, the report a tagged PDF, the retention clock
started."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from candidates import rules as candidate_rules
from candidates.services import create_candidate, set_candidate_status
from election_protocol.calendar import LONDON
from lifecycle import archive, queries, rules, services
from lifecycle.models import Closure
from lifecycle.views import archived_site
from requests_register import services as register_services
from requests_register.models import Entry
from tests.builders import from_candidate, logged
from tests.factories import ElectionFactory
from tests.pdf import expanded

POLL = date(2024, 5, 2)
BEFORE_CLOSE = datetime(2024, 5, 2, 21, 30, tzinfo=LONDON)
AFTER = datetime(2024, 5, 3, 10, 0, tzinfo=LONDON)


@pytest.fixture
def story(election, cast):
    """Two declared candidates, an answered request from one (sent, never published) and an
    open one from the other."""
    spoc = cast["spoc"]
    tt = election.timetable
    people = []
    for name in ("Ada Testcandidate", "Ben Testcandidate"):
        c = create_candidate(
            election=election, by=spoc, at=tt.close_of_nominations - timedelta(days=20), name=name
        )
        set_candidate_status(
            c.pk, candidate_rules.Status.DECLARED, by=spoc, at=tt.close_of_nominations
        )
        people.append(c)
    received = tt.close_of_nominations + timedelta(days=2)

    def log(candidate, topic):
        return logged(
            election,
            spoc,
            received_at=received,
            topic=topic,
            question="How many officers?",
            now=received,
            **from_candidate(candidate, "candidate@example.org"),
        )

    answered = log(people[0], "Officers")
    register_services.set_entry_status(answered.pk, "in_progress", by=spoc, now=received)
    register_services.draft_answer(answered.pk, answer="Forty.", by=spoc, now=received)
    register_services.set_entry_status(
        answered.pk, "approved", by=cast["ce"], may_approve=True, now=received
    )
    register_services.set_entry_status(answered.pk, "sent", by=spoc, now=received)
    still_open = log(people[1], "Staff")
    return {"people": people, "answered": answered, "open": still_open, "spoc": spoc}


def test_nothing_before_the_poll_closes(election, story, cast):
    with pytest.raises(rules.CloseDownError, match="when the poll closes"):
        services.take_step(election.pk, rules.Step.FREEZE, by=cast["ce"], now=BEFORE_CLOSE)
    assert not Closure.objects.filter(election=election, frozen_at__isnull=False).exists()


def test_the_register_is_frozen_only_after_results_answers_and_open_entries(election, story, cast):
    ce = cast["ce"]
    facts = queries.facts(election, AFTER)
    assert (facts.results_recorded, facts.awaiting_publication, facts.open_entries) == (
        False,
        1,
        1,
    )
    with pytest.raises(rules.CloseDownError) as refused:
        services.take_step(election.pk, rules.Step.FREEZE, by=ce, now=AFTER)
    message = str(refused.value)
    assert "results recorded" in message and "open entries closed" in message
    # Archiving before the freeze is refused too: it records the final state.
    with pytest.raises(rules.CloseDownError, match="Freeze the register first"):
        services.take_step(election.pk, rules.Step.ARCHIVE, by=ce, now=AFTER)

    set_candidate_status(
        story["people"][0].pk, candidate_rules.Status.ELECTED, by=story["spoc"], at=AFTER
    )
    register_services.set_entry_status(
        story["open"].pk, "withdrawn", by=story["spoc"], reason="Withdrawn by e-mail.", now=AFTER
    )
    with pytest.raises(rules.CloseDownError):
        services.take_step(election.pk, rules.Step.LAST_ANSWERS, by=ce, explanation="  ", now=AFTER)
    services.take_step(
        election.pk,
        rules.Step.LAST_ANSWERS,
        by=ce,
        explanation="Published by the force on its own site.",
        now=AFTER,
    )
    closure = services.take_step(election.pk, rules.Step.FREEZE, by=ce, now=AFTER)
    assert closure.frozen_by == ce and closure.frozen_at == AFTER
    assert queries.is_frozen(election.pk)
    assert closure.history.filter(history_change_reason="Register frozen").exists()


def _ready(election, story, ce):
    set_candidate_status(
        story["people"][0].pk, candidate_rules.Status.ELECTED, by=story["spoc"], at=AFTER
    )
    register_services.set_entry_status(
        story["open"].pk, "withdrawn", by=story["spoc"], reason="Withdrawn by e-mail.", now=AFTER
    )
    services.take_step(
        election.pk, rules.Step.LAST_ANSWERS, by=ce, explanation="Not for publication.", now=AFTER
    )


def test_the_checklist_completes_and_the_archive_is_served(
    election, story, cast, client, settings, time_machine, _public_site_in_tmp
):
    time_machine.move_to(AFTER)
    ce = cast["ce"]
    _ready(election, story, ce)
    client.force_login(ce)
    page = client.get(reverse("lifecycle:closedown")).content.decode()
    assert 'id="do-freeze"' in page and "Close-down complete" not in page
    for step in ("freeze", "archive", "report", "retention"):
        response = client.post(reverse("lifecycle:closedown"), {"step": step})
        assert response.status_code == 302, step
    closure = Closure.objects.get(election=election)
    assert rules.is_complete(queries.facts(election, AFTER))
    assert closure.retention_due == date(2025, 5, 2)  # 12 months after polling day
    assert closure.archived_version == f"archive/{election.reference_prefix.lower()}"
    page = client.get(reverse("lifecycle:closedown")).content.decode()
    assert 'id="closedown-complete"' in page and 'id="archive-link"' in page

    # The snapshot: the election's public page, every HTML page with the banner, Welsh too.
    folder = _public_site_in_tmp / closure.archived_version
    index = (folder / "index.html").read_text()
    assert "This election is over" in index and 'id="archive-banner"' in index
    assert "Testshire" in index
    assert all("archive-banner" in p.read_text() for p in folder.rglob("*.html"))
    # Served as the web server serves it (the DEBUG view stands in for nginx).
    settings.DEBUG = True
    request = RequestFactory().get("/election/archive/x/")
    served = archived_site(request, election.reference_prefix.lower(), "")
    body = b"".join(served.streaming_content).decode()
    assert "This election is over" in body
    # A snapshot is permanent: never archived twice.
    with pytest.raises(rules.CloseDownError):
        archive.archive_public_site(election, now=AFTER)

    # The report: a tagged PDF (PDF/UA-1) with the counts.
    response = client.get(reverse("lifecycle:report"))
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    document = expanded(pdf)
    assert pdf.startswith(b"%PDF") and b"/StructTreeRoot" in document
    assert b"/Lang (en-GB)" in document
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_frozen_election_is_read_only_but_exportable(election, story, cast, client, time_machine):
    time_machine.move_to(AFTER)
    ce = cast["ce"]
    _ready(election, story, ce)
    services.take_step(election.pk, rules.Step.FREEZE, by=ce, now=AFTER)
    client.force_login(cast["spoc"])
    entry = story["answered"]
    before = Entry.objects.get(pk=entry.pk)
    notes = before.notes.count()
    response = client.post(
        reverse("requests_register:note", args=[entry.pk]),
        {"kind": "general", "body": "A late note"},
        HTTP_REFERER=f"http://testserver{reverse('requests_register:detail', args=[entry.pk])}",
    )
    assert response.status_code == 302
    assert response.url.endswith(reverse("requests_register:detail", args=[entry.pk]))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("read-only" in m for m in shown)
    assert Entry.objects.get(pk=entry.pk).notes.count() == notes
    # Logging a new entry while this election is chosen is refused the same way.
    session = client.session
    session["chosen_election_id"] = election.pk
    session.save()
    count = Entry.objects.count()
    client.post(reverse("requests_register:log"), {"topic": "x"})
    assert Entry.objects.count() == count
    # Still exportable, and readable with the warning.
    csv = client.get(reverse("requests_register:export_csv"))
    assert csv.status_code == 200
    content = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert entry.reference.encode() in content
    page = client.get(reverse("requests_register:list")).content.decode()
    assert 'id="read-only-warning"' in page and entry.reference in page
    # A page acting on the frozen election's candidate is refused though another is chosen.
    other = ElectionFactory(area="Otherfield", poll_date=date(2024, 5, 23))
    session = client.session
    session["chosen_election_id"] = other.pk
    session.save()
    assert 'id="read-only-warning"' not in client.get(reverse("dashboard")).content.decode()
    candidate = story["people"][1]
    refused = client.post(
        reverse("candidates:edit", args=[candidate.pk]),
        {"name": "Renamed Late"},
    )
    assert refused.status_code == 302
    assert any("read-only" in str(m) for m in get_messages(refused.wsgi_request))
    candidate.refresh_from_db()
    assert candidate.name == "Ben Testcandidate"


@pytest.mark.parametrize(
    ("namespace", "url_name", "kind"),
    [
        ("requests_register", "note", None),
        ("foi", "clarify", None),
        ("paro", "consult", "entry"),
        ("publishing", "propose_not_for_publication", None),
    ],
)
def test_a_page_acting_on_an_entry_finds_the_entrys_election(
    election, story, namespace, url_name, kind
):
    """The read-only check looks up the election of the object a page acts on, whichever
    election is chosen: an FOI step or a PARO consultation on a frozen election's entry is
    refused like a note (lifecycle.middleware)."""
    from lifecycle.middleware import _object_election

    entry = story["answered"]
    arg = "entry_pk" if namespace == "publishing" else "pk"
    kwargs = {arg: entry.pk, **({"kind": kind} if kind else {})}
    assert _object_election(namespace, url_name, kwargs) == election.pk
